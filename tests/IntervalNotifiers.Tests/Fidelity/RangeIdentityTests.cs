using System;
using Xunit;

namespace IntervalNotifiers.Tests.Fidelity;

/// <summary>
/// A walk knows which range it belongs to: a callback cannot end the range it is called for, even when another
/// active range (one that hit no notifier) would make the counts look paired, and that other range's end succeeds.
/// </summary>
public class RangeIdentityTests
{
    [Fact]
    public void A_stray_end_from_a_callback_is_rejected_while_another_range_is_active_and_that_range_ends_normally()
    {
        var space = new AddressSpace();
        Exception? stray = null;
        int activeInCallback = -1;
        var ops = new ActionOps((n, range, cur) =>
        {
            n.SetSequence(cur);
            try
            {
                space.InvalidateRangeEnd(in range); // its own range: never legitimate
            }
            catch (InvalidOperationException e)
            {
                stray = e;
            }

            activeInCallback = space.ActiveRangeCount;
            return true;
        });
        new NamedNotifier("n", ops).Insert(space, 100, 10);

        var other = new NotifierRange(0, 10); // hits no notifier: active, not walking
        Assert.True(space.InvalidateRangeStart(in other));
        var walked = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in walked));

        Assert.NotNull(stray);
        Assert.Contains("callback", stray!.Message, StringComparison.Ordinal);
        Assert.Equal(2, activeInCallback);
        Assert.Equal(2, space.ActiveRangeCount);
        Assert.Equal(1UL, space.InvalidateSequence & 1);

        space.InvalidateRangeEnd(in walked);
        space.InvalidateRangeEnd(in other); // the legitimate end of the other range
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
    }

    [Fact]
    public void A_range_a_callback_started_is_ended_by_that_callback_even_while_other_ranges_are_active()
    {
        var space = new AddressSpace();
        bool? nestedStarted = null;
        var ops = new ActionOps((n, range, cur) =>
        {
            n.SetSequence(cur);
            if (range.Start == 100)
            {
                var nested = new NotifierRange(500, 510); // hits nothing
                nestedStarted = space.InvalidateRangeStart(in nested);
                space.InvalidateRangeEnd(in nested);
            }

            return true;
        });
        new NamedNotifier("n", ops).Insert(space, 100, 10);

        var other = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in other));
        var walked = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in walked));
        Assert.True(nestedStarted);
        Assert.Equal(2, space.ActiveRangeCount);

        space.InvalidateRangeEnd(in other);
        space.InvalidateRangeEnd(in walked);
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Throws<InvalidOperationException>(() => space.InvalidateRangeEnd(in walked));
    }

    [Fact]
    public void A_nested_range_its_callback_left_active_becomes_an_ordinary_range_once_the_walk_is_done()
    {
        var space = new AddressSpace();
        var ops = new ActionOps((n, range, cur) =>
        {
            n.SetSequence(cur);
            if (range.Start == 100)
            {
                var nested = new NotifierRange(105, 106); // hits this notifier again: a nested walk
                Assert.True(space.InvalidateRangeStart(in nested));
            }

            return true; // leaves the nested range active (a misuse the runtime survives)
        });
        new NamedNotifier("n", ops).Insert(space, 100, 10);

        var walked = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in walked));
        Assert.Equal(2, space.ActiveRangeCount);

        space.InvalidateRangeEnd(in walked);
        space.InvalidateRangeEnd(in walked); // the left-over range: anyone may end it now
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
    }
}
