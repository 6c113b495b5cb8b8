// Port of drivers/gpu/drm/amd/amdgpu/amdgpu_hmm.c: userptr BOs mirrored through interval notifiers.
// The gfx flavour preempts every ring that may run the BO's VM in a first pass and waits for all of them
// in the second; the KFD (hsa) flavour evicts the process queues in a single pass.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers;

namespace Ports.Amdgpu
{
    /// <summary>A tiny dma_fence: signalled by the ring once the work it stands for has left the hardware.</summary>
    public sealed class DmaFence
    {
        private readonly ManualResetEventSlim _signalled = new ManualResetEventSlim(false);

        public bool IsSignaled { get { return _signalled.IsSet; } }

        public void Signal() { _signalled.Set(); }

        public void Wait() { _signalled.Wait(); }
    }

    public sealed class AmdgpuRing
    {
        private readonly object _schedLock = new object();
        private readonly HashSet<int> _busyVms = new HashSet<int>();

        public void Submit(int vmid)
        {
            lock (_schedLock)
                _busyVms.Add(vmid);
        }

        /// <summary>Asks the CP to preempt every job of <paramref name="vmid"/>; never waits for it.</summary>
        public DmaFence RequestPreemption(int vmid)
        {
            DmaFence fence = new DmaFence();
            bool busy;
            lock (_schedLock)
                busy = _busyVms.Remove(vmid);

            if (!busy)
                fence.Signal();
            else
                ThreadPool.UnsafeQueueUserWorkItem(static f => f.Signal(), fence, preferLocal: false); // MES ack IRQ
            return fence;
        }
    }

    public sealed class AmdgpuDevice
    {
        private static readonly TimeSpan HmmRangeDefaultTimeout = TimeSpan.FromSeconds(1);

        // adev->notifier_lock: taken by the callbacks around SetSequence and by the CS path around ReadRetry.
        internal readonly object NotifierLock = new object();
        internal readonly AmdgpuRing[] Rings;
        internal int KfdEvictions;

        public AmdgpuDevice(int ringCount)
        {
            Rings = new AmdgpuRing[ringCount];
            for (int i = 0; i < ringCount; i++)
                Rings[i] = new AmdgpuRing();
        }

        public AmdgpuHmmBo RegisterUserptr(AddressSpace mm, ulong addr, ulong size, int vmid, bool kfdBo)
        {
            IntervalNotifierOps ops = kfdBo ? (IntervalNotifierOps)AmdgpuHmmHsaOps.Instance : AmdgpuHmmGfxOps.Instance;
            AmdgpuHmmBo bo = new AmdgpuHmmBo(this, ops, vmid);
            bo.Insert(mm, addr, size);
            return bo;
        }

        public void UnregisterUserptr(AmdgpuHmmBo bo)
        {
            if (bo.AddressSpace == null)
            {
                return;
            }

            bo.Remove();
            lock (NotifierLock)
                bo.DropUserPagesLocked();
        }

        /// <summary>amdgpu_ttm_tt_get_user_pages + amdgpu_ttm_tt_get_user_pages_done, folded into one retry loop.</summary>
        public void GetUserPages(AmdgpuHmmBo bo, Func<ulong, ulong, ulong[]> hmmRangeFault)
        {
            Stopwatch elapsed = Stopwatch.StartNew();
            ulong npages = (bo.Last - bo.Start + 1) >> AmdgpuHmmBo.PageShift;
            while (true)
            {
                if (elapsed.Elapsed > HmmRangeDefaultTimeout)
                {
                    throw new TimeoutException("hmm_range_fault kept racing with invalidations");
                }

                ulong seq = bo.ReadBegin();
                ulong[] pfns = hmmRangeFault(bo.Start, npages);
                lock (NotifierLock)
                {
                    if (bo.ReadRetry(seq))
                    {
                        continue;
                    }

                    bo.CommitUserPagesLocked(pfns);
                    return;
                }
            }
        }

        /// <summary>The CS ioctl: refuses (-EAGAIN) when the userptr went stale since its pages were fetched.</summary>
        public bool TrySubmit(AmdgpuHmmBo bo, int ring)
        {
            lock (NotifierLock)
            {
                if (!bo.UserPagesValid)
                {
                    return false;
                }

                Rings[ring].Submit(bo.VmId);
                return true;
            }
        }
    }

