using System;
using System.Collections.Generic;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>The insert checks and the bad-input list: each is a clear exception and changes nothing.</summary>
public class BadInputTests
{
    /// <summary>Everything observable about an address space and some notifiers.</summary>
    private static string Snapshot(AddressSpace space, params IntervalNotifier[] notifiers)
    {
        var parts = new List<string>
        {
            $"seq={space.InvalidateSequence}",
            $"active={space.ActiveRangeCount}",
            $"deferred={space.DeferredCount}",
            $"tree={space.TreeCount}",
            $"violations={space.ContractViolationCount}",
            $"released={space.IsReleased}",
        };
        foreach (IntervalNotifier n in notifiers)
        {
            parts.Add($"[{(n.AddressSpace == null ? "-" : n.AddressSpace == space ? "this" : "other")} {n.Start}..{n.Last} seq={n.Sequence}]");
        }

        space.ValidateTree();
        return string.Join(" ", parts);
    }

    private static (AddressSpace Space, IntervalNotifier Inserted, IntervalNotifier Fresh) Setup()
    {
        var space = new AddressSpace();
        var inserted = new IntervalNotifier(new SinglePassOps(new CallLog()));
        inserted.Insert(space, 100, 50);
        var fresh = new IntervalNotifier(new SinglePassOps(new CallLog()));
        return (space, inserted, fresh);
    }

