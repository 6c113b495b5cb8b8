// Valid code: ops that never call SetSequence, for notifier types whose sequence nobody reads. The kernel's
// radeon_mn_invalidate waits for the GPU to be done with the buffer and gntdev unmaps grant pages; neither
// calls mmu_interval_set_seq because neither has a read side.
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.NoSequence;

public sealed class RadeonBo : IntervalNotifier
{
    public RadeonBo(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly ManualResetEventSlim Idle = new(true);

    public int Unpinned;
}

public sealed class RadeonMnOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var bo = (RadeonBo)notifier;

        // "if (!mmu_notifier_range_blockable(range)) return false;"
        if (!range.IsBlockable)
        {
            return false;
        }

        bo.Idle.Wait(100);
        Interlocked.Increment(ref bo.Unpinned);
        return true;
    }
}

public sealed class GrantMap : IntervalNotifier
{
    public GrantMap(IntervalNotifierOps ops) : base(ops)
    {
    }

    public ulong Unmapped;
}

public sealed class GntdevUnmapFinish : NotifierFinish
{
    public ulong Pages;
}

/// <summary>A two-pass variant: unmap in the start, account in the finish, still no sequence.</summary>
public sealed class GntdevOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        finish = new GntdevUnmapFinish { Pages = (range.End - range.Start) >> 12 };
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var unmap = (GntdevUnmapFinish)finish;
        var map = (GrantMap)unmap.Notifier;
        map.Unmapped += unmap.Pages;
    }
}
