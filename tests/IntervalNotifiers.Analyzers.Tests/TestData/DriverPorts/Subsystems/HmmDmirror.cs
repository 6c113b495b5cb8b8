// Port of lib/test_hmm.c (the HMM test driver, "dmirror"): a device page table mirrored from a process, a
// whole-address-space interval notifier, temporary notifiers for snapshots, and migrations to device-private
// memory whose invalidations the notifier recognises (Event = Migrate, Owner = the device) and skips.
using System.Diagnostics;
using IntervalNotifiers;

namespace Ports.HmmTest;

[Flags]
public enum HmmPfn : ulong
{
    None = 0, Valid = 1UL << 63, Write = 1UL << 62, Error = 1UL << 61, DevicePrivate = 1UL << 60,
    FlagsMask = Valid | Write | Error | DevicePrivate,
}

public enum SnapshotEntry : byte { None, Read, Write, DevicePrivateLocal, DevicePrivateRemote, Error }

public readonly record struct MirrorPte(ulong Pfn, bool Writable, bool DevicePrivate);

public interface IHmm
{
    /// <summary>hmm_range_fault; each result is a pfn ORed with <see cref="HmmPfn"/> flags, or null on -EFAULT.</summary>
    ulong[]? RangeFault(ulong start, ulong end, bool fault, bool write, object? devPrivateOwner);
}

public sealed class DmirrorDevice(string name) { public string Name => name; }

public sealed class Dmirror : IDisposable
{
    private const int PageShift = 12;
    private const ulong PageSize = 1UL << PageShift;
    private static readonly TimeSpan HmmRangeDefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _mutex = new(1, 1);          // dmirror->mutex
    private readonly Dictionary<ulong, MirrorPte> _pt = new();  // dmirror->pt, by virtual page number
    private readonly HashSet<ulong> _devicePfns = new();         // device-private pages this mirror owns
    private readonly IntervalNotifier _notifier;
    private readonly AddressSpace _mm;
    private readonly IHmm _hmm;

    public Dmirror(DmirrorDevice mdevice, AddressSpace mm, IHmm hmm)
    {
        (Mdevice, _mm, _hmm) = (mdevice, mm, hmm);
        _notifier = new MirrorNotifier(this, DmirrorMinOps.Instance);
        _notifier.Insert(mm, 0, ulong.MaxValue & ~(PageSize - 1));
    }

    public DmirrorDevice Mdevice { get; }

    internal SemaphoreSlim Mutex => _mutex;

    /// <summary>dmirror_do_update: drop the mirror of [start, end); dmirror->mutex held.</summary>
    internal void DoUpdateLocked(ulong start, ulong end)
    {
        ulong first = start >> PageShift, last = (end - 1) >> PageShift;
        if (last - first >= (ulong)_pt.Count)
        {
            // Teardown-sized range: walk the table, not the range.
            _pt.Keys.Where(vpn => vpn >= first && vpn <= last).ToList().ForEach(vpn => _pt.Remove(vpn));
            return;
        }

        for (ulong vpn = first; vpn <= last; vpn++)
        {
            _pt.Remove(vpn);
        }
    }

