using System;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary><see cref="AddressSpace.BeginInvalidation"/>: a scope that pairs the start with exactly one end.</summary>
public class InvalidationScopeTests
{
    [Fact]
    public void The_scope_keeps_the_range_active_inside_and_ends_it_on_dispose()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var n = new NamedNotifier("n", new TwoPassOps(log));
        n.Insert(space, 0, 10);
        var range = new NotifierRange(0, 10, NotifierEvent.ProtectionVma);
        NamedNotifier late = new("late", new SinglePassOps(log));

        using (InvalidationScope scope = space.BeginInvalidation(in range))
        {
            Assert.True(scope.Started);
            Assert.Equal(range.Start, scope.Range.Start);
            Assert.Equal(range.End, scope.Range.End);
            Assert.Equal(NotifierEvent.ProtectionVma, scope.Range.Event);
            Assert.Equal(new[] { "start:n", "finish:n" }, log.Entries);
            Assert.Equal(1, space.ActiveRangeCount);
            late.Insert(space, 0, 10); // deferred while the range is active
            Assert.Equal(1, space.DeferredCount);
        }

        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(4UL, space.InvalidateSequence);
        Assert.Equal(2, space.TreeCount);
    }

    [Fact]
    public void The_range_is_ended_when_the_body_throws()
    {
        var space = new AddressSpace();
        new NamedNotifier("n", new SinglePassOps(new CallLog())).Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);

        void ChangeMappingThatFails()
        {
            using InvalidationScope scope = space.BeginInvalidation(in range);
            throw new TimeoutException("the change of the mapping failed");
        }

        Assert.Throws<TimeoutException>(ChangeMappingThatFails);

        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
    }

    [Fact]
    public void A_refused_non_blockable_start_is_reported_and_its_dispose_ends_nothing()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        new NamedNotifier("refusing", new SinglePassOps(log) { Result = false }).Insert(space, 0, 10);
        var other = new NotifierRange(100, 110); // an active range the refused scope must not end
        Assert.True(space.InvalidateRangeStart(in other));
        var range = new NotifierRange(0, 10, NotifierEvent.Migrate, blockable: false);

        using (InvalidationScope scope = space.BeginInvalidation(in range))
        {
            Assert.False(scope.Started);
            Assert.Equal(1, space.ActiveRangeCount); // the refused range is already ended
        }

        Assert.Equal(1, space.ActiveRangeCount); // no InvalidateRangeEnd: the other range is still active
        Assert.Equal(new[] { "inv:refusing" }, log.Entries);
        space.InvalidateRangeEnd(in other);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void A_throwing_callback_makes_begin_throw_with_the_range_already_ended()
    {
        var space = new AddressSpace();
        new NamedNotifier("n", new SinglePassOps(new CallLog()) { Behavior = (_, _, _) => throw new FormatException() })
            .Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);

        Assert.Throws<FormatException>(() => space.BeginInvalidation(in range));

        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
    }

    [Fact]
    public void A_bad_range_throws_and_changes_nothing()
    {
        var space = new AddressSpace();
        new NamedNotifier("n", new SinglePassOps(new CallLog())).Insert(space, 0, 10);

        Assert.Throws<ArgumentException>(() => space.BeginInvalidation(default));

        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(2UL, space.InvalidateSequence);
    }

    [Fact]
    public void A_second_dispose_of_the_same_variable_and_a_default_scope_do_nothing()
    {
        var space = new AddressSpace();
        new NamedNotifier("n", new SinglePassOps(new CallLog())).Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);
        var other = new NotifierRange(0, 5);
        Assert.True(space.InvalidateRangeStart(in other));

        InvalidationScope scope = space.BeginInvalidation(in range);
        Assert.Equal(2, space.ActiveRangeCount);
        scope.Dispose();
        scope.Dispose();
        Assert.Equal(1, space.ActiveRangeCount); // ended once: the other range is still active

        InvalidationScope none = default;
        Assert.False(none.Started);
        none.Dispose();
        Assert.Equal(1, space.ActiveRangeCount);
        space.InvalidateRangeEnd(in other);
    }

    [Fact]
    public void A_callback_may_pair_a_nested_range_with_a_scope()
    {
        var space = new AddressSpace();
        bool? nestedStarted = null;
        var ops = new ActionOps((n, range, cur) =>
        {
            n.SetSequence(cur);
            if (range.Start == 0)
            {
                var nested = new NotifierRange(5, 6);
                using InvalidationScope scope = space.BeginInvalidation(in nested);
                nestedStarted = scope.Started;
            }

            return true;
        });
        new NamedNotifier("n", ops).Insert(space, 0, 10);

        var outer = new NotifierRange(0, 10);
        using (space.BeginInvalidation(in outer))
        {
            Assert.True(nestedStarted);
            Assert.Equal(1, space.ActiveRangeCount);
        }

        Assert.Equal(0, space.ActiveRangeCount);
    }
}
