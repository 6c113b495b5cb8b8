using Xunit;

namespace IntervalNotifiers.Tests.Fidelity;

/// <summary>
/// The deferred list is applied newest first, as the kernel's <c>hlist_add_head</c> onto <c>deferred_list</c> and
/// <c>mn_itree_inv_end</c>'s walk from the head make it: notifiers with equal starts inserted during one
/// invalidation end up in the tree, and so are called and finished, in the kernel's order.
/// </summary>
public class DeferredOrderTests
{
    [Fact]
    public void Equal_start_notifiers_inserted_during_one_invalidation_are_called_and_finished_newest_first()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var ops = new TwoPassOps(log);
        var busy = new NamedNotifier("busy", ops);
        busy.Insert(space, 0, 10);

        var first = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in first));
        var older = new NamedNotifier("older", ops);
        var newer = new NamedNotifier("newer", ops);
        older.Insert(space, 100, 10); // deferred: the tree is frozen
        newer.Insert(space, 100, 10);
        Assert.Equal(2, space.DeferredCount);
        space.InvalidateRangeEnd(in first);
        Assert.Equal(3, space.TreeCount);
        space.ValidateTree();

        log.Clear();
        var second = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in second));
        space.InvalidateRangeEnd(in second);

        Assert.Equal(new[] { "start:newer", "start:older", "finish:newer", "finish:older" }, log.Entries);
    }

    [Fact]
    public void A_notifier_inserted_and_removed_during_one_invalidation_leaves_the_others_in_kernel_order()
    {
        var space = new AddressSpace();
        var log = new CallLog();
        var ops = new SinglePassOps(log);
        var busy = new NamedNotifier("busy", ops);
        busy.Insert(space, 0, 10);

        var first = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in first));
        var a = new NamedNotifier("a", ops);
        var gone = new NamedNotifier("gone", ops);
        var c = new NamedNotifier("c", ops);
        a.Insert(space, 100, 10);
        gone.Insert(space, 100, 10);
        c.Insert(space, 100, 10);
        Bounded.Remove(gone); // still pending: taken off the deferred list at once
        Assert.Equal(2, space.DeferredCount);
        space.InvalidateRangeEnd(in first);

        log.Clear();
        var second = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in second));
        space.InvalidateRangeEnd(in second);

        Assert.Equal(new[] { "inv:c", "inv:a" }, log.Entries);
        Assert.Null(gone.AddressSpace);
    }
}
