using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>Sequence numbers, the read side, the frozen tree and the deferred list (docs/rules/NTF008.md, docs/rules/NTF010.md).</summary>
public class SequenceTests
{
    private static NamedNotifier Add(AddressSpace space, string name, IntervalNotifierOps ops, ulong start, ulong length)
    {
        var n = new NamedNotifier(name, ops);
        n.Insert(space, start, length);
        return n;
    }

    [Fact]
    public void Sequence_starts_at_2_is_odd_during_an_invalidation_that_hits_and_even_after()
    {
        var space = new AddressSpace();
        Assert.Equal(2UL, space.InvalidateSequence);
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.Equal(3UL, space.InvalidateSequence);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Equal(3UL, Assert.Single(n.Sequences));
    }

    [Fact]
    public void Overlapping_ranges_share_one_odd_sequence_until_the_last_ends()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var r1 = new NotifierRange(0, 5);
        var r2 = new NotifierRange(5, 10);
        Assert.True(space.InvalidateRangeStart(in r1));
        Assert.True(space.InvalidateRangeStart(in r2));
        Assert.Equal(2, space.ActiveRangeCount);
        space.InvalidateRangeEnd(in r1);
        Assert.Equal(3UL, space.InvalidateSequence); // still invalidating
        space.InvalidateRangeEnd(in r2);
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Equal(new[] { 3UL, 3UL }, n.Sequences);
    }

    [Fact]
    public void A_range_that_hits_nothing_ends_the_invalidating_state_when_it_is_the_last()
    {
        var space = new AddressSpace();
        Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var hit = new NotifierRange(0, 10);
        var miss = new NotifierRange(100, 200);
        Assert.True(space.InvalidateRangeStart(in miss));
        Assert.True(space.InvalidateRangeStart(in hit));
        space.InvalidateRangeEnd(in hit);
        Assert.Equal(3UL, space.InvalidateSequence);
        space.InvalidateRangeEnd(in miss);
        Assert.Equal(4UL, space.InvalidateSequence);
    }

    [Fact]
    public void Idle_insert_gets_current_minus_one_and_read_begin_does_not_wait()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        ulong seq = Bounded.ReadBegin(n);
        Assert.Equal(1UL, seq);
        Assert.False(n.ReadRetry(seq));
        Assert.False(n.CheckRetry(seq));
    }

    [Fact]
    public void Read_retry_turns_true_after_an_invalidation_sets_the_sequence()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        ulong seq = Bounded.ReadBegin(n);
        var range = new NotifierRange(5, 6);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.True(n.CheckRetry(seq));
        Assert.True(n.ReadRetry(seq));
        space.InvalidateRangeEnd(in range);
        ulong again = Bounded.ReadBegin(n);
        Assert.Equal(3UL, again);
        Assert.False(n.ReadRetry(again));

        // A range that does not touch the notifier does not disturb its readers.
        var other = new NotifierRange(50, 60);
        Assert.True(space.InvalidateRangeStart(in other));
        space.InvalidateRangeEnd(in other);
        Assert.False(n.ReadRetry(again));
    }

    [Fact]
    public void Read_begin_waits_while_its_notifier_is_being_invalidated()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));

        Task<ulong> reader = Task.Factory.StartNew(() => n.ReadBegin(), TaskCreationOptions.LongRunning);
        Assert.False(reader.Wait(Bounded.Quiet));
        space.InvalidateRangeEnd(in range);
        Assert.True(reader.Wait(Bounded.Timeout));
        Assert.Equal(3UL, reader.Result);
        Assert.False(n.ReadRetry(reader.Result));
    }

    [Fact]
    public void Read_begin_of_a_notifier_not_hit_does_not_wait()
    {
        var space = new AddressSpace();
        var hit = Add(space, "hit", new SinglePassOps(new CallLog()), 0, 10);
        var idle = Add(space, "idle", new SinglePassOps(new CallLog()), 100, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.Equal(1UL, Bounded.ReadBegin(idle)); // returns at once on this thread
        space.InvalidateRangeEnd(in range);
        Assert.Equal(3UL, Bounded.ReadBegin(hit));
    }

    [Fact]
    public void Read_begin_wait_can_be_canceled()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => n.ReadBegin(cts.Token));
        space.InvalidateRangeEnd(in range);
        using var cts2 = new CancellationTokenSource(Bounded.Timeout);
        Assert.Equal(3UL, n.ReadBegin(cts2.Token));
    }

    [Fact]
    public void Insert_during_an_invalidation_is_deferred_and_starts_collided()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "a", new SinglePassOps(log), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));

        var late = new NamedNotifier("late", new SinglePassOps(log));
        late.Insert(space, 0, 10);
        Assert.Same(space, late.AddressSpace);
        Assert.Equal(1, space.TreeCount);
        Assert.Equal(1, space.DeferredCount);

        // A concurrent walk does not see it: the tree is frozen.
        var r2 = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in r2));
        Assert.Equal(new[] { "inv:a", "inv:a" }, log.Entries);

        // Collided: its reader waits for the end of the invalidation.
        Task<ulong> reader = Task.Factory.StartNew(() => late.ReadBegin(), TaskCreationOptions.LongRunning);
        Assert.False(reader.Wait(Bounded.Quiet));
        space.InvalidateRangeEnd(in range);
        Assert.False(reader.Wait(Bounded.Quiet)); // one range still active
        space.InvalidateRangeEnd(in r2);
        Assert.True(reader.Wait(Bounded.Timeout));
        Assert.Equal(3UL, reader.Result);
        Assert.False(late.ReadRetry(reader.Result));

        Assert.Equal(2, space.TreeCount);
        Assert.Equal(0, space.DeferredCount);
        log.Clear();
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(new[] { "inv:a", "inv:late" }, log.Entries);
        space.ValidateTree();
    }

    [Fact]
    public void Insert_while_only_non_hitting_ranges_are_active_goes_into_the_tree_collided()
    {
        var space = new AddressSpace();
        var miss = new NotifierRange(1000, 2000);
        Assert.True(space.InvalidateRangeStart(in miss));
        Assert.Equal(2UL, space.InvalidateSequence);

        var n = Add(space, "n", new SinglePassOps(new CallLog()), 1500, 10);
        Assert.Equal(1, space.TreeCount);
        Assert.Equal(3UL, space.InvalidateSequence); // the active range may cover it
        Task<ulong> reader = Task.Factory.StartNew(() => n.ReadBegin(), TaskCreationOptions.LongRunning);
        Assert.False(reader.Wait(Bounded.Quiet));
        space.InvalidateRangeEnd(in miss);
        Assert.True(reader.Wait(Bounded.Timeout));
        Assert.Equal(3UL, reader.Result);
        Assert.Equal(4UL, space.InvalidateSequence);
    }

    [Fact]
    public void Remove_during_an_invalidation_waits_for_the_deferred_removal()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(log), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));

        Task remover = Task.Factory.StartNew(() => n.Remove(), TaskCreationOptions.LongRunning);
        Assert.False(remover.Wait(Bounded.Quiet));
        Assert.Equal(1, space.DeferredCount);
        Assert.Same(space, n.AddressSpace);
        space.InvalidateRangeEnd(in range);
        Assert.True(remover.Wait(Bounded.Timeout));
        Assert.Null(n.AddressSpace);
        Assert.Equal(0, space.TreeCount);

        log.Clear();
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Empty(log.Entries);

        // A removed notifier may be inserted again.
        n.Insert(space, 20, 5);
        Assert.Equal(20UL, n.Start);
        Assert.Equal(24UL, n.Last);
        Assert.Equal(1, space.TreeCount);
    }

    [Fact]
    public void Remove_when_idle_is_immediate()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        Bounded.Remove(n);
        Assert.Null(n.AddressSpace);
        Assert.Equal(0, space.TreeCount);
        Assert.Equal(0UL, n.Start); // keeps its last range
        Assert.Equal(9UL, n.Last);
    }

    [Fact]
    public void Remove_of_a_pending_insert_cancels_it_without_waiting()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "a", new SinglePassOps(log), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        var late = Add(space, "late", new SinglePassOps(log), 0, 10);
        Bounded.Remove(late); // returns at once on this thread, even though the range is active
        Assert.Null(late.AddressSpace);
        Assert.Equal(0, space.DeferredCount);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(1, space.TreeCount);
        log.Clear();
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(new[] { "inv:a" }, log.Entries);
    }

    [Fact]
    public void A_canceled_remove_stays_committed_and_a_second_remove_completes_it()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => n.Remove(cts.Token));
        }

        Assert.Same(space, n.AddressSpace);
        space.InvalidateRangeEnd(in range);
        Assert.Null(n.AddressSpace);
        Bounded.Remove(n); // the committed removal has been applied: returns at once
        Assert.Throws<InvalidOperationException>(() => n.Remove()); // and now it is simply not inserted
    }

    [Fact]
    public void A_second_remove_of_a_pending_removal_waits_too()
    {
        var space = new AddressSpace();
        var n = Add(space, "a", new SinglePassOps(new CallLog()), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => n.Remove(cts.Token));
        }

        Task second = Task.Factory.StartNew(() => n.Remove(), TaskCreationOptions.LongRunning);
        Assert.False(second.Wait(Bounded.Quiet));
        space.InvalidateRangeEnd(in range);
        Assert.True(second.Wait(Bounded.Timeout));
        Assert.Null(n.AddressSpace);
    }

    [Fact]
    public void Remove_or_read_begin_from_a_callback_throws_instead_of_deadlocking()
    {
        var space = new AddressSpace();
        Exception? fromRemove = null;
        Exception? fromRead = null;
        IntervalNotifier? victim = null;
        var ops = new ActionOps((self, _, cur) =>
        {
            try
            {
                Bounded.Remove(victim!);
            }
            catch (Exception e)
            {
                fromRemove = e;
            }

            try
            {
                Bounded.ReadBegin(self);
            }
            catch (Exception e)
            {
                fromRead = e;
            }

            return true;
        });
        var n = new IntervalNotifier(ops);
        n.Insert(space, 0, 10);
        victim = new IntervalNotifier(new SinglePassOps(new CallLog()));
        victim.Insert(space, 100, 10);

        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.IsType<InvalidOperationException>(fromRemove);
        Assert.Contains("NTF011", fromRemove!.Message);
        Assert.IsType<InvalidOperationException>(fromRead);
        Assert.Same(space, victim.AddressSpace); // nothing changed
        Assert.Equal(2, space.TreeCount);
    }

    [Fact]
    public void Deferred_operations_apply_newest_first_when_the_last_range_ends()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        var a = Add(space, "a", new SinglePassOps(log), 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        var b = Add(space, "b", new SinglePassOps(log), 0, 10);
        var c = Add(space, "c", new SinglePassOps(log), 0, 10);
        Task removeA = Task.Factory.StartNew(() => a.Remove(), TaskCreationOptions.LongRunning);
        SpinWait.SpinUntil(() => space.DeferredCount == 3, Bounded.Timeout);
        Assert.Equal(3, space.DeferredCount);
        space.InvalidateRangeEnd(in range);
        Assert.True(removeA.Wait(Bounded.Timeout));
        Assert.Equal(2, space.TreeCount);

        log.Clear();
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(new[] { "inv:c", "inv:b" }, log.Entries); // newest first, as the kernel applies them
        Assert.NotNull(b.AddressSpace);
        Assert.NotNull(c.AddressSpace);
        space.ValidateTree();
    }

    [Fact]
    public void Release_calls_every_notifier_with_a_blockable_release_event_over_everything()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        var low = Add(space, "low", new SinglePassOps(log), 0, 1);
        var top = Add(space, "top", new TwoPassOps(log), ulong.MaxValue, 1); // the very last address
        var mid = Add(space, "mid", new SinglePassOps(log), 1UL << 40, 4096);

        space.Release();

        Assert.Equal(new[] { "inv:low", "inv:mid", "start:top", "finish:top" }, log.Entries);
        foreach (NamedNotifier n in new[] { low, top, mid })
        {
            NotifierRange r = Assert.Single(n.Ranges);
            Assert.Equal(NotifierEvent.Release, r.Event);
            Assert.True(r.IsBlockable);
            Assert.Equal(0UL, r.Start);
            Assert.Equal(ulong.MaxValue, r.End);
        }

        Assert.True(space.IsReleased);
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Same(space, low.AddressSpace); // still inserted: owners remove them
        Bounded.Remove(low);
        Assert.Null(low.AddressSpace);
    }

    [Fact]
    public void Release_reports_false_returns_and_goes_on()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "bad", new SinglePassOps(log) { Result = false }, 0, 1);
        Add(space, "good", new SinglePassOps(log), 10, 1);
        space.Release();
        Assert.Equal(new[] { "inv:bad", "inv:good" }, log.Entries);
        Assert.Equal(1, space.ContractViolationCount);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void Set_sequence_stores_the_value_for_read_retry()
    {
        var space = new AddressSpace();
        var n = new IntervalNotifier(new SinglePassOps(new CallLog()));
        n.Insert(space, 0, 1);
        ulong seq = Bounded.ReadBegin(n);
        n.SetSequence(seq);
        Assert.False(n.ReadRetry(seq));
        n.SetSequence(seq + 2);
        Assert.True(n.ReadRetry(seq));
        Assert.True(n.CheckRetry(seq));
    }
}