    public sealed class AmdgpuHmmBo : IntervalNotifier
    {
        internal const int PageShift = 12;

        internal AmdgpuHmmBo(AmdgpuDevice adev, IntervalNotifierOps ops, int vmid) : base(ops)
        {
            Device = adev;
            VmId = vmid;
        }

        internal readonly AmdgpuDevice Device;
        internal readonly int VmId;
        internal bool UserPagesValid;
        internal ulong[] UserPages = Array.Empty<ulong>();   // the hmm pfns, under NotifierLock

        internal void CommitUserPagesLocked(ulong[] pfns)
        {
            UserPages = pfns;
            UserPagesValid = true;
        }

        internal void DropUserPagesLocked()
        {
            UserPages = Array.Empty<ulong>();
            UserPagesValid = false;
        }
    }

    /// <summary>Carries the preemption fences of every ring from the first pass to the second.</summary>
    internal sealed class AmdgpuPreemptFinish : NotifierFinish
    {
        internal DmaFence[] Fences = Array.Empty<DmaFence>();
    }

    /// <summary>amdgpu_hmm_invalidate_gfx, split in two passes so that all rings (and all GPUs) preempt in parallel.</summary>
    internal sealed class AmdgpuHmmGfxOps : IntervalNotifierOps
    {
        internal static readonly AmdgpuHmmGfxOps Instance = new AmdgpuHmmGfxOps();

        public override bool InvalidateStart(IntervalNotifier mni, in NotifierRange range, ulong curSeq,
                                             out NotifierFinish? finish)
        {
            finish = null;
            AmdgpuHmmBo bo = (AmdgpuHmmBo)mni;
            AmdgpuDevice adev = bo.Device;

            // Preemption has to be waited for: nothing to do without sleeping.
            if (!range.IsBlockable)
            {
                return false;
            }

            lock (adev.NotifierLock)
            {
                mni.SetSequence(curSeq);
                bo.UserPagesValid = false;
            }

            List<DmaFence> pending = new List<DmaFence>(adev.Rings.Length);
            foreach (AmdgpuRing ring in adev.Rings)
            {
                DmaFence fence = ring.RequestPreemption(bo.VmId);
                if (!fence.IsSignaled)
                {
                    pending.Add(fence);
                }
            }

            if (pending.Count == 0)
            {
                // Every ring was idle: done in one pass.
                lock (adev.NotifierLock)
                    bo.DropUserPagesLocked();
                return true;
            }

            AmdgpuPreemptFinish preempt = new AmdgpuPreemptFinish();
            preempt.Fences = pending.ToArray();
            finish = preempt;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            AmdgpuPreemptFinish preempt = (AmdgpuPreemptFinish)finish;
            AmdgpuHmmBo bo = (AmdgpuHmmBo)finish.Notifier;
            foreach (DmaFence fence in preempt.Fences)
                fence.Wait();

            lock (bo.Device.NotifierLock)
                bo.DropUserPagesLocked();
        }
    }

    /// <summary>amdgpu_hmm_invalidate_hsa: KFD userptrs evict the whole process, single pass.</summary>
    internal sealed class AmdgpuHmmHsaOps : IntervalNotifierOps
    {
        internal static readonly AmdgpuHmmHsaOps Instance = new AmdgpuHmmHsaOps();

        public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong curSeq)
        {
            AmdgpuHmmBo bo = (AmdgpuHmmBo)mni;
            if (!range.IsBlockable)
            {
                return false;
            }

            lock (bo.Device.NotifierLock)
            {
                mni.SetSequence(curSeq);
                EvictUserptrLocked(bo);
            }

            return true;
        }

        // amdgpu_amdkfd_evict_userptr: the first eviction quiesces the queues; the restore worker repins later.
        private static void EvictUserptrLocked(AmdgpuHmmBo bo)
        {
            bo.UserPagesValid = false;
            if (Interlocked.Increment(ref bo.Device.KfdEvictions) != 1)
                return;
            foreach (AmdgpuRing ring in bo.Device.Rings)
                ring.RequestPreemption(bo.VmId).Wait();
        }
    }
}
