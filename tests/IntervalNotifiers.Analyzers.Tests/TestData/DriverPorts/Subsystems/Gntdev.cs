// Port of drivers/xen/gntdev.c: grant maps mmapped into a process. When the mapping is managed by PTE
// modification (use_ptemod), an interval notifier unmaps the grants the CPU side is about to tear down.
// gntdev never mirrors anything through the read side, so its callback has no sequence to publish.
#nullable disable
using System;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers;

namespace Ports.Xen
{
    public struct GnttabUnmapGrantRef
    {
        public ulong HostAddr;
        public uint Handle;
        public short Status;
    }

    [Flags]
    public enum UnmapNotifyFlags
    {
        None = 0,
        ClearByte = 0x1,
        SendEvent = 0x2,
    }

    public struct UnmapNotify
    {
        public UnmapNotifyFlags Flags;
        public ulong Addr;   // offset into the map of the byte to clear
        public int Event;    // event channel port
    }

    public interface IGrantTable
    {
        /// <summary>gnttab_unmap_refs_async: unmaps ops[offset..offset+count) and calls done(result) when finished.</summary>
        void UnmapRefsAsync(GnttabUnmapGrantRef[] ops, int offset, int count, Action<int> done);

        void ClearByte(ulong hostAddr);

        void NotifyRemoteViaEvtchn(int port);
    }

    public class GntdevGrantMap : IntervalNotifier
    {
        public const uint InvalidGrantHandle = ~0u;
        public const int PageShift = 12;

        public GntdevGrantMap(GntdevPriv priv, int count) : base(GntdevMmuOps.Instance)
        {
            Priv = priv;
            Count = count;
            UnmapOps = new GnttabUnmapGrantRef[count];
            for (int i = 0; i < count; i++)
                UnmapOps[i].Handle = InvalidGrantHandle;
            Users = 1;
        }

        public readonly GntdevPriv Priv;
        public readonly int Count;
        public readonly GnttabUnmapGrantRef[] UnmapOps;
        public ulong PagesVmStart;
        public UnmapNotify Notify;
        public int LiveGrants;
        public int Users;
        public bool NotifierInit;
    }

    public class GntdevPriv
    {
        private const short GntstOkay = 0;
        private const short GntstGeneralError = -1;
        private const short GntstBadHandle = -4;

        private readonly object _lock = new object();   // priv->lock, protects the map list
        private readonly IGrantTable _gnttab;

        public GntdevPriv(IGrantTable gnttab, bool usePtemod)
        {
            _gnttab = gnttab;
            UsePtemod = usePtemod;
        }

        public bool UsePtemod { get; private set; }

        /// <summary>gntdev_mmap: map the grants at vmStart and, with use_ptemod, watch the range.</summary>
        public void Mmap(GntdevGrantMap map, AddressSpace mm, ulong vmStart, Func<int, uint> mapGrant)
        {
            lock (_lock)
            {
                map.Users++;
                map.PagesVmStart = vmStart;
                for (int i = 0; i < map.Count; i++)
                {
                    map.UnmapOps[i].HostAddr = vmStart + ((ulong)i << GntdevGrantMap.PageShift);
                    map.UnmapOps[i].Handle = mapGrant(i);
                    Interlocked.Increment(ref map.LiveGrants);
                }
            }

            if (UsePtemod)
            {
                map.Insert(mm, vmStart, (ulong)map.Count << GntdevGrantMap.PageShift);
                map.NotifierInit = true;
            }
        }

        /// <summary>gntdev_vma_close.</summary>
        public void VmaClose(GntdevGrantMap map)
        {
            if (UsePtemod && map.NotifierInit)
            {
                map.Remove();
                map.NotifierInit = false;
            }

            PutMap(map);
        }

