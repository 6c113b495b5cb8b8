// Port of drivers/gpu/drm/xe/xe_userptr.c after the two-pass conversion (Linux 7.1): pass one marks the userptr
// for repin, queues it on the VM's invalidated list and kicks the preempt fences; pass two waits and flushes the
// TLBs. The C driver's embedded, in-use-guarded finish is a finish pool of capacity one per userptr.
using IntervalNotifiers;

namespace Ports.Xe;

/// <summary>One GT's TLB invalidation client; the returned task is the seqno wait of xe_gt_tlb_invalidation.</summary>
public sealed class XeGt { public Task InvalidateRange(ulong start, ulong end, uint asid) => Task.Run(() => Thread.SpinWait(256)); }

/// <summary>An exec queue in preempt-fence mode. Its fence state changes under the VM's notifier lock.</summary>
public sealed class XeExecQueue
{
    private Task? _preemptFence;
    private volatile bool _idle;

    /// <summary>dma_fence_enable_sw_signaling: starts preemption, returns whether the fence already signalled.</summary>
    public bool EnableSignaling()
    {
        _preemptFence ??= Task.Run(() => _idle = true);
        return _idle;
    }

    public void WaitPreempted() => _preemptFence?.Wait();

    public void Resume() => (_idle, _preemptFence) = (false, null);
}

public sealed class XeUserptrVma : IntervalNotifier
{
    internal XeUserptrVma(XeVm vm) : base(XeUserptrOps.Instance) => Vm = vm;
    public XeVm Vm { get; }
    // The C struct's embedded finish + finish_inuse flag.
    internal NotifierFinishPool<XeUserptrFinish> Finish { get; } = new(1);
    internal LinkedListNode<XeUserptrVma>? InvalidateLink { get; set; }

    // Under vm.NotifierLock (the notifier writes under the write side, vm->lock holders under the read side).
    internal ulong NotifierSeq { get; set; }
    internal ulong[]? Pages { get; set; }
    internal void UnmapDmaLocked() => Pages = null;
}

internal sealed class XeUserptrFinish : NotifierFinish
{
    public Task? TlbBatch { get; set; }
}

internal sealed class XeUserptrOps : IntervalNotifierOps
{
    public static readonly XeUserptrOps Instance = new();

    public override bool InvalidateStart(IntervalNotifier mni, in NotifierRange range, ulong curSeq,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var uvma = (XeUserptrVma)mni;
        XeVm vm = uvma.Vm;

        if (!range.IsBlockable)
        {
            return false;
        }

        vm.NotifierLock.EnterWriteLock();
        try
        {
            mni.SetSequence(curSeq);
            finish = Pass1(vm, uvma);
        }
        finally
        {
            vm.NotifierLock.ExitWriteLock();
        }

        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (XeUserptrFinish)finish;
        var uvma = (XeUserptrVma)f.Notifier;
        XeVm vm = uvma.Vm;
        vm.NotifierLock.EnterWriteLock();
        try
        {
            (f.TlbBatch ?? vm.WaitFencesAndInvalidate(uvma)).Wait();
            uvma.UnmapDmaLocked();
        }
        finally
        {
            vm.NotifierLock.ExitWriteLock();
            f.TlbBatch = null;
            uvma.Finish.Return(f);
        }
    }

    // xe_vma_userptr_invalidate_pass1, under the notifier lock held for write.
    private static XeUserptrFinish? Pass1(XeVm vm, XeUserptrVma uvma)
    {
        vm.MarkInvalidated(uvma);
        bool idle = vm.EnableSignalingAll();

        if (!uvma.Finish.TryRent(out XeUserptrFinish? f))
        {
            // A concurrent invalidation owns the embedded finish: do it all now.
            vm.WaitFencesAndInvalidate(uvma).Wait();
            uvma.UnmapDmaLocked();
            return null;
        }

        // Fences already signalled: submit the TLB flush now, wait for it in the second pass.
        f.TlbBatch = idle ? vm.SubmitTlbInvalidation(uvma) : null;
        return f;
    }
}

