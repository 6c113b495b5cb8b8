// Port of drivers/gpu/drm/nouveau/nouveau_svm.c: the replayable fault handler. Every fault window gets a
// short-lived interval notifier; the PTEs are built by a ReadBegin / hmm_range_fault / ReadRetry loop under
// svmm->mutex, and atomic faults first take the page exclusive for the device (an invalidation the
// notifier recognises as its own and skips).
using System.Diagnostics;
using IntervalNotifiers;

namespace Ports.Nouveau;

public enum FaultAccess : byte { Read, Write, Atomic, Prefetch }

public enum FaultStatus { Handled, Cancel, Busy }

public readonly record struct GpuFault(ulong Address, FaultAccess Access, int Gpc, int Client);

/// <summary>The CPU side as nouveau sees it: hmm_range_fault and make_device_exclusive.</summary>
public interface IHmmMirror
{
    ulong[]? RangeFault(ulong start, ulong end, bool write);

    ulong? TakeExclusive(ulong page, object owner);
}

public sealed class NouveauDrm
{
    private long _tlbFlushes;

    public long TlbFlushes => Interlocked.Read(ref _tlbFlushes);

    // nvif_object_mthd(NVIF_VMM_V0_PFNCLR) followed by a posted invalidate: does not sleep.
    internal void PostTlbInvalidate(ulong start, ulong end) => Interlocked.Increment(ref _tlbFlushes);
}

public sealed class NouveauSvmm(NouveauDrm drm, AddressSpace mm, IHmmMirror hmm)
{
    private const int PageShift = 12;
    private const ulong PageSize = 1UL << PageShift;
    private const ulong FaultWindow = 64 * PageSize;
    private static readonly TimeSpan RangeTimeout = TimeSpan.FromMilliseconds(1000);

    [Flags]
    private enum Pte : ulong { Valid = 1, Writable = 2, Atomic = 4 }

    private readonly object _mutex = new();                     // svmm->mutex
    private readonly Dictionary<ulong, ulong> _gpuPtes = new();   // GPU VA page -> PTE, under _mutex

    public NouveauDrm Drm { get; } = drm;

    internal object Mutex => _mutex;

    public int HandleFaults(IEnumerable<GpuFault> buffer)
    {
        // nouveau_svm_fault: sort so that faults on the same page are handled once, writes before reads.
        GpuFault[] faults = buffer.OrderBy(f => f.Address).ThenByDescending(f => f.Access).ToArray();
        int cancelled = 0;
        ulong lastPage = ulong.MaxValue;
        foreach (GpuFault fault in faults)
        {
            ulong page = fault.Address & ~(PageSize - 1);
            if (page == lastPage)
            {
                continue;
            }

            lastPage = page;
            FaultStatus status = fault.Access switch
            {
                FaultAccess.Atomic => AtomicRangeFault(page),
                FaultAccess.Prefetch => RangeFault(page, FaultWindow, write: false),
                FaultAccess.Write => RangeFault(page, PageSize, write: true),
                _ => RangeFault(page, PageSize, write: false),
            };

            if (status != FaultStatus.Handled)
            {
                cancelled++;
            }
        }

        return cancelled;
    }

    private FaultStatus RangeFault(ulong start, ulong length, bool write)
    {
        var notifier = new SvmNotifier(this);
        notifier.Insert(mm, start, length);
        try
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (clock.Elapsed > RangeTimeout)
                {
                    return FaultStatus.Busy;
                }

                ulong seq = notifier.ReadBegin();
                ulong[]? pfns = hmm.RangeFault(start, start + length, write);
                if (pfns is null)
                {
                    return FaultStatus.Cancel;
                }

                lock (_mutex)
                {
                    if (notifier.ReadRetry(seq))
                    {
                        continue;
                    }

                    for (int i = 0; i < pfns.Length; i++)
                    {
                        _gpuPtes[start + ((ulong)i << PageShift)] = Encode(pfns[i], write ? Pte.Valid | Pte.Writable : Pte.Valid);
                    }

                    return FaultStatus.Handled;
                }
            }
        }
        finally
        {
            notifier.Remove();
        }
    }

    private FaultStatus AtomicRangeFault(ulong page)
    {
        var notifier = new SvmNotifier(this);
        notifier.Insert(mm, page, PageSize);
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed <= RangeTimeout)
            {
                ulong seq = notifier.ReadBegin();

                // make_device_exclusive: the CPU mapping becomes a device-exclusive entry. It invalidates the
                // range with Event = Exclusive and Owner = our drm, which our own notifier skips.
                ulong? pfn = hmm.TakeExclusive(page, Drm);
                if (pfn is not ulong exclusive)
                {
                    return FaultStatus.Cancel;
                }

                lock (_mutex)
                {
                    if (notifier.ReadRetry(seq))
                    {
                        continue;
                    }

                    _gpuPtes[page] = Encode(exclusive, Pte.Valid | Pte.Writable | Pte.Atomic);
                    return FaultStatus.Handled;
                }
            }

            return FaultStatus.Busy;
        }
        finally
        {
            notifier.Remove();
        }
    }

    /// <summary>nouveau_svmm_invalidate: clears the GPU PTEs of [start, end), called with svmm->mutex held.</summary>
    internal void InvalidateLocked(ulong start, ulong end)
    {
        Debug.Assert(Monitor.IsEntered(_mutex));
        int dropped = 0;
        for (ulong va = start & ~(PageSize - 1); va < end; va += PageSize)
        {
            if (_gpuPtes.Remove(va))
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            Drm.PostTlbInvalidate(start, end);
        }
    }

    private static ulong Encode(ulong pfn, Pte flags) => (pfn << PageShift) | (ulong)flags;
}

public sealed class SvmNotifier(NouveauSvmm svmm) : IntervalNotifier(SvmNotifierOps.Instance)
{
    public NouveauSvmm Svmm { get; } = svmm;
}

/// <summary>nouveau_svm_range_invalidate.</summary>
internal sealed class SvmNotifierOps : IntervalNotifierOps
{
    public static readonly SvmNotifierOps Instance = new();

    public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong curSeq)
    {
        var sn = (SvmNotifier)mni;
        NouveauSvmm svmm = sn.Svmm;

        // Our own make_device_exclusive call: the GPU mapping is the one being set up, keep it.
        if (range.Event == NotifierEvent.Exclusive && ReferenceEquals(range.Owner, svmm.Drm))
        {
            return true;
        }

        if (range.IsBlockable)
        {
            Monitor.Enter(svmm.Mutex);
        }
        else if (!Monitor.TryEnter(svmm.Mutex))
        {
            return false;
        }

        try
        {
            mni.SetSequence(curSeq);
            ulong start = Math.Max(range.Start, mni.Start);
            ulong end = Math.Min(range.End - 1, mni.Last) + 1;
            svmm.InvalidateLocked(start, end);
        }
        finally
        {
            Monitor.Exit(svmm.Mutex);
        }

        return true;
    }
}