    [Fact]
    public void Null_ops_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new IntervalNotifier(null!));
    }

    [Fact]
    public void Insert_into_null_space_is_rejected()
    {
        var (space, inserted, fresh) = Setup();
        string before = Snapshot(space, inserted, fresh);
        Assert.Throws<ArgumentNullException>(() => fresh.Insert(null!, 0, 1));
        Assert.Equal(before, Snapshot(space, inserted, fresh));
    }

    [Fact]
    public void Zero_length_is_rejected()
    {
        var (space, inserted, fresh) = Setup();
        string before = Snapshot(space, inserted, fresh);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fresh.Insert(space, 10, 0));
        Assert.Equal("length", e.ParamName);
        Assert.Null(fresh.AddressSpace);
        Assert.Equal(before, Snapshot(space, inserted, fresh));
    }

    [Theory]
    [InlineData(ulong.MaxValue, 2UL)]
    [InlineData(2UL, ulong.MaxValue)]
    [InlineData(ulong.MaxValue - 10, 12UL)]
    public void Overflowing_end_is_rejected(ulong start, ulong length)
    {
        var (space, inserted, fresh) = Setup();
        string before = Snapshot(space, inserted, fresh);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fresh.Insert(space, start, length));
        Assert.Contains("overflow", e.Message);
        Assert.Equal(before, Snapshot(space, inserted, fresh));
    }

    [Theory]
    [InlineData(ulong.MaxValue, 1UL, ulong.MaxValue)]
    [InlineData(1UL, ulong.MaxValue, ulong.MaxValue)]
    [InlineData(0UL, ulong.MaxValue, ulong.MaxValue - 1)]
    [InlineData(ulong.MaxValue - 10, 11UL, ulong.MaxValue)]
    public void Ranges_that_reach_the_top_without_overflowing_are_accepted(ulong start, ulong length, ulong last)
    {
        var space = new AddressSpace();
        var n = new IntervalNotifier(new SinglePassOps(new CallLog()));
        n.Insert(space, start, length);
        Assert.Equal(start, n.Start);
        Assert.Equal(last, n.Last);
    }

    [Fact]
    public void Inserting_twice_is_rejected()
    {
        var (space, inserted, _) = Setup();
        string before = Snapshot(space, inserted);
        Assert.Throws<InvalidOperationException>(() => inserted.Insert(space, 0, 10));
        Assert.Equal(before, Snapshot(space, inserted));

        var other = new AddressSpace();
        string otherBefore = Snapshot(other);
        Assert.Throws<InvalidOperationException>(() => inserted.Insert(other, 0, 10));
        Assert.Equal(before, Snapshot(space, inserted));
        Assert.Equal(otherBefore, Snapshot(other));
    }

    [Fact]
    public void Inserting_a_notifier_whose_removal_is_pending_is_rejected()
    {
        var (space, inserted, _) = Setup();
        var range = new NotifierRange(100, 101);
        Assert.True(space.InvalidateRangeStart(in range));
        using (var cts = new System.Threading.CancellationTokenSource(TimeSpan.FromMilliseconds(20)))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => inserted.Remove(cts.Token));
        }

        string before = Snapshot(space, inserted);
        Assert.Throws<InvalidOperationException>(() => inserted.Insert(space, 0, 10));
        Assert.Equal(before, Snapshot(space, inserted));
        space.InvalidateRangeEnd(in range);
    }

    [Fact]
    public void Ops_with_a_start_but_no_finish_is_rejected_naming_NTF001()
    {
        var (space, inserted, _) = Setup();
        var bad = new IntervalNotifier(new StartWithoutFinishOps());
        string before = Snapshot(space, inserted, bad);
        var e = Assert.Throws<InvalidOperationException>(() => bad.Insert(space, 0, 10));
        Assert.Contains("NTF001", e.Message);
        Assert.Contains(nameof(StartWithoutFinishOps), e.Message);
        Assert.Equal(before, Snapshot(space, inserted, bad));
    }

    [Theory]
    [InlineData(typeof(EmptyOps))]
    [InlineData(typeof(FinishOnlyOps))]
    [InlineData(typeof(HidingOps))]
    public void Ops_without_invalidate_or_start_is_rejected_naming_NTF003(Type opsType)
    {
        var (space, inserted, _) = Setup();
        var bad = new IntervalNotifier((IntervalNotifierOps)Activator.CreateInstance(opsType)!);
        string before = Snapshot(space, inserted, bad);
        var e = Assert.Throws<InvalidOperationException>(() => bad.Insert(space, 0, 10));
        Assert.Contains("NTF003", e.Message);
        Assert.Equal(before, Snapshot(space, inserted, bad));
    }

    [Fact]
    public void Removing_what_was_never_inserted_is_rejected()
    {
        var (space, inserted, fresh) = Setup();
        string before = Snapshot(space, inserted, fresh);
        Assert.Throws<InvalidOperationException>(() => fresh.Remove());
        Assert.Equal(before, Snapshot(space, inserted, fresh));

        Bounded.Remove(inserted);
        string after = Snapshot(space, inserted, fresh);
        Assert.Throws<InvalidOperationException>(() => inserted.Remove()); // removing twice
        Assert.Equal(after, Snapshot(space, inserted, fresh));
    }

    [Fact]
    public void Read_begin_of_a_notifier_not_inserted_is_rejected()
    {
        var (space, inserted, fresh) = Setup();
        string before = Snapshot(space, inserted, fresh);
        Assert.Throws<InvalidOperationException>(() => fresh.ReadBegin());
        Assert.Equal(before, Snapshot(space, inserted, fresh));
    }

    [Fact]
    public void Empty_ranges_are_rejected_by_start_and_end()
    {
        var (space, inserted, _) = Setup();
        Assert.Throws<ArgumentException>(() => new NotifierRange(10, 10));
        Assert.Throws<ArgumentException>(() => new NotifierRange(10, 9));
        string before = Snapshot(space, inserted);
        NotifierRange empty = default;
        Assert.Throws<ArgumentException>(() => space.InvalidateRangeStart(in empty));
        Assert.Equal(before, Snapshot(space, inserted));

        var range = new NotifierRange(100, 101);
        Assert.True(space.InvalidateRangeStart(in range));
        string during = Snapshot(space, inserted);
        Assert.Throws<ArgumentException>(() => space.InvalidateRangeEnd(in empty));
        Assert.Equal(during, Snapshot(space, inserted));
        space.InvalidateRangeEnd(in range);
    }

    [Fact]
    public void Ending_a_range_that_was_never_started_is_rejected()
    {
        var (space, inserted, _) = Setup();
        string before = Snapshot(space, inserted);
        var range = new NotifierRange(0, 10);
        Assert.Throws<InvalidOperationException>(() => space.InvalidateRangeEnd(in range));
        Assert.Equal(before, Snapshot(space, inserted));
    }

    [Fact]
    public void Even_sequence_is_rejected_by_set_sequence()
    {
        var (space, inserted, _) = Setup();
        string before = Snapshot(space, inserted);
        Assert.Throws<ArgumentException>(() => inserted.SetSequence(4));
        Assert.Equal(before, Snapshot(space, inserted));
    }

    [Fact]
    public void Release_twice_and_insert_after_release_are_rejected()
    {
        var (space, inserted, fresh) = Setup();
        space.Release();
        string before = Snapshot(space, inserted, fresh);
        Assert.Throws<InvalidOperationException>(() => space.Release());
        Assert.Throws<InvalidOperationException>(() => fresh.Insert(space, 0, 10));
        Assert.Equal(before, Snapshot(space, inserted, fresh));
        Assert.Null(fresh.AddressSpace);
    }
}
