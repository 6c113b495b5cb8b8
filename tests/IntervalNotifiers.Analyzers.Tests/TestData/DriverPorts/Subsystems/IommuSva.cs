// Port of the SVA-bind shape of drivers/iommu/arm/arm-smmu-v3 (arm-smmu-v3-sva.c), with one mirrored I/O page
// table per SMMU: a process bound to several SMMUs gets one interval notifier per SMMU. The first pass clears
// the IOPTEs and queues TLBI + ATC_INV + CMD_SYNC on every SMMU; the second waits for each CMD_SYNC, so all
// SMMUs drain their command queues in parallel.
using IntervalNotifiers;

namespace Ports.IommuSva;

/// <summary>A ticket spin lock (arch_spinlock_t): never sleeps, so non-blockable ranges can take it.</summary>
public sealed class TicketLock
{
    private int _next;
    private int _owner;

    public Guard Acquire()
    {
        int ticket = Interlocked.Increment(ref _next) - 1;
        var spin = new SpinWait();
        while (Volatile.Read(ref _owner) != ticket)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return new Guard(this);
    }

    public readonly struct Guard(TicketLock owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner._owner, owner._owner + 1);
    }
}

public enum CmdOp : byte { TlbiNhVa = 0x12, TlbiNhAsid = 0x11, AtcInv = 0x40, CmdSync = 0x46 }

public readonly record struct SmmuCmd(CmdOp Op, ushort Id, ulong Address = 0, byte Log2Span = 0)
{
    public ulong Encode() => Op switch
    {
        CmdOp.TlbiNhVa => (ulong)Op | ((ulong)Id << 48) | (Address & 0x0000_FFFF_FFFF_F000UL),
        CmdOp.TlbiNhAsid => (ulong)Op | ((ulong)Id << 48),
        CmdOp.AtcInv => (ulong)Op | ((ulong)Id << 32) | ((ulong)Log2Span << 12),
        CmdOp.CmdSync => (ulong)Op,
        _ => throw new ArgumentOutOfRangeException(nameof(Op)),
    };
}

public sealed class SmmuCmdq
{
    private readonly TicketLock _lock = new();
    private readonly Queue<ulong> _ring = new();
    private readonly object _syncWaiters = new();
    private long _issuedSyncs;
    private long _completedSyncs;

    /// <summary>arm_smmu_cmdq_issue_cmdlist without the wait: returns the index of the CMD_SYNC it queued.</summary>
    public long Issue(IReadOnlyList<SmmuCmd> cmds)
    {
        long sync;
        using (_lock.Acquire())
        {
            foreach (SmmuCmd cmd in cmds)
            {
                _ring.Enqueue(cmd.Encode());
            }

            _ring.Enqueue(new SmmuCmd(CmdOp.CmdSync, 0).Encode());
            sync = ++_issuedSyncs;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static s => s.cmdq.Consume(s.sync), (cmdq: this, sync), preferLocal: false);
        return sync;
    }

    /// <summary>Sleeps until the SMMU has consumed CMD_SYNC <paramref name="sync"/> (the MSI-signalled wait).</summary>
    public void WaitForSync(long sync)
    {
        lock (_syncWaiters)
        {
            while (Interlocked.Read(ref _completedSyncs) < sync)
            {
                Monitor.Wait(_syncWaiters);
            }
        }
    }

    /// <summary>Polls for CMD_SYNC <paramref name="sync"/> without sleeping (arm_smmu_cmdq_poll_until_sync).</summary>
    public void PollForSync(long sync)
    {
        var spin = new SpinWait();
        while (Interlocked.Read(ref _completedSyncs) < sync)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Consume(long sync)
    {
        using (_lock.Acquire())
        {
            _ring.Clear();
        }

        lock (_syncWaiters)
        {
            if (Interlocked.Read(ref _completedSyncs) < sync)
            {
                Interlocked.Exchange(ref _completedSyncs, sync);
            }

            Monitor.PulseAll(_syncWaiters);
        }
    }
}

public sealed class SmmuDomain(SmmuCmdq cmdq, ushort asid, int[] atsStreamIds) : IntervalNotifier(SvaDomainOps.Instance)
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    private const ulong IoptValid = 1, IoptWrite = 2;

    private ulong[] _ioptes = [];

