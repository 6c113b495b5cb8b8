using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// Callbacks that call back into the runtime (nested invalidations, inserts, the read side, removal), and the
/// removal's wait when it is canceled, interrupted or completed by another call.
/// </summary>
public class ReentrancyTests
{
    private static NamedNotifier Add(AddressSpace space, string name, IntervalNotifierOps ops, ulong start, ulong length)
    {
        var n = new NamedNotifier(name, ops);
        n.Insert(space, start, length);
        return n;
    }

    [Fact]
    public void A_removal_completed_by_a_second_remove_is_consumed_so_a_third_remove_throws()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30)))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => n.Remove(cts.Token));
        }

        // A second Remove waits for the committed removal and returns once it is applied.
        Task second = Task.Factory.StartNew(() => Bounded.Remove(n), TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => space.WaiterCount == 1, Bounded.Timeout));
        space.InvalidateRangeEnd(in range);
        Assert.True(second.Wait(Bounded.Timeout));
        Assert.Null(n.AddressSpace);

        // That Remove consumed the removal: the notifier is now simply not inserted.
        Assert.Throws<InvalidOperationException>(() => n.Remove());
    }

    [Fact]
    public void A_remove_interrupted_while_waiting_stays_committed_as_a_canceled_one()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));

        Exception? seen = null;
        var remover = new Thread(() =>
        {
            try
            {
                n.Remove();
            }
            catch (Exception e)
            {
                seen = e;
            }
        });
        remover.IsBackground = true;
        remover.Start();
        Assert.True(SpinWait.SpinUntil(() => space.WaiterCount == 1, Bounded.Timeout));
        remover.Interrupt();
        Assert.True(remover.Join(Bounded.Timeout));
        Assert.IsType<ThreadInterruptedException>(seen);
        Assert.Equal(0, space.WaiterCount);
        Assert.Same(space, n.AddressSpace); // still pending

        space.InvalidateRangeEnd(in range);
        Assert.Null(n.AddressSpace);
        Bounded.Remove(n); // the committed removal has been applied: returns at once
        Assert.Throws<InvalidOperationException>(() => n.Remove());
    }

    [Fact]
    public void A_canceled_read_begin_leaves_no_waiter_and_no_state_behind()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using (var cts = new CancellationTokenSource())
        {
            Task<ulong> reader = Task.Factory.StartNew(() => n.ReadBegin(cts.Token), TaskCreationOptions.LongRunning);
            Assert.True(SpinWait.SpinUntil(() => space.WaiterCount == 1, Bounded.Timeout));
            cts.Cancel();
            var e = Assert.Throws<AggregateException>(() => reader.Wait(Bounded.Timeout));
            Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
        }

        Assert.Equal(0, space.WaiterCount);
        Assert.Equal(1, space.ActiveRangeCount);
        Assert.Equal(3UL, space.InvalidateSequence);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(3UL, Bounded.ReadBegin(n));
    }

    [Fact]
    public void Read_begin_and_remove_from_a_callback_nested_in_a_callback_of_another_space_throw()
    {
        var a = new AddressSpace();
        var b = new AddressSpace();
        Exception? fromRead = null;
        Exception? fromRemove = null;
        IntervalNotifier? idleInA = null;
        IntervalNotifier? pendingInA = null;

        // B's callback runs inside A's callback on this thread: A's invalidation is still running, so the read side
        // and removal of A's notifiers could wait for it (a deadlock); they must throw as from A's own callbacks.
        var innerOps = new ActionOps((_, _, cur) =>
        {
            try
            {
                idleInA!.ReadBegin();
            }
            catch (Exception e)
            {
                fromRead = e;
            }

            try
            {
                pendingInA!.Remove();
            }
            catch (Exception e)
            {
                fromRemove = e;
            }

            return true;
        });
        new IntervalNotifier(innerOps).Insert(b, 0, 10);

        var outerOps = new ActionOps((_, _, _) =>
        {
            pendingInA = new IntervalNotifier(new SinglePassOps(new CallLog()));
            pendingInA.Insert(a, 0, 10); // deferred: A is invalidating
            var inner = new NotifierRange(0, 10);
            Assert.True(b.InvalidateRangeStart(in inner));
            b.InvalidateRangeEnd(in inner);
            return true;
        });
        new IntervalNotifier(outerOps).Insert(a, 0, 10);
        idleInA = new IntervalNotifier(new SinglePassOps(new CallLog()));
        idleInA.Insert(a, 100, 10); // not hit: its ReadBegin would not wait

        var range = new NotifierRange(0, 10);
        Assert.True(a.InvalidateRangeStart(in range));
        Assert.IsType<InvalidOperationException>(fromRead);
        Assert.IsType<InvalidOperationException>(fromRemove);
        Assert.Same(a, pendingInA!.AddressSpace); // the throwing Remove changed nothing
        Assert.Equal(1, a.DeferredCount);
        a.InvalidateRangeEnd(in range);
        Assert.Equal(3, a.TreeCount);

        // Outside any callback, both work again on this thread.
        Assert.Equal(1UL, Bounded.ReadBegin(idleInA));
        Bounded.Remove(pendingInA);
        Assert.Equal(0, b.ActiveRangeCount);
    }

    [Fact]
    public void A_callback_may_start_and_end_a_nested_invalidation_of_the_same_space()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        int depth = 0;
        var nestedResult = (bool?)null;
        var ops = new ActionOps((n, range, cur) =>
        {
            log.Add($"inv:{range.Start}:{cur}");
            n.SetSequence(cur);
            if (Interlocked.Increment(ref depth) == 1)
            {
                // The nested range is one more active range of the same invalidation (same odd sequence).
                var nested = new NotifierRange(5, 6, NotifierEvent.Migrate);
                nestedResult = space.InvalidateRangeStart(in nested);
                Assert.Equal(2, space.ActiveRangeCount);
                space.InvalidateRangeEnd(in nested);
            }

            Interlocked.Decrement(ref depth);
            return true;
        });
        var notifier = Add(space, "n", ops, 0, 10);

        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.True(nestedResult);
        Assert.Equal(new[] { "inv:0:3", "inv:5:3" }, log.Entries);
        Assert.Equal(1, space.ActiveRangeCount);
        Assert.Equal(3UL, space.InvalidateSequence); // still odd: the outer range is active
        space.InvalidateRangeEnd(in range);
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Equal(3UL, Bounded.ReadBegin(notifier));
    }

    [Fact]
    public void Insert_from_a_callback_is_deferred_collided_and_not_walked_by_that_invalidation()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        NamedNotifier? late = null;
        var ops = new ActionOps((n, _, cur) =>
        {
            log.Add("inv:" + ((NamedNotifier)n).Name);
            if (late == null)
            {
                late = new NamedNotifier("late", new SinglePassOps(log));
                late.Insert(space, 0, 10);
            }

            return true;
        });
        Add(space, "a", ops, 0, 10);
        Add(space, "b", ops, 5, 10);

        var range = new NotifierRange(0, 20);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.Equal(new[] { "inv:a", "inv:b" }, log.Entries); // the walk did not see it
        Assert.Equal(1, space.DeferredCount);
        Assert.Equal(space.InvalidateSequence, late!.Sequence); // collided
        space.InvalidateRangeEnd(in range);
        Assert.Equal(3, space.TreeCount);
        Assert.Equal(3UL, Bounded.ReadBegin(late)); // no longer collided: returns at once
    }

    /// <summary>Blocks the callback of the notifier named "slow" until released.</summary>
    private sealed class GateOps(ManualResetEventSlim entered, ManualResetEventSlim release) : IntervalNotifierOps
    {
        public volatile bool Removed;

        public int CallsAfterRemove;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            entered.Set();
            if (!release.Wait(Bounded.Timeout))
            {
                throw new TimeoutException("the test never released the callback");
            }

            if (Removed)
            {
                Interlocked.Increment(ref CallsAfterRemove);
            }

            return true;
        }
    }

    [Fact]
    public void Remove_returns_only_after_every_range_that_may_call_the_notifier_has_ended()
    {
        var space = new AddressSpace();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var gate = new GateOps(entered, release);
        Add(space, "other", new SinglePassOps(new CallLog()), 1000, 10);
        var victim = Add(space, "victim", gate, 0, 10);

        // R1 hits another notifier: the space is invalidating, so the removal of victim is deferred.
        var r1 = new NotifierRange(1000, 1010);
        Assert.True(space.InvalidateRangeStart(in r1));
        Task remover = Task.Factory.StartNew(() =>
        {
            Bounded.Remove(victim);
            gate.Removed = true;
        }, TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => space.WaiterCount == 1, Bounded.Timeout));

        // R2 still walks the frozen tree and calls victim, whose removal is pending.
        var r2 = new NotifierRange(0, 10);
        Task<bool> walker = Task.Factory.StartNew(() => space.InvalidateRangeStart(in r2), TaskCreationOptions.LongRunning);
        Assert.True(entered.Wait(Bounded.Timeout));
        space.InvalidateRangeEnd(in r1);
        Assert.False(remover.Wait(Bounded.Quiet)); // R2 is active and its callback is running
        release.Set();
        Assert.True(walker.Wait(Bounded.Timeout));
        Assert.True(walker.Result);
        Assert.False(remover.Wait(Bounded.Quiet)); // R2 has not ended yet
        Assert.Same(space, victim.AddressSpace);
        space.InvalidateRangeEnd(in r2);
        Assert.True(remover.Wait(Bounded.Timeout));
        Assert.Null(victim.AddressSpace);
        Assert.Equal(0, gate.CallsAfterRemove);

        var r3 = new NotifierRange(0, 2000);
        Assert.True(space.InvalidateRangeStart(in r3));
        space.InvalidateRangeEnd(in r3);
        Assert.Equal(0, gate.CallsAfterRemove);
    }

    [Fact]
    public void An_end_while_every_active_range_is_still_walking_is_rejected_and_changes_nothing()
    {
        var space = new AddressSpace();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var gate = new GateOps(entered, release);
        var slow = Add(space, "slow", gate, 0, 10);
        var range = new NotifierRange(0, 10);
        Task<bool> walker = Task.Factory.StartNew(() => space.InvalidateRangeStart(in range), TaskCreationOptions.LongRunning);
        Assert.True(entered.Wait(Bounded.Timeout));

        // The only active range is still in its walk: ending it now would apply the deferred list mid-walk.
        var late = Add(space, "late", new SinglePassOps(new CallLog()), 0, 10); // deferred
        Assert.Throws<InvalidOperationException>(() => space.InvalidateRangeEnd(in range));
        Assert.Equal(1, space.ActiveRangeCount);
        Assert.Equal(3UL, space.InvalidateSequence);
        Assert.Equal(1, space.DeferredCount);

        release.Set();
        Assert.True(walker.Wait(Bounded.Timeout));
        Assert.True(walker.Result);
        space.InvalidateRangeEnd(in range); // now paired with a start that returned
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Equal(2, space.TreeCount);
        Assert.Same(space, late.AddressSpace);
        Assert.Same(space, slow.AddressSpace);
    }

    [Fact]
    public void A_callback_that_ends_its_own_range_gets_an_exception_and_the_range_stays_active_until_the_walk_is_done()
    {
        var space = new AddressSpace();
        Exception? seen = null;
        var ops = new ActionOps((_, range, _) =>
        {
            try
            {
                space.InvalidateRangeEnd(in range);
            }
            catch (Exception e)
            {
                seen = e;
            }

            return true;
        });
        Add(space, "a", ops, 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.IsType<InvalidOperationException>(seen);
        Assert.Equal(1, space.ActiveRangeCount);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(0, space.ActiveRangeCount);
    }
}
