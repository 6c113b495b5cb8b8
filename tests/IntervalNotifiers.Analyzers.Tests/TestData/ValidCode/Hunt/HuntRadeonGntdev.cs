// Valid code (hunt): radeon and gntdev never set the sequence and nobody reads it. Expression-bodied callbacks,
// a conditional expression picking the blocking or the trylock path, and a gntdev-like two-pass unmap whose
// finish is a derived finish created per invocation.
using System;
using System.Threading;

namespace ValidCode.Hunt.NoSeq;

public sealed class RadeonMnBo : IntervalNotifier
{
    public RadeonMnBo(RadeonMnBoOps ops) : base(ops)
    {
    }

    public readonly SemaphoreSlim Reserve = new(1, 1);

    public int Evictions;
}

public sealed class RadeonMnBoOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        => range.IsBlockable ? EvictBlocking((RadeonMnBo)notifier) : TryEvict((RadeonMnBo)notifier);

    private static bool EvictBlocking(RadeonMnBo bo)
    {
        bo.Reserve.Wait();
        try
        {
            bo.Evictions++;
        }
        finally
        {
            bo.Reserve.Release();
        }

        return true;
    }

    private static bool TryEvict(RadeonMnBo bo)
    {
        if (!bo.Reserve.Wait(0))
        {
            return false;
        }

        try
        {
            bo.Evictions++;
            return true;
        }
        finally
        {
            bo.Reserve.Release();
        }
    }
}

public sealed class GntdevGrantMap : IntervalNotifier
{
    public GntdevGrantMap(GntdevMapOps ops, int count) : base(ops) => Handles = new int[count];

    public int[] Handles;
}

public sealed class GntdevUnmap : NotifierFinish
{
    public GntdevGrantMap? Map { get; set; }

    public int First;

    public int Count;
}

public sealed class GntdevMapOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var map = (GntdevGrantMap)notifier;
        var first = (int)((Math.Max(range.Start, map.Start) - map.Start) >> 12);
        var last = (int)((Math.Min(range.End - 1, map.Last) - map.Start) >> 12);
        finish = new GntdevUnmap { Map = map, First = first, Count = last - first + 1 };
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        switch (finish)
        {
            case GntdevUnmap { Map: { } map } unmap:
                Array.Clear(map.Handles, unmap.First, Math.Min(unmap.Count, map.Handles.Length - unmap.First));
                break;
            default:
                break;
        }
    }
}
