using System.Threading;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>A notifier with a driver lock, as drivers derive theirs (no device behind it: callbacks cost nothing).</summary>
public sealed class BenchNotifier : IntervalNotifier
{
    /// <summary>Creates a notifier.</summary>
    public BenchNotifier(IntervalNotifierOps ops)
        : base(ops)
    {
    }

    /// <summary>The driver lock, held around <see cref="IntervalNotifier.SetSequence"/> and <see cref="IntervalNotifier.ReadRetry"/>.</summary>
    public Lock DriverLock { get; } = new();

    /// <summary>Driver state guarded by <see cref="DriverLock"/>.</summary>
    public bool IsMapped { get; set; }

    /// <summary>The uncontended read side: begin, then check under the driver lock.</summary>
    public bool TryMap()
    {
        ulong sequence = ReadBegin();
        lock (DriverLock)
        {
            if (ReadRetry(sequence))
            {
                return false;
            }

            IsMapped = true;
            return true;
        }
    }
}

/// <summary>Single-pass ops that do what every driver does and nothing more: set the sequence under the lock.</summary>
public sealed class SinglePassBenchOps : IntervalNotifierOps
{
    /// <inheritdoc />
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var bench = (BenchNotifier)notifier;
        lock (bench.DriverLock)
        {
            bench.SetSequence(currentSequence);
            bench.IsMapped = false;
        }

        return true;
    }
}

/// <summary>The data a two-pass bench invalidation carries between its passes.</summary>
public sealed class BenchFinish : NotifierFinish
{
    /// <summary>The sequence the start saw.</summary>
    public ulong Sequence { get; set; }
}

/// <summary>Two-pass ops whose finish objects come from a <see cref="NotifierFinishPool{TFinish}"/>.</summary>
public sealed class PooledTwoPassBenchOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<BenchFinish> _pool;

    /// <summary>Creates the ops with a pool of <paramref name="capacity"/> finish objects.</summary>
    public PooledTwoPassBenchOps(int capacity)
    {
        _pool = new NotifierFinishPool<BenchFinish>(capacity);
    }

    /// <inheritdoc />
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var bench = (BenchNotifier)notifier;
        lock (bench.DriverLock)
        {
            bench.SetSequence(currentSequence);
            bench.IsMapped = false;
        }

        if (_pool.TryRent(out BenchFinish? pending))
        {
            pending.Sequence = currentSequence;
            finish = pending;
        }

        return true;
    }

    /// <inheritdoc />
    public override void InvalidateFinish(NotifierFinish finish)
    {
        var pending = (BenchFinish)finish;
        pending.Sequence = 0;
        _pool.Return(pending);
    }
}

/// <summary>Two-pass ops that allocate a new finish object per start (for contrast with the pool).</summary>
public sealed class AllocatingTwoPassBenchOps : IntervalNotifierOps
{
    /// <inheritdoc />
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var bench = (BenchNotifier)notifier;
        lock (bench.DriverLock)
        {
            bench.SetSequence(currentSequence);
            bench.IsMapped = false;
        }

        finish = new BenchFinish { Sequence = currentSequence };
        return true;
    }

    /// <inheritdoc />
    public override void InvalidateFinish(NotifierFinish finish)
    {
        var pending = (BenchFinish)finish;
        pending.Sequence = 0;
    }
}
