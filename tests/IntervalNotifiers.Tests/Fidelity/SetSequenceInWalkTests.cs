using System;
using System.Collections.Generic;
using Xunit;

namespace IntervalNotifiers.Tests.Fidelity;

/// <summary>
/// One policy for contract violations in a walk: an even value given to SetSequence from a callback is reported
/// through <see cref="AddressSpace.ContractViolation"/> and the walk goes on; outside a walk it still throws.
/// </summary>
public class SetSequenceInWalkTests
{
    [Fact]
    public void An_even_sequence_set_by_a_callback_is_reported_and_the_walk_goes_on()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var good = new SinglePassOps(log);
        var bad = new ActionOps((n, _, _) =>
        {
            log.Add("inv:" + ((NamedNotifier)n).Name);
            n.SetSequence(2); // even: not the value the callback received
            return true;
        });
        var a = new NamedNotifier("a", good);
        var b = new NamedNotifier("b", bad);
        var c = new NamedNotifier("c", good);
        a.Insert(space, 0, 10);
        b.Insert(space, 100, 10);
        c.Insert(space, 200, 10);
        ulong before = Bounded.ReadBegin(b);
        var seen = new List<ContractViolationEventArgs>();
        space.ContractViolation += (_, e) => seen.Add(e);

        var range = new NotifierRange(0, 1000, NotifierEvent.Clear);
        Assert.True(space.InvalidateRangeStart(in range));

        Assert.Equal(new[] { "inv:a", "inv:b", "inv:c" }, log.Entries);
        Assert.Equal(1, space.ContractViolationCount);
        ContractViolationEventArgs violation = Assert.Single(seen);
        Assert.Equal(ContractViolationKind.EvenSequence, violation.Kind);
        Assert.Same(b, violation.Notifier);
        Assert.Equal(range.Start, violation.Range.Start);
        Assert.Equal(range.End, violation.Range.End);
        Assert.Equal(NotifierEvent.Clear, violation.Range.Event);
        Assert.Contains("0x2", violation.Message, StringComparison.Ordinal);

        // The runtime stored the invalidation's own (odd) sequence instead: readers of b still retry.
        Assert.True(b.ReadRetry(before));
        Assert.Equal(space.InvalidateSequence, b.Sequence);
        space.InvalidateRangeEnd(in range);
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public void An_even_sequence_outside_a_walk_still_throws_and_changes_nothing()
    {
        var space = new AddressSpace();
        var n = new NamedNotifier("n", new SinglePassOps(new CallLog()));
        n.Insert(space, 0, 10);
        ulong seq = n.Sequence;

        Assert.Throws<ArgumentException>(() => n.SetSequence(4));

        Assert.Equal(seq, n.Sequence);
        Assert.Equal(0, space.ContractViolationCount);
    }
}
