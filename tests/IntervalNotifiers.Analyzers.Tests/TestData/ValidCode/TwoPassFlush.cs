// Valid code: two-pass ops with a new finish per invocation (the xe/amdgpu two-pass TLB flush). The start
// zaps the device page table and queues the TLB invalidation under the lock; the finish waits for it once
// every notifier of the range has queued its own.
using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.TwoPass;

public sealed class GpuVma : IntervalNotifier
{
    public GpuVma(IntervalNotifierOps ops, TlbInvalidator tlb) : base(ops) => Tlb = tlb;

    public readonly object Lock = new();

    public TlbInvalidator Tlb { get; }

    public int Generation;
}

public sealed class TlbInvalidator
{
    private long _seqno;
    private long _completed;

    public long Queue(ulong start, ulong end) => Interlocked.Increment(ref _seqno);

    public void Wait(long seqno)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref _completed) < seqno && spinner.Count < 20)
        {
            spinner.SpinOnce();
        }

        Interlocked.Exchange(ref _completed, seqno);
    }
}

/// <summary>The data carried from the start to the finish (embedded in a larger struct in C).</summary>
public sealed class TlbFlushFinish : NotifierFinish
{
    public long Seqno;
    public ulong Start;
    public ulong End;
}

public sealed class GpuVmaOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var vma = (GpuVma)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        lock (vma.Lock)
        {
            vma.SetSequence(currentSequence);
            vma.Generation++;
            finish = new TlbFlushFinish
            {
                Seqno = vma.Tlb.Queue(range.Start, range.End),
                Start = range.Start,
                End = range.End,
            };
        }

        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        // The runtime set Notifier when it linked the finish: reading it here is the point of the field.
        var vma = (GpuVma)finish.Notifier;
        if (finish is TlbFlushFinish flush)
        {
            vma.Tlb.Wait(flush.Seqno);
            flush.Seqno = 0;
        }
    }
}

/// <summary>The bind path reads under the same lock the start holds around SetSequence.</summary>
public static class GpuVmaBinder
{
    public static bool TryBind(GpuVma vma, List<ulong> pages)
    {
        var sequence = vma.ReadBegin();
        pages.Add((ulong)vma.Generation);

        lock (vma.Lock)
        {
            return !vma.ReadRetry(sequence);
        }
    }
}