    /// <summary>dmirror_fault: fault [start, end) in and mirror it.</summary>
    public int Fault(ulong start, ulong end, bool write)
    {
        var clock = Stopwatch.StartNew();
        ulong[]? pfns;
        while (true)
        {
            if (clock.Elapsed > HmmRangeDefaultTimeout)
            {
                return -16; // -EBUSY
            }

            ulong seq = _notifier.ReadBegin();
            pfns = _hmm.RangeFault(start, end, fault: true, write, devPrivateOwner: null);
            if (pfns is null)
            {
                return -14; // -EFAULT
            }

            _mutex.Wait();
            if (!_notifier.ReadRetry(seq))
            {
                break;
            }

            _mutex.Release();
        }

        try
        {
            for (int i = 0; i < pfns.Length; i++)
            {
                ulong entry = pfns[i];
                if ((entry & (ulong)HmmPfn.Valid) == 0)
                {
                    return -14;
                }

                _pt[(start >> PageShift) + (ulong)i] = new MirrorPte(entry & ~(ulong)HmmPfn.FlagsMask,
                    (entry & (ulong)HmmPfn.Write) != 0, (entry & (ulong)HmmPfn.DevicePrivate) != 0);
            }

            return 0;
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>dmirror_range_snapshot, on a temporary notifier covering only [start, end).</summary>
    public async Task<SnapshotEntry[]> SnapshotAsync(ulong start, ulong end, CancellationToken ct = default)
    {
        var notifier = new MirrorNotifier(this, DmirrorSnapshotOps.Instance);
        notifier.Insert(_mm, start, end - start);
        try
        {
            while (true)
            {
                ulong seq = await notifier.ReadBeginAsync(ct);
                ulong[]? pfns = _hmm.RangeFault(start, end, fault: false, write: false, devPrivateOwner: Mdevice);
                if (pfns is null)
                {
                    throw new InvalidOperationException("hmm_range_fault failed without faulting");
                }

                await _mutex.WaitAsync(ct);
                try
                {
                    if (notifier.ReadRetry(seq))
                    {
                        continue;
                    }

                    return Array.ConvertAll(pfns, Classify);
                }
                finally
                {
                    _mutex.Release();
                }
            }
        }
        finally
        {
            await notifier.RemoveAsync();
        }

        SnapshotEntry Classify(ulong entry) => (HmmPfn)(entry & (ulong)HmmPfn.FlagsMask) switch
        {
            var f when f.HasFlag(HmmPfn.Error) => SnapshotEntry.Error,
            var f when !f.HasFlag(HmmPfn.Valid) => SnapshotEntry.None,
            var f when f.HasFlag(HmmPfn.DevicePrivate) => _devicePfns.Contains(entry & ~(ulong)HmmPfn.FlagsMask)
                ? SnapshotEntry.DevicePrivateLocal
                : SnapshotEntry.DevicePrivateRemote,
            var f when f.HasFlag(HmmPfn.Write) => SnapshotEntry.Write,
            _ => SnapshotEntry.Read,
        };
    }

    /// <summary>dmirror_migrate_to_device: the migration invalidates the range on our behalf, then we map it.</summary>
    public bool MigrateToDevice(ulong start, ulong end, Func<ulong, ulong> allocDevicePage)
    {
        var range = new NotifierRange(start, end, NotifierEvent.Migrate, blockable: true, owner: Mdevice);
        using InvalidationScope scope = _mm.BeginInvalidation(in range);
        if (!scope.Started)
        {
            return false;
        }

        _mutex.Wait();
        try
        {
            for (ulong addr = start; addr < end; addr += PageSize)
            {
                ulong dpfn = allocDevicePage(addr);
                _devicePfns.Add(dpfn);
                _pt[addr >> PageShift] = new MirrorPte(dpfn, Writable: true, DevicePrivate: true);
            }
        }
        finally
        {
            _mutex.Release();
        }

        return true;
    }

    public void Dispose()
    {
        _notifier.Remove();
        _mutex.Dispose();
    }
}

internal sealed class MirrorNotifier(Dmirror dmirror, IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public Dmirror Dmirror { get; } = dmirror;
}

internal sealed class DmirrorMinOps : IntervalNotifierOps
{
    public static readonly DmirrorMinOps Instance = new();

    public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong curSeq)
    {
        Dmirror dmirror = ((MirrorNotifier)mni).Dmirror;

        // Our own migration: the device mapping is what is being built.
        if (range.Event == NotifierEvent.Migrate && range.Owner == dmirror.Mdevice)
        {
            return true;
        }

        if (!DmirrorLock.Take(dmirror.Mutex, range.IsBlockable))
        {
            return false;
        }

        try
        {
            mni.SetSequence(curSeq);
            dmirror.DoUpdateLocked(range.Start, range.End);
        }
        finally
        {
            dmirror.Mutex.Release();
        }

        return true;
    }
}

internal sealed class DmirrorSnapshotOps : IntervalNotifierOps
{
    public static readonly DmirrorSnapshotOps Instance = new();

    public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong curSeq)
    {
        SemaphoreSlim mutex = ((MirrorNotifier)mni).Dmirror.Mutex;
        if (!DmirrorLock.Take(mutex, range.IsBlockable))
        {
            return false;
        }

        mni.SetSequence(curSeq);
        mutex.Release();
        return true;
    }
}

internal static class DmirrorLock
{
    /// <summary>mutex_lock when the range may sleep, mutex_trylock otherwise.</summary>
    public static bool Take(SemaphoreSlim mutex, bool blockable) => mutex.Wait(blockable ? Timeout.Infinite : 0);
}