    internal TicketLock PgtableLock { get; } = new();
    internal SmmuCmdq Cmdq => cmdq;
    internal ushort Asid => asid;
    internal IReadOnlyList<int> AtsStreamIds => atsStreamIds;

    public void Bind(AddressSpace mm, ulong start, ulong length)
    {
        _ioptes = new ulong[length >> PageShift];
        Insert(mm, start, length);
    }

    internal void ClearIoptesLocked(ulong first, ulong last)
    {
        for (ulong va = first & ~(PageSize - 1); va <= last; va += PageSize)
        {
            _ioptes[(va - Start) >> PageShift] = 0;
        }
    }

    internal void InstallIoptesLocked(ulong va, ReadOnlySpan<ulong> pfns, bool write)
    {
        ulong index = (va - Start) >> PageShift;
        foreach (ulong pfn in pfns)
        {
            _ioptes[index++] = (pfn << PageShift) | IoptValid | (write ? IoptWrite : 0);
        }
    }
}

internal sealed class SyncFinish(long sync, bool mayBlock) : NotifierFinish
{
    public long Sync { get; } = sync;
    public bool MayBlock { get; } = mayBlock;
}

internal sealed class SvaDomainOps : IntervalNotifierOps
{
    // Past this many pages a single ASID-wide TLBI is cheaper (CMDQ_MAX_TLBI_OPS).
    private const ulong MaxTlbiOps = 64;

    public static readonly SvaDomainOps Instance = new();

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var domain = (SmmuDomain)notifier;
        ulong first = Math.Max(range.Start, domain.Start);
        ulong last = Math.Min(range.End - 1, domain.Last);

        // A spin lock: fine on a non-blockable range too.
        using (domain.PgtableLock.Acquire())
        {
            domain.SetSequence(currentSequence);
            domain.ClearIoptesLocked(first, last);
        }

        long sync = domain.Cmdq.Issue(BuildInvalidation(domain, first, last));
        finish = new SyncFinish(sync, range.IsBlockable);
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var sync = (SyncFinish)finish;
        SmmuCmdq cmdq = ((SmmuDomain)finish.Notifier).Cmdq;
        if (sync.MayBlock)
        {
            cmdq.WaitForSync(sync.Sync);
        }
        else
        {
            cmdq.PollForSync(sync.Sync);
        }
    }

    private static List<SmmuCmd> BuildInvalidation(SmmuDomain domain, ulong first, ulong last)
    {
        var cmds = new List<SmmuCmd>();
        ulong pages = ((last - first) >> SmmuDomain.PageShift) + 1;
        if (pages > MaxTlbiOps)
        {
            cmds.Add(new SmmuCmd(CmdOp.TlbiNhAsid, domain.Asid));
        }
        else
        {
            for (ulong va = first & ~(SmmuDomain.PageSize - 1); va <= last; va += SmmuDomain.PageSize)
            {
                cmds.Add(new SmmuCmd(CmdOp.TlbiNhVa, domain.Asid, va));
            }
        }

        byte log2Span = (byte)(64 - ulong.LeadingZeroCount(pages));
        cmds.AddRange(domain.AtsStreamIds.Select(sid => new SmmuCmd(CmdOp.AtcInv, (ushort)sid, first, log2Span)));
        return cmds;
    }
}

/// <summary>One process bound to several SMMUs (iommu_sva_bind_device on each).</summary>
public sealed class SvaBond(IReadOnlyList<SmmuDomain> domains) : IAsyncDisposable
{
    public async Task MapAsync(ulong va, int npages, bool write,
                               Func<ulong, int, CancellationToken, ValueTask<ulong[]>> pinUserPages,
                               CancellationToken ct = default)
    {
        foreach (SmmuDomain domain in domains)
        {
            while (true)
            {
                ulong seq = await domain.ReadBeginAsync(ct).ConfigureAwait(false);
                ulong[] pfns = await pinUserPages(va, npages, ct).ConfigureAwait(false);
                using (domain.PgtableLock.Acquire())
                {
                    if (domain.ReadRetry(seq))
                    {
                        continue;
                    }

                    domain.InstallIoptesLocked(va, pfns, write);
                    break;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (SmmuDomain domain in domains)
        {
            if (domain.AddressSpace is not null)
            {
                await domain.RemoveAsync().ConfigureAwait(false);
            }
        }
    }
}
