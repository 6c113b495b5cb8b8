// Port of drivers/infiniband/core/umem_odp.c and the mlx5 ODP page-fault path (drivers/infiniband/hw/mlx5/odp.c).
// One interval notifier per on-demand-paging umem; dma_list holds one DMA address per page with the access
// bits in its low bits. ib_umem_odp_map_dma_and_lock returns with umem_mutex held, as in C.
using System;
using System.Threading;
using IntervalNotifiers;

namespace Ports.Rdma
{
    public interface IHmmRangeFault
    {
        /// <summary>hmm_range_fault over [start, end): fills one pfn per page; false when a page cannot be faulted.</summary>
        bool Fault(ulong start, ulong end, bool write, bool fault, Span<ulong> pfns);
    }

    public interface IDmaDevice
    {
        ulong MapPage(ulong pfn, bool write);

        void UnmapPage(ulong dmaAddr, bool write);

        void SetPageDirty(ulong dmaAddr);
    }

    [Flags]
    public enum XltFlags { None = 0, Zap = 1, Atomic = 2, Enable = 4 }

    /// <summary>The part of mlx5_ib_mr the notifier needs: the MTT update (mlx5_ib_update_xlt) and the stats.</summary>
    public sealed class Mlx5Mr
    {
        private long _invalidations;
        private long _faults;

        public Action<long, long, XltFlags> UpdateXlt { get; init; } = (_, _, _) => { };

        public long Invalidations => Interlocked.Read(ref _invalidations);

        public long Faults => Interlocked.Read(ref _faults);

        internal void CountInvalidation() => Interlocked.Increment(ref _invalidations);

        internal void CountFault() => Interlocked.Increment(ref _faults);
    }

    public sealed class IbUmemOdp : IntervalNotifier
    {
        public const int PageShift = 12;
        internal const ulong ReadAllowed = 1UL << 0;
        internal const ulong WriteAllowed = 1UL << 1;
        internal const ulong DmaAddrMask = ~(ReadAllowed | WriteAllowed);

        internal readonly Lock UmemMutex = new Lock();
        internal readonly ulong[] DmaList;
        internal readonly IDmaDevice Dma;
        internal Mlx5Mr? Mr;
        internal long Npages;  // pages currently mapped, under UmemMutex

        private readonly IHmmRangeFault _hmm;

        public IbUmemOdp(AddressSpace mm, ulong addr, ulong size, IDmaDevice dma, IHmmRangeFault hmm)
            : base(Mlx5MnOps.Instance)
        {
            ulong pageMask = (1UL << PageShift) - 1;
            ulong start = addr & ~pageMask;                    // ib_umem_odp_init: ALIGN_DOWN / ALIGN
            ulong end = checked(addr + size + pageMask) & ~pageMask;
            DmaList = new ulong[(end - start) >> PageShift];
            Dma = dma;
            _hmm = hmm;
            Insert(mm, start, end - start);
        }

        /// <summary>mlx5_ib_alloc_implicit_mr / create_real_mr: umem_odp->private = mr.</summary>
        public void BindMr(Mlx5Mr mr)
        {
            lock (UmemMutex)
                Mr = mr;
        }

        public ulong UmemStart => Start;

        public ulong UmemEnd => Last + 1;

        /// <summary>
        /// Faults in and DMA-maps [userVirt, userVirt + bcnt). On success returns the number of pages mapped with
        /// UmemMutex held: the caller updates the device translation and then releases it.
        /// </summary>
        public int MapDmaAndLock(ulong userVirt, ulong bcnt, bool write, bool fault)
        {
            if (userVirt < UmemStart || bcnt == 0 || userVirt + bcnt > UmemEnd)
                throw new ArgumentOutOfRangeException(nameof(userVirt));

            ulong pageMask = (1UL << PageShift) - 1;
            ulong start = userVirt & ~pageMask;
            ulong end = (userVirt + bcnt + pageMask) & ~pageMask;
            int npages = (int)((end - start) >> PageShift);
            long startIdx = (long)((start - UmemStart) >> PageShift);
            ulong[] pfns = new ulong[npages];

        retry:
            ulong currentSeq = ReadBegin();
            if (!_hmm.Fault(start, end, write, fault, pfns))
                return -14; // -EFAULT
            if (CheckRetry(currentSeq))
                goto retry;     // already stale, don't bother with the mutex

            UmemMutex.Enter();
            if (ReadRetry(currentSeq))
            {
                UmemMutex.Exit();
                goto retry;
            }

            try
            {
                for (int i = 0; i < npages; i++)
                    MapOne(startIdx + i, pfns[i], write);
            }
            catch
            {
                UmemMutex.Exit();
                throw;
            }

            return npages;
        }