public sealed class XeVm(AddressSpace mm, int gtCount, int queueCount, Func<ulong, ulong, ulong[]> hmmRangeFault)
    : IDisposable
{
    private readonly object _vmLock = new();                                                  // vm->lock
    internal readonly ReaderWriterLockSlim NotifierLock = new(LockRecursionPolicy.NoRecursion);  // userptr.notifier_lock
    private SpinLock _invalidatedLock = new(enableThreadOwnerTracking: false);
    private readonly LinkedList<XeUserptrVma> _invalidated = new();
    private readonly List<XeUserptrVma> _userptrs = new();
    private readonly XeGt[] _gts = Enumerable.Range(0, gtCount).Select(_ => new XeGt()).ToArray();
    private readonly XeExecQueue[] _queues = Enumerable.Range(0, queueCount).Select(_ => new XeExecQueue()).ToArray();

    public AddressSpace Mm { get; } = mm;
    public uint Asid { get; init; } = 1;

    public XeUserptrVma CreateUserptr(ulong start, ulong size)
    {
        var uvma = new XeUserptrVma(this);
        uvma.Insert(Mm, start, size);
        lock (_vmLock)
        {
            PinPages(uvma);
            _userptrs.Add(uvma);
        }

        return uvma;
    }

    /// <summary>xe_vma_userptr_pin_pages, vm->lock held: fetch without the notifier lock, publish under it.</summary>
    private void PinPages(XeUserptrVma uvma)
    {
        while (true)
        {
            ulong seq = uvma.ReadBegin();
            ulong[] pages = hmmRangeFault(uvma.Start, uvma.Last + 1 - uvma.Start);
            NotifierLock.EnterReadLock();
            try
            {
                if (uvma.ReadRetry(seq))
                {
                    continue;
                }

                uvma.Pages = pages;
                uvma.NotifierSeq = seq;
                return;
            }
            finally
            {
                NotifierLock.ExitReadLock();
            }
        }
    }

    /// <summary>The exec ioctl: repin what was invalidated, then submit if nothing went stale meanwhile.</summary>
    public void Exec(Action<IReadOnlyList<XeUserptrVma>> submit)
    {
        Monitor.Enter(_vmLock);
        try
        {
            while (true)
            {
                TakeInvalidated().ForEach(PinPages);
                NotifierLock.EnterReadLock();
                try
                {
                    if (_userptrs.Exists(u => u.ReadRetry(u.NotifierSeq)))
                    {
                        continue; // -EAGAIN: an invalidation raced with the repin
                    }

                    Array.ForEach(_queues, q => q.Resume());
                    submit(_userptrs);
                    return;
                }
                finally
                {
                    NotifierLock.ExitReadLock();
                }
            }
        }
        finally
        {
            Monitor.Exit(_vmLock);
        }
    }

    internal void MarkInvalidated(XeUserptrVma uvma) => WithInvalidatedLock(() =>
    {
        uvma.InvalidateLink ??= new LinkedListNode<XeUserptrVma>(uvma);
        if (uvma.InvalidateLink.List is null)
        {
            _invalidated.AddLast(uvma.InvalidateLink);
        }
    });

    // Every queue must be kicked, hence the non-short-circuit '&'.
    internal bool EnableSignalingAll() => _queues.Aggregate(true, (idle, q) => q.EnableSignaling() & idle);

    internal Task SubmitTlbInvalidation(XeUserptrVma uvma) =>
        Task.WhenAll(Array.ConvertAll(_gts, gt => gt.InvalidateRange(uvma.Start, uvma.Last + 1, Asid)));

    internal Task WaitFencesAndInvalidate(XeUserptrVma uvma)
    {
        Array.ForEach(_queues, q => q.WaitPreempted());
        return SubmitTlbInvalidation(uvma);
    }

    private List<XeUserptrVma> TakeInvalidated()
    {
        var taken = new List<XeUserptrVma>();
        WithInvalidatedLock(() =>
        {
            taken.AddRange(_invalidated);
            _invalidated.Clear();
        });
        return taken;
    }

    private void WithInvalidatedLock(Action body)
    {
        bool taken = false;
        try
        {
            _invalidatedLock.Enter(ref taken);
            body();
        }
        finally
        {
            if (taken)
            {
                _invalidatedLock.Exit(useMemoryBarrier: false);
            }
        }
    }

    public void Dispose()
    {
        XeUserptrVma[] userptrs;
        lock (_vmLock)
        {
            userptrs = [.. _userptrs];
            _userptrs.Clear();
        }

        // Outside every lock the notifier takes: Remove waits for a running invalidation.
        Array.ForEach(userptrs, u => u.Remove());

        NotifierLock.Dispose();
    }
}
