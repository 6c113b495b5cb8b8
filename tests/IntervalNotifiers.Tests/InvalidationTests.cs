using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>The walk and the two passes, false returns, two passes and no more (docs/contract.md#the-two-pass-list).</summary>
public class InvalidationTests
{
    private static NamedNotifier Add(AddressSpace space, string name, IntervalNotifierOps ops, ulong start, ulong length)
    {
        var n = new NamedNotifier(name, ops);
        n.Insert(space, start, length);
        return n;
    }

    [Fact]
    public void Walk_calls_exactly_the_overlapping_notifiers_in_tree_order()
    {
        var log = new CallLog();
        var ops = new SinglePassOps(log);
        var space = new AddressSpace();

        // Inserted out of order; the walk goes by start.
        Add(space, "d", ops, 30, 10);   // [30, 39]
        Add(space, "b", ops, 15, 1);    // [15, 15]
        Add(space, "edge-after", ops, 20, 5); // [20, 24]: starts at range.End, outside
        Add(space, "a", ops, 0, 11);    // [0, 10]: Last == range.Start, inside
        Add(space, "c", ops, 19, 1);    // [19, 19]: range.End - 1, inside
        Add(space, "wide", ops, 5, 100); // [5, 104]: covers the whole range

        var range = new NotifierRange(10, 20);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);

        Assert.Equal(new[] { "inv:a", "inv:wide", "inv:b", "inv:c" }, log.Entries);
    }

    [Fact]
    public void Notifiers_with_equal_starts_are_walked_in_insertion_order()
    {
        var log = new CallLog();
        var ops = new SinglePassOps(log);
        var space = new AddressSpace();
        for (int i = 0; i < 8; i++)
        {
            Add(space, "n" + i, ops, 100, (ulong)(8 - i));
        }

        var range = new NotifierRange(100, 101);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => "inv:n" + i), log.Entries);
    }

    [Fact]
    public void Two_pass_runs_all_starts_then_all_finishes_in_start_order_before_returning()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        var one = new SinglePassOps(log);
        var space = new AddressSpace();
        Add(space, "t3", two, 300, 10);
        Add(space, "s2", one, 200, 10);
        Add(space, "t1", two, 100, 10);
        Add(space, "t4", two, 400, 10);

        var range = new NotifierRange(0, 1000);
        Assert.True(space.InvalidateRangeStart(in range));

        // Everything, finishes included, happened before InvalidateRangeStart returned.
        Assert.Equal(
            new[] { "start:t1", "inv:s2", "start:t3", "start:t4", "finish:t1", "finish:t3", "finish:t4" },
            log.Entries);
        Assert.Equal(0, two.InvalidateCalls); // an ops type with a start never gets Invalidate
        space.InvalidateRangeEnd(in range);
        Assert.Equal(7, log.Entries.Length); // the end calls nothing
    }

    [Fact]
    public void Finish_gets_the_object_its_start_handed_out_with_its_notifier()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        var seen = new ConcurrentBag<(string StartedBy, string Notifier)>();
        two.OnFinish = f => seen.Add((((TestFinish)f).StartedBy!, ((NamedNotifier)f.Notifier).Name));
        var space = new AddressSpace();
        Add(space, "x", two, 0, 10);
        Add(space, "y", two, 5, 10);

        var range = new NotifierRange(0, 100);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);

        Assert.Equal(new[] { ("x", "x"), ("y", "y") }, seen.OrderBy(s => s.StartedBy));
    }

    [Fact]
    public void A_start_that_hands_out_no_finish_is_not_finished()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log) { HandOut = false };
        var space = new AddressSpace();
        Add(space, "t", two, 0, 10);

        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(new[] { "start:t" }, log.Entries);
    }

    [Fact]
    public void Inherited_sealed_start_and_finish_count_as_defined()
    {
        var ops = new DerivedTwoPass();
        var space = new AddressSpace();
        new IntervalNotifier(ops).Insert(space, 0, 10);
        var generic = new GenericOps<int>();
        new IntervalNotifier(generic).Insert(space, 0, 10);

        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(1, ops.Starts);
        Assert.Equal(1, ops.Finishes);
        Assert.Equal(1, generic.Calls);
    }

    [Fact]
    public void A_range_that_hits_nothing_calls_nothing_and_keeps_the_sequence_even()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "far", new SinglePassOps(log), 1000, 10);

        var range = new NotifierRange(0, 1000);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.Equal(2UL, space.InvalidateSequence);
        Assert.Equal(1, space.ActiveRangeCount);
        space.InvalidateRangeEnd(in range);
        Assert.Empty(log.Entries);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void False_on_a_blockable_range_is_reported_and_the_walk_goes_on()
    {
        var log = new CallLog();
        var failing = new SinglePassOps(log) { Result = false };
        var two = new TwoPassOps(log) { Result = false }; // hands out a finish and returns false
        var fine = new SinglePassOps(log);
        var space = new AddressSpace();
        var bad = Add(space, "bad", failing, 0, 10);
        Add(space, "badstart", two, 10, 10);
        Add(space, "good", fine, 20, 10);
        var events = new ConcurrentQueue<ContractViolationEventArgs>();
        space.ContractViolation += (_, e) => events.Enqueue(e);

        var range = new NotifierRange(0, 100);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);

        Assert.Equal(new[] { "inv:bad", "start:badstart", "inv:good" }, log.Entries); // never finished
        Assert.Equal(2, space.ContractViolationCount);
        ContractViolationEventArgs first = events.First();
        Assert.Equal(ContractViolationKind.FalseOnBlockableRange, first.Kind);
        Assert.Same(bad, first.Notifier);
        Assert.Equal(range.Start, first.Range.Start);
        Assert.Contains("NTF007", first.Message);
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(4UL, space.InvalidateSequence);
    }

    [Fact]
    public void A_throwing_violation_handler_does_not_break_the_walk()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "bad", new SinglePassOps(log) { Result = false }, 0, 10);
        Add(space, "good", new SinglePassOps(log), 5, 10);
        space.ContractViolation += (_, _) => throw new InvalidOperationException("handler bug");

        var range = new NotifierRange(0, 100);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(new[] { "inv:bad", "inv:good" }, log.Entries);
        Assert.Equal(1, space.ContractViolationCount);
    }

    [Fact]
    public void Violations_are_written_to_trace()
    {
        var listener = new CapturingListener();
        Trace.Listeners.Add(listener);
        try
        {
            var space = new AddressSpace();
            Add(space, "bad-trace-notifier", new SinglePassOps(new CallLog()) { Result = false }, 0, 10);
            var range = new NotifierRange(0, 10);
            Assert.True(space.InvalidateRangeStart(in range));
            space.InvalidateRangeEnd(in range);
        }
        finally
        {
            Trace.Listeners.Remove(listener);
        }

        Assert.Contains(listener.Messages, m => m.Contains("NTF007") && m.Contains(nameof(SinglePassOps)));
    }

    [Fact]
    public void False_on_a_non_blockable_range_stops_the_walk_finishes_the_started_and_ends_the_range()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        var space = new AddressSpace();
        Add(space, "t1", two, 0, 10);
        Add(space, "t2", two, 10, 10);
        var stopper = new TwoPassOps(log) { Result = false }; // hands out a finish with false: never finished
        Add(space, "stop", stopper, 20, 10);
        Add(space, "after", new SinglePassOps(log), 30, 10);

        var range = new NotifierRange(0, 100, NotifierEvent.Clear, blockable: false);
        Assert.False(space.InvalidateRangeStart(in range));

        Assert.Equal(new[] { "start:t1", "start:t2", "start:stop", "finish:t1", "finish:t2" }, log.Entries);
        Assert.Equal(0, space.ContractViolationCount);
        Assert.Equal(0, space.ActiveRangeCount); // already ended
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Throws<InvalidOperationException>(() => space.InvalidateRangeEnd(in range)); // must not end it again
    }

    [Fact]
    public void Non_blockable_range_that_succeeds_returns_true_and_stays_active()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "a", new SinglePassOps(log), 0, 10);
        var range = new NotifierRange(0, 10, blockable: false);
        Assert.True(space.InvalidateRangeStart(in range));
        Assert.Equal(1, space.ActiveRangeCount);
        Assert.Equal(3UL, space.InvalidateSequence);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(4UL, space.InvalidateSequence);
    }

    [Fact]
    public void Callbacks_receive_the_range_and_the_odd_current_sequence()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        var owner = new object();
        var n = Add(space, "a", new SinglePassOps(log), 0, 10);
        var t = Add(space, "b", new TwoPassOps(log), 0, 10);

        var range = new NotifierRange(3, 7, NotifierEvent.Migrate, blockable: true, owner: owner);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);

        foreach (NamedNotifier x in new[] { n, t })
        {
            NotifierRange seen = Assert.Single(x.Ranges);
            Assert.Equal(3UL, seen.Start);
            Assert.Equal(7UL, seen.End);
            Assert.Equal(NotifierEvent.Migrate, seen.Event);
            Assert.Same(owner, seen.Owner);
            Assert.Equal(3UL, Assert.Single(x.Sequences));
        }
    }

    [Fact]
    public void A_throwing_callback_still_gets_the_finish_pass_ends_the_range_and_rethrows()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        var space = new AddressSpace();
        Add(space, "t1", two, 0, 10);
        Add(space, "boom", new SinglePassOps(log) { Behavior = (_, _, _) => throw new FormatException("driver bug") }, 10, 10);
        Add(space, "after", new SinglePassOps(log), 20, 10);

        var range = new NotifierRange(0, 100);
        var ex = Assert.Throws<FormatException>(() => space.InvalidateRangeStart(in range));
        Assert.Equal("driver bug", ex.Message);
        Assert.Equal(new[] { "start:t1", "inv:boom", "finish:t1" }, log.Entries);
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(4UL, space.InvalidateSequence);
    }

    [Fact]
    public void A_throwing_finish_does_not_keep_the_other_finishes_from_running()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        two.OnFinish = f =>
        {
            if (((NamedNotifier)f.Notifier).Name == "t1")
            {
                throw new FormatException("finish bug");
            }
        };
        var space = new AddressSpace();
        Add(space, "t1", two, 0, 10);
        Add(space, "t2", two, 10, 10);

        var range = new NotifierRange(0, 100);
        Assert.Throws<FormatException>(() => space.InvalidateRangeStart(in range));
        Assert.Equal(new[] { "start:t1", "start:t2", "finish:t1", "finish:t2" }, log.Entries);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void Exceptions_after_the_first_are_not_lost_but_written_to_trace()
    {
        var log = new CallLog();
        var two = new TwoPassOps(log);
        two.OnFinish = f => throw new FormatException("finish bug in " + ((NamedNotifier)f.Notifier).Name + "-marker-7f3a");
        var space = new AddressSpace();
        Add(space, "t1", two, 0, 10);
        Add(space, "t2", two, 10, 10);
        var listener = new CapturingListener();
        Trace.Listeners.Add(listener);
        try
        {
            var range = new NotifierRange(0, 100);
            var e = Assert.Throws<FormatException>(() => space.InvalidateRangeStart(in range));
            Assert.Contains("t1-marker-7f3a", e.Message); // the first is rethrown
        }
        finally
        {
            Trace.Listeners.Remove(listener);
        }

        Assert.Contains(listener.Messages, m => m.Contains("t2-marker-7f3a")); // the second is traced
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void A_finish_linked_twice_in_one_walk_is_reported_and_finished_once()
    {
        var log = new CallLog();
        var shared = new TestFinish();
        var two = new TwoPassOps(log) { Shared = shared };
        var space = new AddressSpace();
        var first = Add(space, "t1", two, 0, 10);
        var second = Add(space, "t2", two, 10, 10);
        Add(space, "t3", new TwoPassOps(log), 20, 10);
        var events = new ConcurrentQueue<ContractViolationEventArgs>();
        space.ContractViolation += (_, e) => events.Enqueue(e);

        var range = new NotifierRange(0, 100);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);

        Assert.Equal(new[] { "start:t1", "start:t2", "start:t3", "finish:t1", "finish:t3" }, log.Entries);
        Assert.Equal(1, shared.Finished);
        Assert.Same(first, shared.Notifier);
        ContractViolationEventArgs e = Assert.Single(events);
        Assert.Equal(ContractViolationKind.FinishLinkedTwice, e.Kind);
        Assert.Same(second, e.Notifier);
        Assert.Contains("NTF002", e.Message);
        Assert.Equal(1, space.ContractViolationCount);

        // The address space is consistent: the next walk links the same object again without complaint.
        log.Clear();
        two.Shared = null;
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Equal(6, log.Entries.Length);
        Assert.Equal(1, space.ContractViolationCount);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void A_finish_shared_by_two_concurrent_walks_is_reported_by_the_second()
    {
        var shared = new TestFinish();
        using var firstLinked = new System.Threading.ManualResetEventSlim();
        using var secondDone = new System.Threading.ManualResetEventSlim();
        var ops = new SharedFinishOps(shared, firstLinked, secondDone);
        var space = new AddressSpace();
        var a = new IntervalNotifier(ops);
        a.Insert(space, 0, 10);      // walk A: hands out the shared finish
        var waiter = new IntervalNotifier(ops);
        waiter.Insert(space, 10, 10); // walk A: then waits until walk B is done
        var b = new IntervalNotifier(ops);
        b.Insert(space, 100, 10);    // walk B: hands out the same object, still linked in A
        var events = new ConcurrentQueue<ContractViolationEventArgs>();
        space.ContractViolation += (_, e) => events.Enqueue(e);

        var rangeA = new NotifierRange(0, 20);
        var walkA = System.Threading.Tasks.Task.Factory.StartNew(() =>
        {
            Assert.True(space.InvalidateRangeStart(in rangeA));
            space.InvalidateRangeEnd(in rangeA);
        }, System.Threading.Tasks.TaskCreationOptions.LongRunning);
        Assert.True(firstLinked.Wait(Bounded.Timeout));
        var rangeB = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in rangeB));
        space.InvalidateRangeEnd(in rangeB);
        secondDone.Set();
        Assert.True(walkA.Wait(Bounded.Timeout));

        ContractViolationEventArgs e = Assert.Single(events);
        Assert.Equal(ContractViolationKind.FinishLinkedTwice, e.Kind);
        Assert.Same(b, e.Notifier);
        Assert.Equal(1, shared.Finished); // finished once, by walk A
        Assert.Same(a, shared.Notifier);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    private sealed class SharedFinishOps(
        TestFinish shared, System.Threading.ManualResetEventSlim firstLinked, System.Threading.ManualResetEventSlim secondDone)
        : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            finish = null;
            if (notifier.Start == 10)
            {
                // The shared finish was linked by the previous start of this walk.
                firstLinked.Set();
                Assert.True(secondDone.Wait(Bounded.Timeout));
                return true;
            }

            finish = shared;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish) => System.Threading.Interlocked.Increment(ref ((TestFinish)finish).Finished);
    }

    [Fact]
    public void An_explicit_range_cannot_cover_the_last_address_but_release_does()
    {
        var log = new CallLog();
        var space = new AddressSpace();
        Add(space, "top", new SinglePassOps(log), ulong.MaxValue, 1);
        var range = new NotifierRange(0, ulong.MaxValue);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.Empty(log.Entries);
        space.Release();
        Assert.Equal(new[] { "inv:top" }, log.Entries);
    }

    [Fact]
    public void A_finish_may_be_handed_out_again_after_its_finish_pass()
    {
        var log = new CallLog();
        var shared = new TestFinish();
        var two = new TwoPassOps(log) { Shared = shared };
        var space = new AddressSpace();
        Add(space, "t1", two, 0, 10);
        var range = new NotifierRange(0, 10);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(space.InvalidateRangeStart(in range));
            space.InvalidateRangeEnd(in range);
        }

        Assert.Equal(3, shared.Finished);
        Assert.Equal(0, space.ContractViolationCount);
    }

    [Fact]
    public void Finish_notifier_throws_before_the_runtime_links_it()
    {
        var f = new TestFinish();
        Assert.Throws<InvalidOperationException>(() => f.Notifier);

        // Inside the start, a new finish is not linked yet either (NTF002).
        Exception? seenInStart = null;
        var ops = new StartReadsNotifierOps(e => seenInStart = e);
        var space = new AddressSpace();
        var n = new IntervalNotifier(ops);
        n.Insert(space, 0, 1);
        var range = new NotifierRange(0, 1);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.IsType<InvalidOperationException>(seenInStart);
        Assert.Same(n, ops.LastFinish!.Notifier); // linked by the runtime afterwards
    }

    private sealed class StartReadsNotifierOps(Action<Exception?> report) : IntervalNotifierOps
    {
        public NotifierFinish? LastFinish;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            var f = new NotifierFinish();
            try
            {
                _ = f.Notifier;
                report(null);
            }
            catch (InvalidOperationException e)
            {
                report(e);
            }

            LastFinish = f;
            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
        }
    }

    private sealed class CapturingListener : TraceListener
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public override void Write(string? message) => Messages.Enqueue(message ?? string.Empty);

        public override void WriteLine(string? message) => Messages.Enqueue(message ?? string.Empty);
    }
}
