using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// ReadBeginAsync and RemoveAsync: the semantics of ReadBegin and Remove, with waits that block no thread. Every wait
/// is bounded; the assertions do not depend on timing (a pending task is checked before the range ends).
/// </summary>
public class AsyncReadSideTests
{
    private static NamedNotifier Add(AddressSpace space, string name, ulong start)
    {
        var n = new NamedNotifier(name, new SinglePassOps(new CallLog()));
        n.Insert(space, start, 10);
        return n;
    }

    private static async Task<T> Bounded<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Tests.Bounded.Timeout);

    private static async Task Bounded(ValueTask task) => await task.AsTask().WaitAsync(Tests.Bounded.Timeout);

    [Fact]
    public async Task Read_begin_async_completes_at_once_when_nothing_is_in_flight()
    {
        var space = new AddressSpace();
        var n = Add(space, "n", 0);
        ValueTask<ulong> idle = n.ReadBeginAsync();
        Assert.True(idle.IsCompletedSuccessfully);
        Assert.Equal(Tests.Bounded.ReadBegin(n), await idle);

        // A range of another notifier does not make this one wait either.
        Add(space, "other", 100);
        var elsewhere = new NotifierRange(100, 110);
        Assert.True(space.InvalidateRangeStart(in elsewhere));
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        ValueTask<ulong> stillIdle = n.ReadBeginAsync(canceled.Token); // a token is observed only when waiting
        Assert.True(stillIdle.IsCompletedSuccessfully);
        space.InvalidateRangeEnd(in elsewhere);
    }

    [Fact]
    public async Task Read_begin_async_waits_for_the_invalidation_without_blocking_the_caller()
    {
        var space = new AddressSpace();
        var n = Add(space, "n", 0);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        ulong collided = space.InvalidateSequence;

        ValueTask<ulong> pending = n.ReadBeginAsync(); // returns to this thread: nothing blocks
        Assert.False(pending.IsCompleted);
        Assert.Equal(0, space.WaiterCount); // no thread sleeps in the address space
        space.InvalidateRangeEnd(in range);

        Assert.Equal(collided, await Bounded(pending));
        Assert.False(n.ReadRetry(collided)); // the invalidation is over: the read can go ahead
    }

    [Fact]
    public async Task Many_concurrent_waiters_on_many_notifiers_are_all_released_by_one_end()
    {
        var space = new AddressSpace();
        var notifiers = Enumerable.Range(0, 10).Select(i => Add(space, "n" + i, (ulong)i * 100)).ToArray();
        var range = new NotifierRange(0, 10_000);
        Assert.True(space.InvalidateRangeStart(in range));
        ulong collided = space.InvalidateSequence;

        // 1000 readers started from thread-pool tasks, each registering its wait before its task returns.
        Task<ulong>[] readers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Factory.StartNew(
            () => notifiers[i % notifiers.Length].ReadBeginAsync().AsTask(), CancellationToken.None,
            TaskCreationOptions.None, TaskScheduler.Default))).WaitAsync(Tests.Bounded.Timeout);
        Assert.All(readers, r => Assert.False(r.IsCompleted));

        // The waiters hold no pool thread: new pool work runs at once while they wait.
        Assert.Equal(42, await Task.Run(() => 42).WaitAsync(Tests.Bounded.Timeout));
        Assert.All(readers, r => Assert.False(r.IsCompleted));

        space.InvalidateRangeEnd(in range);
        ulong[] results = await Task.WhenAll(readers).WaitAsync(Tests.Bounded.Timeout);
        Assert.All(results, r => Assert.Equal(collided, r));
    }

    [Fact]
    public async Task A_canceled_read_begin_async_is_canceled_and_the_other_waiters_are_not()
    {
        var space = new AddressSpace();
        var n = Add(space, "n", 0);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using var cts = new CancellationTokenSource();
        Task<ulong> canceled = n.ReadBeginAsync(cts.Token).AsTask();
        Task<ulong> other = n.ReadBeginAsync().AsTask();
        using var alreadyCanceled = new CancellationTokenSource();
        alreadyCanceled.Cancel();
        Task<ulong> canceledBeforeWaiting = n.ReadBeginAsync(alreadyCanceled.Token).AsTask();

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WaitAsync(Tests.Bounded.Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceledBeforeWaiting.WaitAsync(Tests.Bounded.Timeout));
        Assert.False(other.IsCompleted);
        Assert.Equal(1, space.ActiveRangeCount);

        space.InvalidateRangeEnd(in range);
        Assert.Equal(3UL, await other.WaitAsync(Tests.Bounded.Timeout));
        Assert.Equal(0, space.ActiveRangeCount);
    }

    [Fact]
    public async Task Remove_async_waits_for_the_deferred_removal_without_blocking()
    {
        var space = new AddressSpace();
        var idle = Add(space, "idle", 500);
        ValueTask done = idle.RemoveAsync();
        Assert.True(done.IsCompletedSuccessfully);
        Assert.Null(idle.AddressSpace);

        var n = Add(space, "n", 0);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        ValueTask pending = n.RemoveAsync();
        Assert.False(pending.IsCompleted);
        Assert.Same(space, n.AddressSpace); // still in the frozen tree: callbacks may still run
        Assert.Equal(1, space.DeferredCount);

        space.InvalidateRangeEnd(in range);
        await Bounded(pending);
        Assert.Null(n.AddressSpace);
        Assert.Equal(0, space.TreeCount);
        Assert.Throws<InvalidOperationException>(() => { _ = n.RemoveAsync(); });
    }

    [Fact]
    public async Task A_canceled_remove_async_leaves_the_removal_committed()
    {
        var space = new AddressSpace();
        var n = Add(space, "n", 0);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        using var cts = new CancellationTokenSource();
        Task removing = n.RemoveAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => removing.WaitAsync(Tests.Bounded.Timeout));
        Assert.Equal(1, space.DeferredCount); // committed

        space.InvalidateRangeEnd(in range);
        Assert.Null(n.AddressSpace);
        Assert.True(n.RemoveAsync().IsCompletedSuccessfully); // reports the committed removal as done, once
        Assert.Throws<InvalidOperationException>(() => { _ = n.RemoveAsync(); });
    }

    [Fact]
    public void From_a_callback_or_without_insert_both_throw_synchronously_and_change_nothing()
    {
        var space = new AddressSpace();
        Exception? readError = null;
        Exception? removeError = null;
        var ops = new ActionOps((n, walked, cur) =>
        {
            n.SetSequence(cur);
            readError = Record.Exception(() => { _ = n.ReadBeginAsync(); });
            removeError = Record.Exception(() => { _ = n.RemoveAsync(); });
            return true;
        });
        var inserted = new NamedNotifier("n", ops);
        inserted.Insert(space, 0, 10);
        var range = new NotifierRange(0, 10);
        Assert.True(space.InvalidateRangeStart(in range));
        space.InvalidateRangeEnd(in range);
        Assert.IsType<InvalidOperationException>(readError);
        Assert.IsType<InvalidOperationException>(removeError);
        Assert.Same(space, inserted.AddressSpace);
        Assert.Equal(1, space.TreeCount);

        var loose = new NamedNotifier("loose", new SinglePassOps(new CallLog()));
        Assert.Throws<InvalidOperationException>(() => { _ = loose.ReadBeginAsync(); });
        Assert.Throws<InvalidOperationException>(() => { _ = loose.RemoveAsync(); });
    }
}
