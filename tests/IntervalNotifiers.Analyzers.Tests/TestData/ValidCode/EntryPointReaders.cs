// Valid code: read sides that start from an entry point (docs/contract.md#entry-points) and take the driver lock
// themselves: Main, a local function of Main called under the lock, a pool thread that takes the lock, a public API
// method that nothing in the project calls, an ops type that reads under its own lock, and a private helper whose
// only caller is a thread-pool lambda that holds the lock around the call.
using System;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers;

namespace ValidCode.EntryPoints;

public sealed class BufferNotifier : IntervalNotifier
{
    public BufferNotifier(BufferOps ops, GpuBuffer buffer) : base(ops) => Buffer = buffer;

    public GpuBuffer Buffer { get; }
}

public sealed class GpuBuffer
{
    public readonly object DriverLock = new();

    public BufferNotifier? Notifier { get; set; }

    public long[] Pin(ulong address, int pages)
    {
        var pinned = new long[pages];
        for (var i = 0; i < pages; i++)
        {
            pinned[i] = (long)address + i * 4096;
        }

        return pinned;
    }

    public void Map(ulong address, long[] pages) => Console.WriteLine($"map {pages.Length} pages at {address:x}");

    public void Unmap(ulong start, ulong end) => Console.WriteLine($"unmap {start:x}-{end:x}");
}

public sealed class BufferOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var buffer = ((BufferNotifier)notifier).Buffer;
        lock (buffer.DriverLock)
        {
            notifier.SetSequence(currentSequence);
            buffer.Unmap(range.Start, range.End);
        }

        return true;
    }
}

/// <summary>A console tool: Main faults one range in, the way a test program of a driver would.</summary>
public static class FaultTool
{
    public static int Main(string[] args)
    {
        var buffer = new GpuBuffer();
        var space = new AddressSpace();
        var notifier = new BufferNotifier(new BufferOps(), buffer);
        notifier.Insert(space, 0x10000, 0x4000);
        buffer.Notifier = notifier;

        while (true)
        {
            var seq = notifier.ReadBegin();
            var pages = buffer.Pin(0x10000, 4);
            lock (buffer.DriverLock)
            {
                if (notifier.ReadRetry(seq))
                {
                    continue;
                }

                buffer.Map(0x10000, pages);
                break;
            }
        }

        return FaultAgain(buffer, notifier) ? 0 : 1;
    }

    /// <summary>The commit in a local function, called only under the driver lock (top-level-statement style).</summary>
    private static bool FaultAgain(GpuBuffer buffer, BufferNotifier notifier)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var seq = notifier.ReadBegin();
            var pages = buffer.Pin(0x12000, 2);
            lock (buffer.DriverLock)
            {
                if (Commit(seq, pages))
                {
                    return true;
                }
            }
        }

        return false;

        bool Commit(ulong seq, long[] pages)
        {
            if (notifier.ReadRetry(seq))
            {
                return false;
            }

            buffer.Map(0x12000, pages);
            return true;
        }
    }
}

/// <summary>The library's public API: nothing in the project calls it; each method runs the whole read side under the lock.</summary>
public static class BufferApi
{
    public static bool TryMap(GpuBuffer buffer, ulong address, int pages)
    {
        if (buffer.Notifier is not { } notifier)
        {
            return false;
        }

        var seq = notifier.ReadBegin();
        var pinned = buffer.Pin(address, pages);
        lock (buffer.DriverLock)
        {
            if (notifier.ReadRetry(seq))
            {
                return false;
            }

            buffer.Map(address, pinned);
            return true;
        }
    }

    /// <summary>Faults the range in on a pool thread, which takes the driver lock itself.</summary>
    public static Task<bool> MapInBackground(GpuBuffer buffer, ulong address, int pages)
        => Task.Run(() =>
        {
            var notifier = buffer.Notifier ?? throw new InvalidOperationException("not registered");
            while (true)
            {
                var seq = notifier.ReadBegin();
                var pinned = buffer.Pin(address, pages);
                lock (buffer.DriverLock)
                {
                    if (notifier.ReadRetry(seq))
                    {
                        continue;
                    }

                    buffer.Map(address, pinned);
                    return true;
                }
            }
        });

    /// <summary>A worker queued on the pool: the lambda takes the lock around the private commit.</summary>
    public static void Prefault(GpuBuffer buffer, BufferNotifier notifier, ulong address)
        => ThreadPool.QueueUserWorkItem(_ =>
        {
            var seq = notifier.ReadBegin();
            var pinned = buffer.Pin(address, 1);
            lock (buffer.DriverLock)
            {
                CommitLocked(buffer, notifier, seq, address, pinned);
            }
        });

    private static void CommitLocked(GpuBuffer buffer, BufferNotifier notifier, ulong seq, ulong address, long[] pinned)
    {
        if (!notifier.ReadRetry(seq))
        {
            buffer.Map(address, pinned);
        }
    }
}

/// <summary>An ops type that is its own reader: the fault path takes the lock the callback holds around SetSequence.</summary>
public sealed class SelfReadingOps : IntervalNotifierOps
{
    private readonly object _lock = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        lock (_lock)
        {
            notifier.SetSequence(currentSequence);
        }

        return true;
    }

    public bool Fault(IntervalNotifier notifier, Action map)
    {
        var seq = notifier.ReadBegin();
        lock (_lock)
        {
            if (notifier.ReadRetry(seq))
            {
                return false;
            }

            map();
            return true;
        }
    }

    public async Task<bool> FaultAsync(IntervalNotifier notifier, Func<Task> map)
    {
        var seq = notifier.ReadBegin();
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (notifier.ReadRetry(seq))
                {
                    return false;
                }
            }

            await map().ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool FaultUnused(IntervalNotifier notifier)
    {
        var seq = notifier.ReadBegin();
        lock (_lock)
        {
            return !notifier.ReadRetry(seq);
        }
    }
}
