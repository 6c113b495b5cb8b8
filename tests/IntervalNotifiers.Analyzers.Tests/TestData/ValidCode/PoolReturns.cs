// Valid code: pooled finishes that always go back to their pool, written the ways drivers write it:
// a finally that returns the finish whatever the finish pass did, a private helper that recycles it, a finish
// that returns itself, and a device that hands out pooled finishes when it can and allocates otherwise.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.PoolReturns;

public sealed class GpuMirror : IntervalNotifier
{
    public GpuMirror(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly object PageTableLock = new();

    public int Generation;
}

public sealed class TlbFlush : NotifierFinish
{
    public ulong Start;
    public ulong End;
    public int Fence;
    public bool Abandoned;

    public void Clear()
    {
        Start = End = 0;
        Fence = 0;
        Abandoned = false;
    }
}

/// <summary>The finish pass may throw (a device reset); the finally hands the flush back regardless.</summary>
public sealed class ResettableGpuOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<TlbFlush> _flushes = new(8);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var mirror = (GpuMirror)notifier;
        lock (mirror.PageTableLock)
        {
            mirror.SetSequence(currentSequence);
            mirror.Generation++;
        }

        if (!_flushes.TryRent(out var flush))
        {
            FlushNow(range.Start, range.End);
            finish = null;
            return true;
        }

        flush.Start = range.Start;
        flush.End = range.End;
        flush.Fence = SubmitFlush(range.Start, range.End);
        finish = flush;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var flush = (TlbFlush)finish;
        try
        {
            if (flush.Fence == 0)
            {
                return; // nothing was submitted
            }

            WaitFence(flush.Fence);
            if (flush.Abandoned)
            {
                return;
            }

            FlushNow(flush.Start, flush.End);
        }
        finally
        {
            flush.Clear();
            _flushes.Return(flush);
        }
    }

    private static int SubmitFlush(ulong start, ulong end) => (int)((end - start) >> 12) + 1;

    private static void WaitFence(int fence) => Debug.Assert(fence > 0);

    private static void FlushNow(ulong start, ulong end) => Debug.Assert(end >= start);
}

/// <summary>Every exit of the finish pass goes through one recycling helper.</summary>
public sealed class RecyclingOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<TlbFlush> _pool = new(4);
    private int _skipped;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        notifier.SetSequence(currentSequence);
        finish = null;
        if (!_pool.TryRent(out var flush))
        {
            return true;
        }

        if (range.Event == NotifierEvent.SoftDirty)
        {
            // Dirty tracking needs no TLB flush: give the slot back right away.
            _pool.Return(flush);
            return true;
        }

        flush.Start = range.Start;
        flush.End = range.End;
        finish = flush;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        if (finish is not TlbFlush flush)
        {
            return;
        }

        if (flush.End <= flush.Start)
        {
            Interlocked.Increment(ref _skipped);
            Recycle(flush);
            return;
        }

        switch (flush.End - flush.Start)
        {
            case <= 4096:
                FlushPage(flush.Start);
                break;
            default:
                FlushRange(flush.Start, flush.End);
                break;
        }

        Recycle(flush);
    }

    private void Recycle(TlbFlush flush)
    {
        flush.Clear();
        _pool.Return(flush);
    }

    private static void FlushPage(ulong address) => Debug.Assert(address % 1 == 0);

    private static void FlushRange(ulong start, ulong end) => Debug.Assert(end > start);
}

/// <summary>A finish that knows its pool and returns itself when the finish pass completes it.</summary>
public sealed class HomingFinish : NotifierFinish
{
    private NotifierFinishPool<HomingFinish>? _home;

    public int Fence;

    public void Bind(NotifierFinishPool<HomingFinish> home) => _home = home;

    public void Complete()
    {
        Fence = 0;
        var home = _home;
        _home = null;
        home?.Return(this);
    }
}

public sealed class HomingOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<HomingFinish> _pool = new(2);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        notifier.SetSequence(currentSequence);
        if (_pool.TryRent(out var finishObject))
        {
            finishObject.Bind(_pool);
            finishObject.Fence = 1;
            finish = finishObject;
        }
        else
        {
            finish = null;
        }

        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var homing = (HomingFinish)finish;
        if (homing.Fence == 0)
        {
            homing.Complete();
            return;
        }

        SpinWait.SpinUntil(() => true, 1);
        homing.Complete();
    }
}

/// <summary>
/// Pooled when it can, allocated when the pool is dry: the finish pass returns what it gets (a pool accepts
/// any instance of its type), and on the rare reset path it simply drops it.
/// </summary>
public sealed class MixedOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<TlbFlush> _pool = new(16);
    private readonly List<ulong> _resets = new();

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        notifier.SetSequence(currentSequence);
        var flush = _pool.TryRent(out var pooled) ? pooled : new TlbFlush();
        flush.Start = range.Start;
        flush.End = range.End;
        finish = flush;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var flush = (TlbFlush)finish;
        if (flush.Abandoned)
        {
            lock (_resets)
            {
                _resets.Add(flush.Start);
            }

            return;
        }

        flush.Clear();
        _pool.Return(flush);
    }
}

/// <summary>A start that rents, then finds the range is its own and gives the slot back before leaving.</summary>
public sealed class OwnRangeOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<TlbFlush> _pool = new(4);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        if (!_pool.TryRent(out var flush))
        {
            notifier.SetSequence(currentSequence);
            return true;
        }

        try
        {
            if (ReferenceEquals(range.Owner, this))
            {
                return true; // our own migration: nothing to flush
            }

            notifier.SetSequence(currentSequence);
            flush.Start = range.Start;
            flush.End = range.End;
            finish = flush;
            flush = null;
            return true;
        }
        finally
        {
            if (flush is not null)
            {
                _pool.Return(flush);
            }
        }
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var flush = (TlbFlush)finish;
        using (new FlushScope(flush.Start, flush.End))
        {
            ArgumentNullException.ThrowIfNull(flush);
        }

        _pool.Return(flush);
    }

    private readonly struct FlushScope : IDisposable
    {
        private readonly ulong _start;

        public FlushScope(ulong start, ulong end) => _start = start + (end - end);

        public void Dispose() => Debug.Assert(_start >= 0);
    }
}
