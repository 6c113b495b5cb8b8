// Port of the "one notifier implementation, many device back-ends" idiom (drm_gpusvm shared by xe and others,
// ib_umem_odp shared by mlx5/hfi1): the ops type is generic over the device, with constraints that pin down
// what a back-end must provide. The page-table lock is a ReaderWriterLockSlim: readers program PTEs under the
// read lock, the notifier takes the write lock, so SetSequence and ReadRetry are still mutually exclusive.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.GenericDevice;

/// <summary>A submitted unmap that the second pass waits for.</summary>
public interface IUnmapTicket
{
    bool IsComplete { get; }

    void Wait();
}

/// <summary>What a back-end must provide.</summary>
public interface IShadowDevice
{
    static abstract string Kind { get; }

    /// <summary>Clears PTEs without sleeping when the device allows it (CPU-visible page tables).</summary>
    bool TryUnmapAtomic(ulong first, ulong last);

    /// <summary>Submits an unmap + TLB invalidation; the returned ticket completes when the device is done.</summary>
    IUnmapTicket SubmitUnmap(ulong first, ulong last);

    void Map(ulong address, ulong pfn);
}

public sealed class DeviceMirror<TDevice> : IntervalNotifier
    where TDevice : class, IShadowDevice
{
    public DeviceMirror(MirrorOps<TDevice> ops, TDevice device)
        : base(ops)
    {
        Device = device;
    }

    public TDevice Device { get; }

    public ReaderWriterLockSlim PageTableLock { get; } = new(LockRecursionPolicy.NoRecursion);
}

public sealed class UnmapFinish<TDevice> : NotifierFinish
    where TDevice : class, IShadowDevice
{
    public IUnmapTicket? Ticket { get; set; }
}

public sealed class MirrorOps<TDevice> : IntervalNotifierOps
    where TDevice : class, IShadowDevice
{
    private readonly NotifierFinishPool<UnmapFinish<TDevice>> _pool;

    public MirrorOps(int poolCapacity = 8) => _pool = new NotifierFinishPool<UnmapFinish<TDevice>>(poolCapacity);

    public string Kind => TDevice.Kind;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var mirror = (DeviceMirror<TDevice>)notifier;
        (ulong first, ulong last) = Clip(mirror, in range);

        if (!range.IsBlockable)
        {
            return InvalidateAtomic(mirror, first, last, currentSequence);
        }

        IUnmapTicket ticket;
        mirror.PageTableLock.EnterWriteLock();
        try
        {
            mirror.SetSequence(currentSequence);
            ticket = mirror.Device.SubmitUnmap(first, last);
        }
        finally
        {
            mirror.PageTableLock.ExitWriteLock();
        }

        if (ticket.IsComplete)
        {
            return true;
        }

        if (TryHandOut(ticket, out UnmapFinish<TDevice>? handed))
        {
            finish = handed;
            return true;
        }

        ticket.Wait(); // pool exhausted: wait here, single pass
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var unmap = (UnmapFinish<TDevice>)finish;
        IUnmapTicket? ticket = unmap.Ticket;
        unmap.Ticket = null;
        _pool.Return(unmap);

        ticket?.Wait();
    }

    private bool TryHandOut(IUnmapTicket ticket, [NotNullWhen(true)] out UnmapFinish<TDevice>? finish)
    {
        if (!_pool.TryRent(out finish))
        {
            return false;
        }

        finish.Ticket = ticket;
        return true;
    }

    // Non-blockable: no sleeping lock, no waiting. Either the device lets us clear PTEs right now, or we refuse.
    private static bool InvalidateAtomic(DeviceMirror<TDevice> mirror, ulong first, ulong last, ulong currentSequence)
    {
        if (!mirror.PageTableLock.TryEnterWriteLock(0))
        {
            return false;
        }

        try
        {
            if (!mirror.Device.TryUnmapAtomic(first, last))
            {
                return false;
            }

            mirror.SetSequence(currentSequence);
            return true;
        }
        finally
        {
            mirror.PageTableLock.ExitWriteLock();
        }
    }

    private static (ulong First, ulong Last) Clip(IntervalNotifier notifier, in NotifierRange range) =>
        (Math.Max(range.Start, notifier.Start), Math.Min(range.End - 1, notifier.Last));
}

/// <summary>The read side, generic as well.</summary>
public static class DeviceFault
{
    public static void Populate<TDevice>(DeviceMirror<TDevice> mirror, ulong address, Func<ulong, ulong> lookup)
        where TDevice : class, IShadowDevice
    {
        while (true)
        {
            ulong seq = mirror.ReadBegin();
            ulong pfn = lookup(address);

            mirror.PageTableLock.EnterReadLock();
            try
            {
                if (mirror.ReadRetry(seq))
                {
                    continue;
                }

                mirror.Device.Map(address, pfn);
                return;
            }
            finally
            {
                mirror.PageTableLock.ExitReadLock();
            }
        }
    }
}

// ---- two back-ends --------------------------------------------------------------------------------------

public sealed class CompletedTicket : IUnmapTicket
{
    public static readonly CompletedTicket Instance = new();

    public bool IsComplete => true;

    public void Wait()
    {
    }
}

public sealed class EventTicket(ManualResetEventSlim done) : IUnmapTicket
{
    public bool IsComplete => done.IsSet;

    public void Wait() => done.Wait();
}

/// <summary>An integrated GPU: page tables in system memory, so PTEs can be cleared atomically.</summary>
public sealed class IntegratedGpu : IShadowDevice
{
    private readonly ulong[] _ptes = new ulong[1 << 16];

    public static string Kind => "igpu";

    public bool TryUnmapAtomic(ulong first, ulong last)
    {
        for (ulong page = first >> 12; page <= last >> 12; page++)
        {
            Volatile.Write(ref _ptes[page & 0xFFFF], 0);
        }

        return true;
    }

    public IUnmapTicket SubmitUnmap(ulong first, ulong last)
    {
        TryUnmapAtomic(first, last);
        return CompletedTicket.Instance;
    }

    public void Map(ulong address, ulong pfn) => Volatile.Write(ref _ptes[(address >> 12) & 0xFFFF], pfn | 1);
}

/// <summary>An accelerator behind PCIe: unmaps are commands on a ring, completion is an interrupt.</summary>
public sealed class DiscreteAccelerator : IShadowDevice
{
    public static string Kind => "accel";

    public bool TryUnmapAtomic(ulong first, ulong last) => false;

    public IUnmapTicket SubmitUnmap(ulong first, ulong last)
    {
        var done = new ManualResetEventSlim(false);
        ThreadPool.UnsafeQueueUserWorkItem(static d => d.Set(), done, preferLocal: false); // the "interrupt"
        return new EventTicket(done);
    }

    public void Map(ulong address, ulong pfn)
    {
    }
}
