// Valid code: a two-pass driver whose start falls back to the single-pass Invalidate when it cannot defer
// the work (here: a range that is not the driver's own unmap). Invalidate is then not dead code (no NTF004),
// and the fallback path is judged by Invalidate's body (which sets the sequence).
using IntervalNotifiers;

namespace ValidCode.Fallback;

public sealed class SvmRange : IntervalNotifier
{
    public SvmRange(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public bool Mapped = true;
}

public sealed class DeferredUnmapFinish : NotifierFinish
{
    public ulong Start;
    public ulong End;
}

public sealed class SvmOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var svm = (SvmRange)notifier;
        if (!range.IsBlockable)
        {
            return false;
        }

        lock (svm.Lock)
        {
            svm.SetSequence(currentSequence);
            svm.Mapped = false;
        }

        return true;
    }

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        if (range.Event != NotifierEvent.Unmap)
        {
            finish = null;
            return Invalidate(notifier, range, currentSequence);
        }

        var svm = (SvmRange)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        lock (svm.Lock)
        {
            svm.SetSequence(currentSequence);
        }

        finish = new DeferredUnmapFinish { Start = range.Start, End = range.End };
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var deferred = (DeferredUnmapFinish)finish;
        var svm = (SvmRange)deferred.Notifier;
        lock (svm.Lock)
        {
            svm.Mapped = deferred.End <= deferred.Start;
        }
    }
}

public static class SvmMigrate
{
    public static bool TryMigrate(SvmRange svm)
    {
        var sequence = svm.ReadBegin();
        lock (svm.Lock)
        {
            if (svm.ReadRetry(sequence))
            {
                return false;
            }

            svm.Mapped = true;
            return true;
        }
    }
}