        public void PutMap(GntdevGrantMap map)
        {
            bool last;
            lock (_lock)
                last = --map.Users == 0;
            if (!last)
                return;

            UnmapGrantPages(map, 0, map.Count);
            if ((map.Notify.Flags & UnmapNotifyFlags.SendEvent) != 0)
                _gnttab.NotifyRemoteViaEvtchn(map.Notify.Event);
        }

        /// <summary>unmap_grant_pages: skips the pages already unmapped, unmaps each remaining run.</summary>
        public int UnmapGrantPages(GntdevGrantMap map, int offset, int pages)
        {
            while (pages > 0)
            {
                while (pages > 0 && map.UnmapOps[offset].Handle == GntdevGrantMap.InvalidGrantHandle)
                {
                    offset++;
                    pages--;
                }

                int range = 0;
                while (range < pages && map.UnmapOps[offset + range].Handle != GntdevGrantMap.InvalidGrantHandle)
                    range++;

                if (range == 0)
                    break;

                int err = UnmapGrantPagesRange(map, offset, range);
                if (err != 0)
                    return err;
                offset += range;
                pages -= range;
            }

            return 0;
        }

        private int UnmapGrantPagesRange(GntdevGrantMap map, int offset, int pages)
        {
            if ((map.Notify.Flags & UnmapNotifyFlags.ClearByte) != 0)
            {
                int pgno = (int)(map.Notify.Addr >> GntdevGrantMap.PageShift);
                if (pgno >= offset && pgno < offset + pages)
                {
                    _gnttab.ClearByte(map.PagesVmStart + map.Notify.Addr);
                    map.Notify.Flags &= ~UnmapNotifyFlags.ClearByte;
                }
            }

            int result = 0;
            using (ManualResetEventSlim done = new ManualResetEventSlim(false))
            {
                _gnttab.UnmapRefsAsync(map.UnmapOps, offset, pages, delegate (int r)
                {
                    result = r;
                    done.Set();
                });
                done.Wait();
            }

            for (int i = 0; i < pages; i++)
            {
                switch (map.UnmapOps[offset + i].Status)
                {
                    case GntstOkay:
                        map.UnmapOps[offset + i].Handle = GntdevGrantMap.InvalidGrantHandle;
                        Interlocked.Decrement(ref map.LiveGrants);
                        break;
                    case GntstBadHandle:
                        Trace.TraceWarning("gntdev: bad grant handle at page {0}", offset + i);
                        goto case GntstGeneralError;
                    case GntstGeneralError:
                    default:
                        result = result != 0 ? result : -22;
                        break;
                }
            }

            return result;
        }
    }

    /// <summary>gntdev_mmu_ops.invalidate = gntdev_invalidate.</summary>
    internal class GntdevMmuOps : IntervalNotifierOps
    {
        internal static readonly GntdevMmuOps Instance = new GntdevMmuOps();

        public override bool Invalidate(IntervalNotifier mn, in NotifierRange range, ulong curSeq)
        {
            GntdevGrantMap map = (GntdevGrantMap)mn;

            // Unmapping grants means a hypercall and a wait for the backend.
            if (!range.IsBlockable)
                return false;

            ulong mapStart = map.PagesVmStart;
            ulong mapEnd = map.PagesVmStart + ((ulong)map.Count << GntdevGrantMap.PageShift);

            // The VMA may have been split since the notifier was inserted: only touch what is still ours.
            if (mapStart >= range.End || mapEnd <= range.Start)
                return true;

            ulong mstart = Math.Max(range.Start, mapStart);
            ulong mend = Math.Min(range.End, mapEnd);
            int first = (int)((mstart - mapStart) >> GntdevGrantMap.PageShift);
            int last = (int)((mend - 1 - mapStart) >> GntdevGrantMap.PageShift);
            int err = map.Priv.UnmapGrantPages(map, first, last - first + 1);
            Debug.WriteLineIf(err != 0, "gntdev: unmap_grant_pages failed in invalidate: " + err);

            return true;
        }
    }
}