        // ib_umem_odp_map_dma_single_page; called with UmemMutex held.
        private void MapOne(long idx, ulong pfn, bool write)
        {
            ulong access = ReadAllowed | (write ? WriteAllowed : 0);
            ulong entry = DmaList[idx];
            if (entry != 0)
            {
                if ((entry & access) == access)
                    return;
                Dma.UnmapPage(entry & DmaAddrMask, (entry & WriteAllowed) != 0);
                Npages--;
            }

            DmaList[idx] = Dma.MapPage(pfn, write) | access;
            Npages++;
        }

        /// <summary>ib_umem_odp_unmap_dma_pages over [start, end); called with UmemMutex held.</summary>
        internal void UnmapDmaPagesLocked(ulong start, ulong end)
        {
            for (ulong addr = start & ~((1UL << PageShift) - 1); addr < end; addr += 1UL << PageShift)
            {
                long idx = (long)((addr - UmemStart) >> PageShift);
                ulong entry = DmaList[idx];
                if (entry == 0)
                    continue;

                ulong dma = entry & DmaAddrMask;
                if ((entry & WriteAllowed) != 0)
                    Dma.SetPageDirty(dma);
                Dma.UnmapPage(dma, (entry & WriteAllowed) != 0);
                DmaList[idx] = 0;
                Npages--;
            }
        }

        /// <summary>ib_umem_odp_release: drop every mapping, then stop listening.</summary>
        public void Release()
        {
            lock (UmemMutex)
            {
                UnmapDmaPagesLocked(UmemStart, UmemEnd);
            }

            Remove();
        }
    }

    /// <summary>mlx5_mn_ops.invalidate = mlx5_ib_invalidate_range.</summary>
    internal sealed class Mlx5MnOps : IntervalNotifierOps
    {
        internal static readonly Mlx5MnOps Instance = new Mlx5MnOps();

        public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong curSeq)
        {
            IbUmemOdp odp = (IbUmemOdp)mni;
            if (!range.IsBlockable)
                return false;

            lock (odp.UmemMutex)
            {
                mni.SetSequence(curSeq);
                // If npages is zero the MR may not be set up yet.
                if (odp.Npages == 0 || odp.Mr is not { } mr)
                    return true;

                ulong start = Math.Max(odp.UmemStart, range.Start & ~((1UL << IbUmemOdp.PageShift) - 1));
                ulong end = Math.Min(odp.UmemEnd, range.End);

                // Iteration one: zap the HW's MTTs, in blocks of consecutive mapped pages.
                long blkStart = -1;
                long idx = 0;
                void Flush()
                {
                    if (blkStart >= 0)
                        mr.UpdateXlt(blkStart, idx - blkStart, XltFlags.Zap | XltFlags.Atomic);
                    blkStart = -1;
                }

                for (ulong addr = start; addr < end; addr += 1UL << IbUmemOdp.PageShift)
                {
                    idx = (long)((addr - odp.UmemStart) >> IbUmemOdp.PageShift);
                    if ((odp.DmaList[idx] & (IbUmemOdp.ReadAllowed | IbUmemOdp.WriteAllowed)) != 0)
                    {
                        if (blkStart < 0)
                            blkStart = idx;
                    }
                    else
                    {
                        Flush();
                    }
                }

                idx++;
                Flush();
                mr.CountInvalidation();

                // Iteration two: the device can no longer reach the pages; unmap them and mark them dirty.
                odp.UnmapDmaPagesLocked(start, end);
            }

            return true;
        }
    }

    public static class Mlx5Odp
    {
        /// <summary>pagefault_real_mr: map, update the MTTs under umem_mutex, release it.</summary>
        public static int PagefaultRealMr(Mlx5Mr mr, IbUmemOdp odp, ulong userVa, ulong bcnt, bool write)
        {
            int np = odp.MapDmaAndLock(userVa, bcnt, write, fault: true);
            if (np < 0)
                return np;

            try
            {
                long startIdx = (long)((userVa - odp.UmemStart) >> IbUmemOdp.PageShift);
                mr.UpdateXlt(startIdx, np, XltFlags.Atomic | XltFlags.Enable);
                mr.CountFault();
                return np;
            }
            finally
            {
                odp.UmemMutex.Exit();
            }
        }
    }
}
