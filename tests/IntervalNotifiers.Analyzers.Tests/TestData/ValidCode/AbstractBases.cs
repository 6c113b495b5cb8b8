// Valid code: abstract intermediate bases. An abstract base may define only one half of the two-pass pair;
// its concrete subclasses answer for the whole chain (no NTF001 / NTF005 on the bases, none on the
// subclasses either since together they define both).
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.Bases;

public class DeviceRange : IntervalNotifier
{
    public DeviceRange(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public long Flushes;
}

public sealed class FlushFinish : NotifierFinish
{
    public long Ticket;
}

/// <summary>The start half, shared by every engine: the subclasses add their own finish.</summary>
public abstract class TwoPassEngineOps : IntervalNotifierOps
{
    public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                out NotifierFinish? finish)
    {
        var device = (DeviceRange)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        lock (device.Lock)
        {
            device.SetSequence(currentSequence);
        }

        finish = new FlushFinish { Ticket = Interlocked.Increment(ref device.Flushes) };
        return true;
    }
}

public sealed class CopyEngineOps : TwoPassEngineOps
{
    public override void InvalidateFinish(NotifierFinish finish)
    {
        var flush = (FlushFinish)finish;
        flush.Ticket = 0;
    }
}

public class ComputeEngineOps : TwoPassEngineOps
{
    public override void InvalidateFinish(NotifierFinish finish)
    {
        if (finish is FlushFinish flush)
        {
            WaitTicket(flush.Ticket);
        }
    }

    protected virtual void WaitTicket(long ticket)
    {
    }
}

/// <summary>A subclass of a concrete ops type that overrides nothing of the contract.</summary>
public sealed class TracedComputeEngineOps : ComputeEngineOps
{
    public int Waits;

    protected override void WaitTicket(long ticket) => Waits++;
}

/// <summary>The finish half first: the subclasses provide the start.</summary>
public abstract class FinishingOpsBase : IntervalNotifierOps
{
    public long Completed;

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var flush = (FlushFinish)finish;
        Completed += flush.Ticket;
        flush.Ticket = -1;
        OnFinished(Completed);
    }

    protected abstract void OnFinished(long completed);
}

public sealed class DisplayOps : FinishingOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var device = (DeviceRange)notifier;
        lock (device.Lock)
        {
            device.SetSequence(currentSequence);
        }

        finish = new FlushFinish();
        return true;
    }

    protected override void OnFinished(long completed) => Flushed = completed;

    public long Flushed;
}

/// <summary>A single-pass chain: the abstract base defines Invalidate.</summary>
public abstract class SinglePassOpsBase : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var device = (DeviceRange)notifier;
        lock (device.Lock)
        {
            device.SetSequence(currentSequence);
            OnInvalidated(device);
        }

        return true;
    }

    protected abstract void OnInvalidated(DeviceRange device);
}

public sealed class ScanoutOps : SinglePassOpsBase
{
    protected override void OnInvalidated(DeviceRange device) => device.Flushes++;
}

public static class DeviceRangeReader
{
    public static bool Validate(DeviceRange device)
    {
        var sequence = device.ReadBegin();
        lock (device.Lock)
        {
            return !device.ReadRetry(sequence);
        }
    }
}
