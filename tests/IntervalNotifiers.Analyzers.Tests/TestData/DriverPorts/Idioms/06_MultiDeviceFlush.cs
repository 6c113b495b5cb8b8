// Port of the motivating case of the two-pass series (xe, patch 4): one address range mirrored on N devices.
// The first pass zaps the PTEs and kicks a TLB flush on every device without waiting; the second pass waits
// for all of them, so N devices flush in parallel instead of one after the other. Each wait has a timeout;
// a device that does not answer is reset (after a reset it holds no TLB entry at all), and a device that is
// being unplugged counts as flushed. The finish cannot fail, so none of that may throw out of it.
using System;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.MultiDeviceFlush;

/// <summary>A TLB flush in flight on one device: signalled by the device's completion interrupt.</summary>
public sealed class FlushFence
{
    private readonly ManualResetEventSlim _signalled = new(false);

    public FlushFence(TlbDevice device, ulong seqno)
    {
        Device = device;
        Seqno = seqno;
    }

    public TlbDevice Device { get; }

    public ulong Seqno { get; }

    internal void Signal() => _signalled.Set();

    /// <summary>True when signalled; false on timeout. Throws OperationCanceledException when the device goes away.</summary>
    public bool Wait(TimeSpan timeout, CancellationToken unplugged) => _signalled.Wait(timeout, unplugged);
}

public sealed class TlbDevice : IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private SpinLock _ptLock = new(enableThreadOwnerTracking: false);
    private long _seqno;
    private int _resets;

    public TlbDevice(int id) => Id = id;

    public int Id { get; }

    public int Resets => Volatile.Read(ref _resets);

    public CancellationToken Unplugged => _lifetime.Token;

    public bool HasLivePtes { get; set; }

    /// <summary>Clears PTEs under the device's page-table spinlock (never sleeps).</summary>
    public void ZapPtes(ulong first, ulong last)
    {
        bool taken = false;
        try
        {
            _ptLock.Enter(ref taken);
            HasLivePtes = false;
        }
        finally
        {
            if (taken)
            {
                _ptLock.Exit();
            }
        }
    }

    /// <summary>Writes the flush command to the ring and returns at once.</summary>
    public FlushFence KickFlush(ulong first, ulong last)
    {
        var fence = new FlushFence(this, unchecked((ulong)Interlocked.Increment(ref _seqno)));
        ThreadPool.UnsafeQueueUserWorkItem(static f => f.Signal(), fence, preferLocal: false);
        return fence;
    }

    /// <summary>Engine reset: synchronous; afterwards the device caches no translation.</summary>
    public void ResetEngine() => Interlocked.Increment(ref _resets);

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}

/// <summary>A VM (address range) bound on several devices: one notifier for all of them.</summary>
public sealed class SharedVm : IntervalNotifier
{
    public SharedVm(MultiDeviceFlushOps ops, TlbDevice[] devices)
        : base(ops) => Devices = devices;

    public TlbDevice[] Devices { get; }

    /// <summary>vm->userptr.notifier_lock.</summary>
    public object NotifierLock { get; } = new();
}

public sealed class FlushBatch : NotifierFinish
{
    public FlushFence?[] Fences = Array.Empty<FlushFence?>();
    public int Count;

    public void Reset()
    {
        Array.Clear(Fences, 0, Count);
        Count = 0;
    }
}

public sealed class MultiDeviceFlushOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<FlushBatch> _batches;
    private readonly TimeSpan _flushTimeout;

    public MultiDeviceFlushOps(int concurrentInvalidations, TimeSpan flushTimeout)
    {
        _batches = new NotifierFinishPool<FlushBatch>(concurrentInvalidations);
        _flushTimeout = flushTimeout;
    }

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var vm = (SharedVm)notifier;
        ulong first = Math.Max(range.Start, vm.Start);
        ulong last = Math.Min(range.End - 1, vm.Last);

        if (!range.IsBlockable)
        {
            // Nothing may wait: succeed only when no device has anything to flush.
            if (!Monitor.TryEnter(vm.NotifierLock))
            {
                return false;
            }

            try
            {
                if (Array.Exists(vm.Devices, d => d.HasLivePtes))
                {
                    return false;
                }

                vm.SetSequence(currentSequence);
                return true;
            }
            finally
            {
                Monitor.Exit(vm.NotifierLock);
            }
        }

        FlushBatch? batch = _batches.TryRent(out FlushBatch? rented) ? rented : null;
        FlushFence?[] fences = batch is null ? new FlushFence?[vm.Devices.Length] : Prepare(batch, vm.Devices.Length);
        int count = 0;

        lock (vm.NotifierLock)
        {
            vm.SetSequence(currentSequence);
            foreach (TlbDevice device in vm.Devices)
            {
                device.ZapPtes(first, last);
                fences[count++] = device.KickFlush(first, last);
            }
        }

        if (batch is null)
        {
            // No batch object free: every flush is already kicked, wait for them here.
            FlushWaits.WaitAll(fences, count, _flushTimeout);
            return true;
        }

        batch.Count = count;
        finish = batch;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var batch = (FlushBatch)finish;
        try
        {
            FlushWaits.WaitAll(batch.Fences, batch.Count, _flushTimeout);
        }
        finally
        {
            batch.Reset();
            _batches.Return(batch);
        }
    }

    private static FlushFence?[] Prepare(FlushBatch batch, int devices)
    {
        if (batch.Fences.Length < devices)
        {
            batch.Fences = new FlushFence?[devices];
        }

        batch.Count = 0;
        return batch.Fences;
    }
}

internal static class FlushWaits
{
    private const int MaxTimeouts = 3;

    /// <summary>Waits for every fence; never throws. Returns how many devices had to be reset.</summary>
    public static int WaitAll(FlushFence?[] fences, int count, TimeSpan timeout)
    {
        int resets = 0;
        for (int i = 0; i < count; i++)
        {
            FlushFence? fence = fences[i];
            if (fence is not null && !WaitOne(fence, timeout))
            {
                resets++;
            }
        }

        return resets;
    }

    private static bool WaitOne(FlushFence fence, TimeSpan timeout)
    {
        for (int attempt = 1; attempt <= MaxTimeouts; attempt++)
        {
            try
            {
                if (fence.Wait(timeout, fence.Device.Unplugged))
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
                return true; // unplugged: the device maps nothing any more
            }
            catch (ObjectDisposedException)
            {
                return true; // unplugged and already disposed
            }

            Trace.TraceWarning($"tlb flush {fence.Seqno} on device {fence.Device.Id}: timeout {attempt}/{MaxTimeouts}");
        }

        // Hung: a reset drops every translation, which is all the finish has to guarantee.
        fence.Device.ResetEngine();
        return false;
    }
}
