// Valid code: early returns on a range the driver itself started, before taking the lock and setting the
// sequence (the kernel's test_hmm dmirror_interval_invalidate and nouveau_svm_range_invalidate skip the
// invalidation that their own migration triggered).
using IntervalNotifiers;

namespace ValidCode.Owner;

public sealed class DeviceMirror : IntervalNotifier
{
    public DeviceMirror(IntervalNotifierOps ops, object owner) : base(ops) => Owner = owner;

    public object Owner { get; }

    public readonly object Lock = new();

    public int Entries;
}

public sealed class DmirrorOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var dmirror = (DeviceMirror)notifier;

        // Ignore invalidation callbacks for device-private pages since the invalidation is handled as part
        // of the migration process.
        if (range.Event == NotifierEvent.Migrate && range.Owner == dmirror.Owner)
        {
            return true;
        }

        if (!range.IsBlockable)
        {
            return false;
        }

        lock (dmirror.Lock)
        {
            dmirror.SetSequence(currentSequence);
            dmirror.Entries = 0;
        }

        return true;
    }
}

public sealed class NouveauSvmFinish : NotifierFinish
{
    public int Entries;
}

public sealed class NouveauSvmOps : IntervalNotifierOps
{
    private readonly object _owner;

    public NouveauSvmOps(object owner) => _owner = owner;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var mirror = (DeviceMirror)notifier;
        finish = null;

        // nouveau: "if (range->event == MMU_NOTIFY_EXCLUSIVE && range->owner == svmm->vmm->cli->drm->dev) return true;"
        if (range.Event == NotifierEvent.Exclusive && range.Owner == _owner)
        {
            return true;
        }

        if (!range.IsBlockable)
        {
            return false;
        }

        lock (mirror.Lock)
        {
            mirror.SetSequence(currentSequence);
            finish = new NouveauSvmFinish { Entries = mirror.Entries };
            mirror.Entries = 0;
        }

        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var svm = (NouveauSvmFinish)finish;
        svm.Entries = 0;
    }
}

public static class DeviceMirrorFault
{
    public static bool Fault(DeviceMirror mirror)
    {
        var sequence = mirror.ReadBegin();
        lock (mirror.Lock)
        {
            if (mirror.ReadRetry(sequence))
            {
                return false;
            }

            mirror.Entries++;
            return true;
        }
    }
}
