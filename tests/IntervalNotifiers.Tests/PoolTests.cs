using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>NotifierFinishPool: fixed capacity, thread-safe, allocation-free, strict returns.</summary>
public class PoolTests
{
    [Fact]
    public void Rents_up_to_capacity_then_fails_and_return_makes_room()
    {
        var pool = new NotifierFinishPool<TestFinish>(3);
        Assert.Equal(3, pool.Capacity);
        var rented = new HashSet<TestFinish>();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(pool.TryRent(out TestFinish? f));
            Assert.True(rented.Add(f!));
        }

        Assert.False(pool.TryRent(out TestFinish? none));
        Assert.Null(none);
        TestFinish one = new List<TestFinish>(rented)[1];
        pool.Return(one);
        Assert.True(pool.TryRent(out TestFinish? again));
        Assert.Same(one, again);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Capacity_below_one_is_rejected(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NotifierFinishPool<TestFinish>(capacity));
    }

    [Fact]
    public void Returning_a_foreign_object_is_rejected_and_changes_nothing()
    {
        var pool = new NotifierFinishPool<TestFinish>(2);
        var other = new NotifierFinishPool<TestFinish>(1);
        Assert.True(other.TryRent(out TestFinish? foreign));
        Assert.Throws<ArgumentException>(() => pool.Return(foreign!));
        Assert.Throws<ArgumentException>(() => pool.Return(new TestFinish()));
        Assert.Throws<ArgumentNullException>(() => pool.Return(null!));
        Assert.Equal(2, pool.AvailableCount);
        Assert.Equal(0, other.AvailableCount);
    }

    [Fact]
    public void Returning_twice_is_rejected_and_changes_nothing()
    {
        var pool = new NotifierFinishPool<TestFinish>(2);
        Assert.True(pool.TryRent(out TestFinish? f));
        pool.Return(f!);
        Assert.Equal(2, pool.AvailableCount);
        Assert.Throws<InvalidOperationException>(() => pool.Return(f!));
        Assert.Equal(2, pool.AvailableCount);

        // Never rented at all.
        Assert.True(pool.TryRent(out TestFinish? a));
        Assert.True(pool.TryRent(out TestFinish? b));
        pool.Return(a!);
        Assert.Throws<InvalidOperationException>(() => pool.Return(a!));
        Assert.Equal(1, pool.AvailableCount);
        pool.Return(b!);
    }

    [Fact]
    public void Return_resets_the_finish_so_it_can_be_linked_again()
    {
        var pool = new NotifierFinishPool<TestFinish>(1);
        var ops = new PooledOps(pool);
        var space = new AddressSpace();
        var n = new IntervalNotifier(ops);
        n.Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(space.InvalidateRangeStart(in range));
            space.InvalidateRangeEnd(in range);
        }

        Assert.Equal(5, ops.Finished);
        Assert.Equal(0, ops.Fallbacks);
        Assert.Equal(0, space.ContractViolationCount);
        Assert.True(pool.TryRent(out TestFinish? f));
        Assert.Throws<InvalidOperationException>(() => f!.Notifier); // reset by Return
    }

    [Fact]
    public void Returning_a_finish_that_is_still_linked_is_rejected()
    {
        var pool = new NotifierFinishPool<TestFinish>(2);
        Exception? seen = null;
        var ops = new EarlyReturnOps(pool, e => seen = e);
        var space = new AddressSpace();
        new IntervalNotifier(ops).Insert(space, 0, 10);
        new IntervalNotifier(ops).Insert(space, 5, 10);
        var range = new NotifierRange(0, 20);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.IsType<InvalidOperationException>(seen);
        Assert.Equal(2, ops.Finished); // both still finished, then returned
        Assert.Equal(2, pool.AvailableCount);
    }

    [Fact]
    public void An_empty_pool_falls_back_to_a_single_pass()
    {
        var pool = new NotifierFinishPool<TestFinish>(1);
        Assert.True(pool.TryRent(out TestFinish? held));
        var ops = new PooledOps(pool);
        var space = new AddressSpace();
        new IntervalNotifier(ops).Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(1, ops.Fallbacks);
        Assert.Equal(0, ops.Finished);
        pool.Return(held!);
    }

    [Fact]
    public void Rent_and_return_allocate_nothing()
    {
        var pool = new NotifierFinishPool<TestFinish>(4);
        for (int i = 0; i < 100; i++)
        {
            pool.TryRent(out TestFinish? f);
            pool.Return(f!);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            pool.TryRent(out TestFinish? a);
            pool.TryRent(out TestFinish? b);
            pool.Return(a!);
            pool.Return(b!);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concurrent_rent_and_return_never_hands_one_object_to_two_renters()
    {
        const int capacity = 3;
        var pool = new NotifierFinishPool<TestFinish>(capacity);
        int doubleRents = 0;
        long rents = 0;
        var stop = Stopwatch.StartNew();
        var tasks = new Task[4];
        for (int t = 0; t < tasks.Length; t++)
        {
            tasks[t] = Task.Factory.StartNew(() =>
            {
                while (stop.ElapsedMilliseconds < 700)
                {
                    if (!pool.TryRent(out TestFinish? f))
                    {
                        continue;
                    }

                    // Finished is used as an in-use marker here.
                    if (Interlocked.Increment(ref f.Finished) != 1)
                    {
                        Interlocked.Increment(ref doubleRents);
                    }

                    Interlocked.Increment(ref rents);
                    Thread.SpinWait(20);
                    Interlocked.Decrement(ref f.Finished);
                    pool.Return(f);
                }
            }, TaskCreationOptions.LongRunning);
        }

        Assert.True(Task.WaitAll(tasks, Bounded.Timeout));
        Assert.Equal(0, doubleRents);
        Assert.True(rents > 0);
        Assert.Equal(capacity, pool.AvailableCount);
    }

    private sealed class PooledOps(NotifierFinishPool<TestFinish> pool) : IntervalNotifierOps
    {
        public int Finished;

        public int Fallbacks;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            if (pool.TryRent(out TestFinish? f))
            {
                finish = f;
                return true;
            }

            Interlocked.Increment(ref Fallbacks);
            finish = null;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Interlocked.Increment(ref Finished);
            pool.Return((TestFinish)finish);
        }
    }

    /// <summary>The second start tries to return the first start's finish while it is linked.</summary>
    private sealed class EarlyReturnOps(NotifierFinishPool<TestFinish> pool, Action<Exception> report) : IntervalNotifierOps
    {
        private TestFinish? _first;

        public int Finished;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            if (_first != null)
            {
                try
                {
                    pool.Return(_first);
                }
                catch (InvalidOperationException e)
                {
                    report(e);
                }
            }

            pool.TryRent(out TestFinish? f);
            _first ??= f;
            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Finished++;
            pool.Return((TestFinish)finish);
        }
    }
}
