using System;
using System.Diagnostics.Metrics;
using System.Threading;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// The walk, the two-pass list and the idle read side allocate nothing, with or without a metrics listener (run
/// alone: a listener of another test would change what is measured).
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class AllocationTests
{
    private sealed class PooledFinish : NotifierFinish
    {
        public ulong Sequence;
    }

    private sealed class PooledTwoPassOps(NotifierFinishPool<PooledFinish> pool) : IntervalNotifierOps
    {
        public long Finished;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            if (pool.TryRent(out PooledFinish? f))
            {
                f.Sequence = currentSequence;
                finish = f;
            }
            else
            {
                finish = null;
            }

            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Finished++;
            pool.Return((PooledFinish)finish);
        }
    }

    private sealed class PlainOps : IntervalNotifierOps
    {
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            notifier.SetSequence(currentSequence);
            return true;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Invalidation_walks_and_finish_passes_allocate_nothing(bool withMetricsListener)
    {
        using var listener = new MeterListener();
        long measurements = 0;
        if (withMetricsListener)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == NotifierMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, _, _, _) => measurements++);
            listener.SetMeasurementEventCallback<int>((_, _, _, _) => measurements++);
            listener.SetMeasurementEventCallback<double>((_, _, _, _) => measurements++);
            listener.Start();
        }

        var space = new AddressSpace();
        var pool = new NotifierFinishPool<PooledFinish>(64);
        var twoPass = new PooledTwoPassOps(pool);
        var plain = new PlainOps();
        var notifiers = new IntervalNotifier[100];
        for (int i = 0; i < notifiers.Length; i++)
        {
            notifiers[i] = new IntervalNotifier(i % 2 == 0 ? twoPass : plain);
            notifiers[i].Insert(space, (ulong)i * 100, 150);
        }

        var all = new NotifierRange(0, 100_000);
        var some = new NotifierRange(1000, 2000, NotifierEvent.ProtectionPage, blockable: false);
        var none = new NotifierRange(1_000_000, 2_000_000);

        // A bounded token (made before the measurement): a wrong wait fails instead of hanging; an idle ReadBegin
        // registers nothing on it, so it allocates nothing.
        using var cts = new CancellationTokenSource(Bounded.Timeout);

        void Round()
        {
            space.InvalidateRangeStart(in all);
            space.InvalidateRangeEnd(in all);
            space.InvalidateRangeStart(in some);
            space.InvalidateRangeEnd(in some);
            space.InvalidateRangeStart(in none);
            space.InvalidateRangeEnd(in none);
            ulong seq = notifiers[3].ReadBegin(cts.Token);
            _ = notifiers[3].ReadRetry(seq);
            _ = notifiers[3].ReadRetry(seq + 2); // a collision (counted)
            _ = notifiers[3].CheckRetry(seq);
        }

        for (int i = 0; i < 200; i++)
        {
            Round(); // warm up (tiered compilation)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            Round();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(twoPass.Finished > 0);
        Assert.Equal(withMetricsListener, measurements > 0);
        Assert.Equal(64, pool.AvailableCount);
    }

    [Fact]
    public void Idle_insert_and_remove_allocate_nothing()
    {
        var space = new AddressSpace();
        var n = new IntervalNotifier(new PlainOps());
        using var cts = new CancellationTokenSource(Bounded.Timeout);
        for (int i = 0; i < 200; i++)
        {
            n.Insert(space, (ulong)i, 10);
            n.Remove(cts.Token);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            n.Insert(space, (ulong)i, 10);
            n.Remove(cts.Token);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
