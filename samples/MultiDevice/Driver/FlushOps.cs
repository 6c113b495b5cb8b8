using IntervalNotifiers;

namespace MultiDevice.Driver;

/// <summary>
/// Single-pass ops: each device's callback starts its TLB flush and waits for it before returning,
/// so N devices are flushed one after another (N x the flush latency).
/// </summary>
public sealed class SinglePassFlushOps : IntervalNotifierOps
{
    /// <inheritdoc />
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        if (!range.IsBlockable)
        {
            return false; // waiting for the device would sleep: the core retries later with a blockable range
        }

        var mirror = (DeviceMirror)notifier;
        FlushTicket flush;
        lock (mirror.DriverLock)
        {
            mirror.SetSequence(currentSequence);
            mirror.IsMapped = false;                // stop using the shadow PTEs ...
            flush = mirror.Device.StartTlbFlush();  // ... and the device's cached copies of them
        }

        flush.Wait();
        return true;
    }
}

/// <summary>
/// The data a two-pass invalidation carries from its start to its finish: the TLB flush in flight.
/// Rented from a <see cref="NotifierFinishPool{TFinish}"/>, so an invalidation allocates nothing.
/// </summary>
public sealed class FlushFinish : NotifierFinish
{
    /// <summary>The flush started by <see cref="TwoPassFlushOps.InvalidateStart"/>.</summary>
    public FlushTicket Flush { get; set; }
}

/// <summary>
/// Two-pass ops: the first pass starts the TLB flush on every device, the second waits for them, so
/// N devices are flushed in parallel (about one flush latency in all).
/// </summary>
public sealed class TwoPassFlushOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<FlushFinish> _finishes;

    /// <summary>Creates the ops with a pool of <paramref name="poolCapacity"/> finish objects.</summary>
    /// <param name="poolCapacity">How many invalidations may be between their passes at once; when the
    /// pool is empty an invalidation waits for its flush in the first pass.</param>
    public TwoPassFlushOps(int poolCapacity)
    {
        _finishes = new NotifierFinishPool<FlushFinish>(poolCapacity);
    }

    /// <inheritdoc />
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        if (!range.IsBlockable)
        {
            return false; // the finish would have to wait for the device: not allowed on this range
        }

        var mirror = (DeviceMirror)notifier;
        FlushTicket flush;
        lock (mirror.DriverLock)
        {
            mirror.SetSequence(currentSequence);
            mirror.IsMapped = false;
            flush = mirror.Device.StartTlbFlush();
        }

        if (!_finishes.TryRent(out FlushFinish? pending))
        {
            flush.Wait(); // no finish object free: do the whole invalidation in the first pass
            return true;
        }

        pending.Flush = flush;
        finish = pending;
        return true;
    }

    /// <inheritdoc />
    public override void InvalidateFinish(NotifierFinish finish)
    {
        var pending = (FlushFinish)finish;
        pending.Flush.Wait();
        pending.Flush = default;
        _finishes.Return(pending);
    }
}
