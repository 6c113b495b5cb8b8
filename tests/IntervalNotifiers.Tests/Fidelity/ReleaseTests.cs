using System;
using System.Linq;
using Xunit;

namespace IntervalNotifiers.Tests.Fidelity;

/// <summary>
/// Teardown calls every notifier whatever one callback throws, as the kernel's <c>mn_itree_release</c> does, then
/// throws what was thrown, and leaves the space released with every notifier still removable.
/// </summary>
public class ReleaseTests
{
    private static NamedNotifier Add(AddressSpace space, string name, IntervalNotifierOps ops, ulong start)
    {
        var n = new NamedNotifier(name, ops);
        n.Insert(space, start, 10);
        return n;
    }

    [Fact]
    public void A_throwing_callback_does_not_keep_the_later_notifiers_from_the_release_event()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var thrown = new InvalidOperationException("b failed");
        var throwing = new SinglePassOps(log) { Behavior = (_, _, _) => throw thrown };
        var plain = new SinglePassOps(log);
        NamedNotifier[] all =
        {
            Add(space, "a", plain, 0),
            Add(space, "b", throwing, 100),
            Add(space, "c", plain, 200),
        };

        var ex = Assert.Throws<InvalidOperationException>(() => space.Release());

        Assert.Same(thrown, ex);
        Assert.Equal(new[] { "inv:a", "inv:b", "inv:c" }, log.Entries);
        Assert.All(all, n => Assert.Equal(NotifierEvent.Release, Assert.Single(n.Ranges).Event));
        Assert.True(space.IsReleased);
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
        foreach (NamedNotifier n in all)
        {
            Bounded.Remove(n);
            Assert.Null(n.AddressSpace);
        }

        Assert.Equal(0, space.TreeCount);
        Assert.Throws<InvalidOperationException>(() => space.Release());
    }

    [Fact]
    public void Several_failures_are_thrown_together_after_every_start_and_every_linked_finish()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var startFailure = new InvalidOperationException("a's start failed");
        var invalidateFailure = new ArgumentException("c's invalidate failed");
        var finishFailure = new TimeoutException("b's finish failed");
        var failingStart = new ActionStartOps(log, () => throw startFailure);
        var failingFinish = new TwoPassOps(log) { OnFinish = _ => throw finishFailure };
        var twoPass = new TwoPassOps(log);
        var failingInvalidate = new SinglePassOps(log) { Behavior = (_, _, _) => throw invalidateFailure };
        NamedNotifier[] all =
        {
            Add(space, "a", failingStart, 0),
            Add(space, "b", failingFinish, 100),
            Add(space, "c", failingInvalidate, 200),
            Add(space, "d", twoPass, 300),
        };

        var ex = Assert.Throws<AggregateException>(() => space.Release());

        Assert.Equal(new Exception[] { startFailure, invalidateFailure, finishFailure }, ex.InnerExceptions.ToArray());
        Assert.Equal(
            new[] { "start:a", "start:b", "inv:c", "start:d", "finish:b", "finish:d" },
            log.Entries);
        Assert.True(space.IsReleased);
        Assert.Equal(0, space.ActiveRangeCount);
        foreach (NamedNotifier n in all)
        {
            Bounded.Remove(n);
        }

        Assert.Equal(0, space.TreeCount);
    }

    /// <summary>Two-pass ops whose start logs "start:name" and then runs an action (that throws).</summary>
    private sealed class ActionStartOps(CallLog log, Action action) : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            log.Add("start:" + ((NamedNotifier)notifier).Name);
            finish = null;
            action();
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish) => log.Add("WRONG-finish");
    }
}
