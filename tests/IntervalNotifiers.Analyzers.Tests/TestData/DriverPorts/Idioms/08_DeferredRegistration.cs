// Port of the deferred-work idiom of amdkfd SVM (svm_range_deferred_list_work) and of drivers that create
// notifiers lazily from a fault handler: notifiers are inserted and removed on a work queue, never from a
// callback. An Unmap callback only marks the range and posts work; the worker removes the notifier (Remove
// waits for the invalidation that is running, which the callback could never do) and re-inserts what is left
// of a partially unmapped range. Dispose stops the queue, then removes whatever is still registered.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using IntervalNotifiers;

namespace Idioms.DeferredRegistration;

public abstract record WorkItem;

public sealed record MapRange(ulong Start, ulong Length) : WorkItem;

public sealed record DropRange(RangeNotifier Notifier) : WorkItem;

public sealed record SplitRange(RangeNotifier Notifier, ulong HoleFirst, ulong HoleLast) : WorkItem;

public sealed record FlushBarrier(TaskCompletionSource Done) : WorkItem;

public sealed class RangeNotifier : IntervalNotifier
{
    private int _dying;

    public RangeNotifier(RangeOps ops) : base(ops)
    {
    }

    public object Lock { get; } = new();

    public bool DeviceValid { get; set; }

    /// <summary>True once, for the callback that posts the drop or split of this notifier.</summary>
    internal bool MarkDying() => Interlocked.Exchange(ref _dying, 1) == 0;
}

public sealed class RangeOps : IntervalNotifierOps
{
    private readonly Func<WorkItem, bool> _post;

    public RangeOps(Func<WorkItem, bool> post) => _post = post;

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var rn = (RangeNotifier)notifier;
        bool taken = false;
        try
        {
            if (range.IsBlockable)
            {
                Monitor.Enter(rn.Lock, ref taken);
            }
            else
            {
                Monitor.TryEnter(rn.Lock, 0, ref taken);
                if (!taken)
                {
                    return false;
                }
            }

            rn.SetSequence(currentSequence);
            rn.DeviceValid = false;
        }
        finally
        {
            if (taken)
            {
                Monitor.Exit(rn.Lock);
            }
        }

        if (range.Event == NotifierEvent.Unmap && rn.MarkDying())
        {
            WorkItem work = range.Start <= rn.Start && range.End - 1 >= rn.Last
                ? new DropRange(rn)
                : new SplitRange(rn, Math.Max(range.Start, rn.Start), Math.Min(range.End - 1, rn.Last));
            _post(work); // never blocks; false once the driver is shutting down, which removes everything anyway
        }

        return true;
    }
}

public sealed class SvmDriver : IDisposable, IAsyncDisposable
{
    private readonly AddressSpace _space;
    private readonly RangeOps _ops;
    private readonly Channel<WorkItem> _queue =
        Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, RangeNotifier> _ranges = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private int _disposed;

    public SvmDriver(AddressSpace space)
    {
        _space = space;
        _ops = new RangeOps(item => _queue.Writer.TryWrite(item));
        _worker = Task.Run(RunAsync);
    }

    public int RegisteredRanges => _ranges.Count;

    public bool Map(ulong start, ulong length) => _queue.Writer.TryWrite(new MapRange(start, length));

    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new FlushBarrier(done)) ? done.Task : Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        await foreach (WorkItem item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await (item switch
                {
                    MapRange m => InsertAsync(m.Start, m.Length),
                    DropRange d => DropAsync(d.Notifier),
                    SplitRange s => SplitAsync(s),
                    FlushBarrier b => Complete(b.Done),
                    _ => throw new UnreachableException(item.GetType().Name),
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // shutting down: Dispose removes what is left
            }
            catch (Exception ex)
            {
                Trace.TraceError($"svm work {item} failed: {ex}");
            }
        }
    }

    private static Task Complete(TaskCompletionSource done)
    {
        done.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task InsertAsync(ulong start, ulong length)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var rn = new RangeNotifier(_ops);
        rn.Insert(_space, start, length); // may be deferred until the running invalidation ends
        if (!_ranges.TryAdd(start, rn))
        {
            await rn.RemoveAsync().ConfigureAwait(false); // already mapped
            return;
        }

        await PopulateAsync(rn, _stopping.Token).ConfigureAwait(false);
    }

    private async Task DropAsync(RangeNotifier rn)
    {
        if (_ranges.TryRemove(new KeyValuePair<ulong, RangeNotifier>(rn.Start, rn)))
        {
            await rn.RemoveAsync().ConfigureAwait(false);
        }
    }

    private async Task SplitAsync(SplitRange split)
    {
        RangeNotifier rn = split.Notifier;
        ulong start = rn.Start, last = rn.Last;
        await DropAsync(rn).ConfigureAwait(false);

        if (split.HoleFirst > start)
        {
            await InsertAsync(start, split.HoleFirst - start).ConfigureAwait(false);
        }

        if (split.HoleLast < last)
        {
            await InsertAsync(split.HoleLast + 1, last - split.HoleLast).ConfigureAwait(false);
        }
    }

    private static async Task PopulateAsync(RangeNotifier rn, CancellationToken cancellationToken)
    {
        while (true)
        {
            ulong seq = await rn.ReadBeginAsync(cancellationToken).ConfigureAwait(false);
            await Task.Yield(); // stands in for the page walk

            lock (rn.Lock)
            {
                if (rn.ReadRetry(seq))
                {
                    continue;
                }

                rn.DeviceValid = true;
                return;
            }
        }
    }

    // Neither Dispose may run from an ops callback, nor with a RangeNotifier.Lock held.
    public void Dispose()
    {
        if (!BeginShutdown())
        {
            return;
        }

        _worker.Wait(); // the worker catches everything; it ends once the queue is drained
        foreach (ulong key in _ranges.Keys)
        {
            if (_ranges.TryRemove(key, out RangeNotifier? rn))
            {
                rn.Remove();
            }
        }

        _stopping.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!BeginShutdown())
        {
            return;
        }

        await _worker.ConfigureAwait(false);
        foreach (ulong key in _ranges.Keys)
        {
            if (_ranges.TryRemove(key, out RangeNotifier? rn))
            {
                await rn.RemoveAsync().ConfigureAwait(false);
            }
        }

        _stopping.Dispose();
    }

    private bool BeginShutdown()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        _queue.Writer.TryComplete();
        _stopping.Cancel();
        return true;
    }
}
