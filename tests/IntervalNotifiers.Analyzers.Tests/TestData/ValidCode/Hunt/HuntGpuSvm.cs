// Valid code (hunt): a drm_gpusvm-like manager. One ops instance serves many notifiers (one per 2 MiB chunk);
// the manager's ReaderWriterLockSlim is the notifier lock: the callback sets the sequence in write mode, the
// fault path checks for a retry in read mode. Unmapped chunks are queued for a garbage collector that removes
// their notifiers later from a worker, never from the callback. The two-pass start carries the pages to unmap
// in a finish made per invocation; the finish fans the TLB flush out to every GPU and waits for all of them.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.GpuSvm;

public sealed class SvmGpu
{
    public int Id { get; init; }

    public void FlushTlb(ulong start, ulong end)
    {
    }
}

public sealed class SvmNotifier : IntervalNotifier
{
    public SvmNotifier(GpuSvmManager manager, ulong chunk) : base(manager.Ops)
    {
        Manager = manager;
        Chunk = chunk;
    }

    public GpuSvmManager Manager { get; }

    public ulong Chunk { get; }

    public bool Valid;
}

public sealed class SvmUnmapFinish : NotifierFinish
{
    public required SvmNotifier Target { get; init; }

    public ulong Start;

    public ulong End;
}

public sealed class GpuSvmOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var svm = (SvmNotifier)notifier;
        var manager = svm.Manager;
        manager.NotifierLock.EnterWriteLock();
        try
        {
            svm.SetSequence(currentSequence);
            svm.Valid = false;
        }
        finally
        {
            manager.NotifierLock.ExitWriteLock();
        }

        if (range.Event == NotifierEvent.Unmap)
        {
            manager.QueueGarbage(svm);
        }

        finish = new SvmUnmapFinish
        {
            Target = svm,
            Start = Math.Max(range.Start, svm.Start),
            End = Math.Min(range.End, svm.Last + 1),
        };
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var unmap = (SvmUnmapFinish)finish;
        var gpus = unmap.Target.Manager.Gpus;
        var flushes = gpus.Select(gpu => Task.Run(() => gpu.FlushTlb(unmap.Start, unmap.End))).ToArray();
        Task.WaitAll(flushes);
    }
}

public sealed class GpuSvmManager : IDisposable
{
    private readonly Dictionary<ulong, SvmNotifier> _chunks = new();
    private readonly ConcurrentQueue<SvmNotifier> _garbage = new();
    private readonly AddressSpace _space;

    public GpuSvmManager(AddressSpace space, IReadOnlyList<SvmGpu> gpus)
    {
        _space = space;
        Gpus = gpus;
    }

    public const ulong ChunkSize = 2UL << 20;

    public GpuSvmOps Ops { get; } = new();

    public ReaderWriterLockSlim NotifierLock { get; } = new(LockRecursionPolicy.NoRecursion);

    public IReadOnlyList<SvmGpu> Gpus { get; }

    public void QueueGarbage(SvmNotifier notifier) => _garbage.Enqueue(notifier);

    public SvmNotifier Lookup(ulong address)
    {
        var chunk = address & ~(ChunkSize - 1);
        lock (_chunks)
        {
            if (!_chunks.TryGetValue(chunk, out var notifier))
            {
                notifier = new SvmNotifier(this, chunk);
                notifier.Insert(_space, chunk, ChunkSize);
                _chunks.Add(chunk, notifier);
            }

            return notifier;
        }
    }

    public bool Fault(ulong address, Func<SvmNotifier, bool> migrate)
    {
        var notifier = Lookup(address);
        var seq = notifier.ReadBegin();
        if (!migrate(notifier))
        {
            return false;
        }

        NotifierLock.EnterReadLock();
        try
        {
            if (notifier.ReadRetry(seq))
            {
                return false;
            }

            notifier.Valid = true;
            return true;
        }
        finally
        {
            NotifierLock.ExitReadLock();
        }
    }

    /// <summary>The garbage collector: runs on a worker, so removing notifiers here is fine.</summary>
    public int CollectGarbage()
    {
        var removed = 0;
        while (_garbage.TryDequeue(out var notifier))
        {
            lock (_chunks)
            {
                _chunks.Remove(notifier.Chunk);
            }

            notifier.Remove();
            removed++;
        }

        return removed;
    }

    public void Dispose()
    {
        CollectGarbage();
        SvmNotifier[] all;
        lock (_chunks)
        {
            all = _chunks.Values.ToArray();
            _chunks.Clear();
        }

        foreach (var notifier in all)
        {
            notifier.Remove();
        }

        NotifierLock.Dispose();
    }
}
