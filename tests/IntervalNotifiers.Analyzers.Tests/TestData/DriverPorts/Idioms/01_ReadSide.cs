// Port of the canonical mmu_interval_notifier read side, as found in amdgpu_hmm.c, nouveau_svm.c and
// lib/test_hmm.c: read_begin, fault the pages without the driver lock, take the driver lock, read_retry,
// program the device. Three (well, four) spellings of the retry loop, all against the same notifier.
using System;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.ReadSide;

/// <summary>The device's shadow page table for one mirrored range (one entry per 4 KiB page).</summary>
public sealed class ShadowTable
{
    public const int PageShift = 12;

    private readonly ulong _base;
    private readonly ulong[] _entries;

    public ShadowTable(ulong baseAddress, int pages)
    {
        _base = baseAddress;
        _entries = new ulong[pages];
    }

    public int Pages => _entries.Length;

    public ulong BaseAddress => _base;

    public int IndexOf(ulong address) => (int)((address - _base) >> PageShift);

    /// <summary>Writes device PTEs. Caller holds the notifier's driver lock.</summary>
    public void Program(ulong start, ulong[] pfns)
    {
        int first = IndexOf(start);
        for (int i = 0; i < pfns.Length && first + i < _entries.Length; i++)
        {
            _entries[first + i] = (pfns[i] << PageShift) | 1UL; // valid bit
        }
    }

    /// <summary>Clears device PTEs in [first, last]. Caller holds the notifier's driver lock.</summary>
    public void Zap(ulong first, ulong last)
    {
        int from = IndexOf(first);
        int to = Math.Min(IndexOf(last), _entries.Length - 1);
        Array.Clear(_entries, from, to - from + 1);
    }
}

/// <summary>The driver's per-range object: container_of(mni, struct amdgpu_bo, notifier) in C.</summary>
public sealed class MirrorNotifier : IntervalNotifier
{
    public MirrorNotifier(ShadowTable table)
        : base(MirrorOps.Instance)
    {
        Table = table;
    }

    /// <summary>The notifier lock: held by the callback around SetSequence, and by readers around ReadRetry.</summary>
    public object DriverLock { get; } = new object();

    public ShadowTable Table { get; }

    public long Zaps;
}

/// <summary>amdgpu_hmm_invalidate_gfx, nearly line for line.</summary>
public sealed class MirrorOps : IntervalNotifierOps
{
    public static readonly MirrorOps Instance = new MirrorOps();

    private MirrorOps()
    {
    }

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        MirrorNotifier mirror = (MirrorNotifier)notifier;

        // The driver lock is a sleeping lock: on a range that must not sleep, refuse (the caller retries).
        if (!range.IsBlockable)
        {
            return false;
        }

        lock (mirror.DriverLock)
        {
            mirror.SetSequence(currentSequence);
            ulong first = Math.Max(range.Start, mirror.Start);
            ulong last = Math.Min(range.End - 1, mirror.Last);
            mirror.Table.Zap(first, last);
            mirror.Zaps++;
        }

        return true;
    }
}

/// <summary>hmm_range_fault and friends: the (possibly slow) walk of the CPU page tables.</summary>
public delegate ulong PageResolver(ulong address);

/// <summary>The read side. None of these may run from an ops callback or with DriverLock held.</summary>
public static class MirrorFault
{
    private const int MaxAttempts = 64;
    private const int CheckEvery = 16;

    /// <summary>Variant 1: while (true) with continue, as amdgpu_ttm_tt_get_user_pages + amdgpu_cs.</summary>
    public static int FaultWhile(MirrorNotifier mirror, ulong start, int pages, PageResolver resolve,
                                 CancellationToken cancellationToken)
    {
        int attempts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempts++;

            ulong seq = mirror.ReadBegin(cancellationToken);
            ulong[]? pfns = ResolvePages(mirror, seq, start, pages, resolve);
            if (pfns == null)
            {
                continue; // the lock-free hint said an invalidation already hit us
            }

            lock (mirror.DriverLock)
            {
                if (mirror.ReadRetry(seq))
                {
                    continue;
                }

                mirror.Table.Program(start, pfns);
            }

            return attempts;
        }
    }

    /// <summary>Variant 2: do { } while (retry), as nouveau_range_fault.</summary>
    public static void FaultDoWhile(MirrorNotifier mirror, ulong start, int pages, PageResolver resolve)
    {
        bool retry;
        int attempts = 0;
        do
        {
            if (++attempts > MaxAttempts)
            {
                throw new TimeoutException($"Could not mirror 0x{start:X}: {MaxAttempts} collisions in a row.");
            }

            ulong seq = mirror.ReadBegin();
            ulong[]? pfns = ResolvePages(mirror, seq, start, pages, resolve);

            lock (mirror.DriverLock)
            {
                retry = pfns == null || mirror.ReadRetry(seq);
                if (!retry)
                {
                    mirror.Table.Program(start, pfns!);
                }
            }
        }
        while (retry);
    }

    /// <summary>Variant 3: a recursive helper that tries once and recurses on a collision.</summary>
    public static bool FaultRecursive(MirrorNotifier mirror, ulong start, int pages, PageResolver resolve) =>
        TryFaultOnce(mirror, start, pages, resolve, attempt: 0);

    private static bool TryFaultOnce(MirrorNotifier mirror, ulong start, int pages, PageResolver resolve, int attempt)
    {
        if (attempt >= MaxAttempts)
        {
            return false;
        }

        ulong seq = mirror.ReadBegin();
        ulong[]? pfns = ResolvePages(mirror, seq, start, pages, resolve);
        if (pfns != null)
        {
            lock (mirror.DriverLock)
            {
                if (!mirror.ReadRetry(seq))
                {
                    mirror.Table.Program(start, pfns);
                    return true;
                }
            }
        }

        // The lock is released here: ReadBegin in the next frame may wait for the invalidation to finish.
        return TryFaultOnce(mirror, start, pages, resolve, attempt + 1);
    }

    /// <summary>Variant 4: the C original, with its "goto again" label.</summary>
    public static void FaultGoto(MirrorNotifier mirror, ulong start, int pages, PageResolver resolve)
    {
        ulong seq;
        ulong[]? pfns;

    again:
        seq = mirror.ReadBegin();
        pfns = ResolvePages(mirror, seq, start, pages, resolve);
        if (pfns == null)
        {
            goto again;
        }

        Monitor.Enter(mirror.DriverLock);
        try
        {
            if (mirror.ReadRetry(seq))
            {
                Monitor.Exit(mirror.DriverLock);
                goto again;
            }

            mirror.Table.Program(start, pfns);
        }
        finally
        {
            if (Monitor.IsEntered(mirror.DriverLock))
            {
                Monitor.Exit(mirror.DriverLock);
            }
        }
    }

    /// <summary>
    /// Walks the CPU side without the driver lock. Returns null early when CheckRetry (a lock-free hint where
    /// only "true" counts) already tells that the result will be thrown away.
    /// </summary>
    private static ulong[]? ResolvePages(MirrorNotifier mirror, ulong seq, ulong start, int pages, PageResolver resolve)
    {
        ulong[] pfns = new ulong[pages];
        for (int i = 0; i < pages; i++)
        {
            if (i % CheckEvery == 0 && mirror.CheckRetry(seq))
            {
                return null;
            }

            pfns[i] = resolve(start + ((ulong)i << ShadowTable.PageShift));
        }

        return pfns;
    }
}
