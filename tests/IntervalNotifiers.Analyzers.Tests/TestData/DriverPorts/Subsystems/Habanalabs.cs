// An accel (habanalabs-style) device whose host-memory userptrs follow the process instead of pinning it:
// userptrs come from a recycling pool, the first pass kicks a drain of every engine queue that may touch the
// userptr's ASID and the second waits for the drains, unmaps the device MMU and flushes its cache. Finish
// objects come from a device-wide pool; when it runs dry the start does the whole job in one pass.
using System.Collections.Concurrent;
using IntervalNotifiers;

namespace Ports.Habanalabs;

[Flags]
public enum HlEngines : uint
{
    None = 0, Dma0 = 1 << 0, Dma1 = 1 << 1, Mme = 1 << 2, Tpc0 = 1 << 3, Tpc1 = 1 << 4,
    All = Dma0 | Dma1 | Mme | Tpc0 | Tpc1,
}

public sealed record HlMapping(ulong DeviceVa, ulong HostVa, int Pages);

public sealed class HlQueue(HlEngines engine)
{
    public HlEngines Engine { get; } = engine;

    /// <summary>Sends a drain for the ASID's jobs to the queue's CP; completes when the engine has gone idle.</summary>
    public Task StartDrain(uint asid) => Task.Run(() => Thread.SpinWait(1_000 + (int)asid));
}

public sealed class HlUserptr : IntervalNotifier
{
    internal HlUserptr(HlDevice hdev) : base(HlUserptrOps.Instance) => Device = hdev;

    public HlDevice Device { get; }

    // Under Device.MmuLock.
    internal HlMapping? Mapping { get; set; }
    internal HlEngines Users { get; set; }
    internal bool Stale { get; set; }   // invalidation started: no new job may use Mapping
}

internal sealed class HlDrainFinish : NotifierFinish
{
    public Task[] Drains { get; set; } = [];
}

public sealed class HlDevice
{
    private const int PageShift = 12;

    private readonly ConcurrentBag<HlUserptr> _userptrPool = new();
    private readonly Dictionary<ulong, ulong> _devicePtes = new();
    private readonly HlQueue[] _queues;
    private readonly Func<ulong, int, CancellationToken, ValueTask<ulong[]>> _getUserPages;
    private ulong _nextDeviceVa = 0x1000_0000_0000;
    private long _poolFallbacks;

    public HlDevice(AddressSpace mm, Func<ulong, int, CancellationToken, ValueTask<ulong[]>> getUserPages,
                    int finishPoolSize = 16)
    {
        Mm = mm;
        _getUserPages = getUserPages;
        _queues = Enum.GetValues<HlEngines>()
                      .Where(e => e is not (HlEngines.None or HlEngines.All))
                      .Select(e => new HlQueue(e))
                      .ToArray();
        FinishPool = new NotifierFinishPool<HlDrainFinish>(finishPoolSize);
    }

    public AddressSpace Mm { get; }
    public uint Asid { get; init; } = 1;
    public long PoolFallbacks => Interlocked.Read(ref _poolFallbacks);

    internal object MmuLock { get; } = new();
    internal NotifierFinishPool<HlDrainFinish> FinishPool { get; }

    internal void CountFallback() => Interlocked.Increment(ref _poolFallbacks);

    /// <summary>Pins (without pinning) host memory: read side, then map on the device.</summary>
    public async Task<HlUserptr> MapHostMemoryAsync(ulong hostVa, ulong size, CancellationToken ct = default)
    {
        HlUserptr up = _userptrPool.TryTake(out HlUserptr? recycled) ? recycled : new HlUserptr(this);
        up.Insert(Mm, hostVa, size);
        int pages = (int)(size >> PageShift);
        try
        {
            while (true)
            {
                ulong seq = await up.ReadBeginAsync(ct).ConfigureAwait(false);
                ulong[] pfns = await _getUserPages(hostVa, pages, ct).ConfigureAwait(false);
                if (up.CheckRetry(seq))
                {
                    continue;
                }

                lock (MmuLock)
                {
                    if (up.ReadRetry(seq))
                    {
                        continue;
                    }

                    up.Mapping = MapLocked(hostVa, pfns);
                    up.Stale = false;
                    return up;
                }
            }
        }
        catch
        {
            await up.RemoveAsync().ConfigureAwait(false);
            _userptrPool.Add(up);
            throw;
        }
    }

