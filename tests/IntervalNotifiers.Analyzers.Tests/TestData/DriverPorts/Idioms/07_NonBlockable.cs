// Port of the non-blockable path (the OOM reaper and other callers that invalidate with
// mmu_notifier_range_blockable() == false). A callback may not sleep then: it uses a try-lock, and when the lock
// is busy or the work would wait, it returns false and the caller backs off (-EAGAIN). nouveau_svm.c:
//     if (mmu_notifier_range_blockable(range)) mutex_lock(&svmm->mutex);
//     else if (!mutex_trylock(&svmm->mutex)) return false;
// Several spellings of that try-lock below, plus the caller side that handles the refusal.
using System;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.NonBlockable;

/// <summary>Acquires a monitor the way the range allows: wait when blockable, try once otherwise.</summary>
public ref struct RangeLock
{
    private readonly object _lock;

    private RangeLock(object gate, bool taken)
    {
        _lock = gate;
        Taken = taken;
    }

    public bool Taken { get; private set; }

    public static RangeLock Acquire(object gate, in NotifierRange range)
    {
        bool taken = false;
        if (range.IsBlockable)
        {
            Monitor.Enter(gate, ref taken);
        }
        else
        {
            Monitor.TryEnter(gate, ref taken);
        }

        return new RangeLock(gate, taken);
    }

    public void Dispose()
    {
        if (Taken)
        {
            Taken = false;
            Monitor.Exit(_lock);
        }
    }
}

/// <summary>nouveau's svmm notifier: a monitor, taken through <see cref="RangeLock"/>.</summary>
public sealed class SvmmNotifier(IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public readonly object Mutex = new();
    public int ValidPages;
}

public sealed class SvmmOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var sn = (SvmmNotifier)notifier;

        // nouveau skips the exclusive-access faults it started itself, before touching the sequence.
        if (range.Event == NotifierEvent.Exclusive && ReferenceEquals(range.Owner, sn))
        {
            return true;
        }

        using RangeLock guard = RangeLock.Acquire(sn.Mutex, in range);
        if (!guard.Taken)
        {
            return false; // only reachable when !range.IsBlockable
        }

        sn.SetSequence(currentSequence);
        sn.ValidPages = 0; // nouveau_svmm_invalidate: GPU PTEs are cleared without sleeping
        return true;
    }
}

/// <summary>A semaphore as driver lock: Wait(0) is the trylock.</summary>
public sealed class QueueMirror(IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public bool Mapped { get; set; }
}

public sealed class QueueMirrorOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var mirror = (QueueMirror)notifier;
        if (range.IsBlockable)
        {
            mirror.Gate.Wait();
        }
        else if (!mirror.Gate.Wait(0))
        {
            return false;
        }

        try
        {
            mirror.SetSequence(currentSequence);
            mirror.Mapped = false;
        }
        finally
        {
            mirror.Gate.Release();
        }

        return true;
    }

    /// <summary>Read side of the same lock.</summary>
    public static void Map(QueueMirror mirror, Action<ulong> program)
    {
        for (;;)
        {
            ulong seq = mirror.ReadBegin();
            mirror.Gate.Wait();
            try
            {
                if (!mirror.ReadRetry(seq))
                {
                    program(mirror.Start);
                    mirror.Mapped = true;
                    return;
                }
            }
            finally
            {
                mirror.Gate.Release();
            }
        }
    }
}

/// <summary>
/// Two-pass, with a non-blockable fallback: on a blockable range the start hands out a finish that waits for the
/// device; on a non-blockable one it never hands one out, and it either finishes on the spot (nothing in flight
/// on the device) or refuses.
/// </summary>
public sealed class DmaMirror(IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public ReaderWriterLockSlim Lock { get; } = new();
    public int InFlightDma;
    public readonly ManualResetEventSlim Idle = new(true);
}

public sealed class DmaDrainFinish : NotifierFinish
{
    public DmaMirror? Mirror;
}

public sealed class DmaMirrorOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var mirror = (DmaMirror)notifier;

        if (!range.IsBlockable)
        {
            if (!mirror.Lock.TryEnterWriteLock(0))
            {
                return false;
            }

            try
            {
                if (Volatile.Read(ref mirror.InFlightDma) != 0)
                {
                    return false; // would have to wait for the DMA to drain
                }

                mirror.SetSequence(currentSequence);
                return true;
            }
            finally
            {
                mirror.Lock.ExitWriteLock();
            }
        }

        mirror.Lock.EnterWriteLock();
        try
        {
            mirror.SetSequence(currentSequence);
        }
        finally
        {
            mirror.Lock.ExitWriteLock();
        }

        // Blockable: a fresh finish per invocation; the second pass drains the DMA.
        finish = new DmaDrainFinish { Mirror = mirror };
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) =>
        ((DmaDrainFinish)finish).Mirror?.Idle.Wait();
}

/// <summary>The caller side: an OOM-reaper-like reclaimer that invalidates without blocking and backs off.</summary>
public static class Reaper
{
    public static int ReapRanges(AddressSpace space, ReadOnlySpan<(ulong Start, ulong End)> ranges, Action<ulong, ulong> unmap)
    {
        int skipped = 0;
        foreach ((ulong start, ulong end) in ranges)
        {
            var range = new NotifierRange(start, end, NotifierEvent.Unmap, blockable: false);
            if (!space.InvalidateRangeStart(in range))
            {
                skipped++; // refused: the runtime already ended the range; try again on the next pass
                continue;
            }

            try
            {
                unmap(start, end);
            }
            finally
            {
                space.InvalidateRangeEnd(in range);
            }
        }

        return skipped;
    }

    /// <summary>The same with the scope type: Dispose ends the range only when it was started.</summary>
    public static bool TryReap(AddressSpace space, ulong start, ulong end, Action<ulong, ulong> unmap)
    {
        using InvalidationScope scope = space.BeginInvalidation(new NotifierRange(start, end, blockable: false));
        if (!scope.Started)
        {
            return false;
        }

        unmap(start, end);
        return true;
    }
}