    public async ValueTask UnmapHostMemoryAsync(HlUserptr up)
    {
        await up.RemoveAsync().ConfigureAwait(false);
        UnmapAndFlush(up);
        _userptrPool.Add(up);
    }

    /// <summary>Command submission: the job may use the userptr only while it is mapped.</summary>
    public bool SubmitJob(HlUserptr up, HlEngines engines)
    {
        lock (MmuLock)
        {
            if (up.Mapping is null || up.Stale)
            {
                return false;
            }

            up.Users |= engines;
            return true;
        }
    }

    internal Task[] StartDrains(HlEngines users) =>
        _queues.Where(q => (users & q.Engine) != 0).Select(q => q.StartDrain(Asid)).ToArray();

    /// <summary>Idempotent: unmap the device VA range and flush the MMU cache (polls a register, may sleep).</summary>
    internal void UnmapAndFlush(HlUserptr up)
    {
        lock (MmuLock)
        {
            if (up.Mapping is not { } mapping)
            {
                return;
            }

            for (int i = 0; i < mapping.Pages; i++)
            {
                _devicePtes.Remove(mapping.DeviceVa + ((ulong)i << PageShift));
            }

            up.Mapping = null;
            up.Users = HlEngines.None;
            Thread.Sleep(0); // MMU cache invalidation + status poll
        }
    }

    private HlMapping MapLocked(ulong hostVa, ulong[] pfns)
    {
        ulong va = _nextDeviceVa;
        _nextDeviceVa += (ulong)pfns.Length << PageShift;
        for (int i = 0; i < pfns.Length; i++)
        {
            _devicePtes[va + ((ulong)i << PageShift)] = pfns[i] << PageShift | 1;
        }

        return new HlMapping(va, hostVa, pfns.Length);
    }
}

internal sealed class HlUserptrOps : IntervalNotifierOps
{
    public static readonly HlUserptrOps Instance = new();

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var up = (HlUserptr)notifier;
        HlDevice hdev = up.Device;

        if (!range.IsBlockable)
        {
            return TryInvalidateAtomic(up, currentSequence);
        }

        Task[] drains;
        lock (hdev.MmuLock)
        {
            notifier.SetSequence(currentSequence);
            if (up.Mapping is null)
            {
                return true; // nothing on the device
            }

            up.Stale = true;
            drains = hdev.StartDrains(up.Users);
        }

        if (hdev.FinishPool.TryRent(out HlDrainFinish? f))
        {
            f.Drains = drains;
            finish = f;
            return true;
        }

        // Pool exhausted (a storm of invalidations): no second pass for this one.
        hdev.CountFallback();
        Task.WaitAll(drains);
        hdev.UnmapAndFlush(up);
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (HlDrainFinish)finish;
        var up = (HlUserptr)f.Notifier;
        try
        {
            Task.WaitAll(f.Drains);
            up.Device.UnmapAndFlush(up);
        }
        finally
        {
            f.Drains = [];
            up.Device.FinishPool.Return(f);
        }
    }

    // Without sleeping we can only drop a userptr the device has not mapped.
    private static bool TryInvalidateAtomic(HlUserptr up, ulong currentSequence)
    {
        if (!Monitor.TryEnter(up.Device.MmuLock))
        {
            return false;
        }

        try
        {
            if (up.Mapping is not null)
            {
                return false;
            }

            up.SetSequence(currentSequence);
            return true;
        }
        finally
        {
            Monitor.Exit(up.Device.MmuLock);
        }
    }
}
