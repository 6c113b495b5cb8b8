// Valid code (hunt): the xe driver's userptr invalidation after the two-pass conversion, in C#. The embedded
// finish with its in-use flag is a NotifierFinishPool of capacity 1. The start refuses non-blockable ranges,
// sets the sequence under the notifier lock, marks the mapping for repin, starts preemption by enabling
// signalling on the VM's fences, and hands out the embedded finish unless every fence already signalled or the
// finish is busy; then it does everything synchronously. When the fences are done it also submits the TLB
// invalidation in the first pass and only waits for it in the finish.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ops = IntervalNotifiers.IntervalNotifierOps;
using static System.Threading.Interlocked;

namespace ValidCode.Hunt.Xe;

public sealed record class DmaFence(int Context, ulong Seqno)
{
    private readonly ManualResetEventSlim _signalled = new(false);

    public bool IsSignalled => _signalled.IsSet;

    public void EnableSignalling()
    {
    }

    public void Signal() => _signalled.Set();

    public bool Wait(TimeSpan timeout) => _signalled.Wait(timeout);
}

public readonly record struct TlbBatch(int Gt, ulong Seqno)
{
    public static readonly TlbBatch None = default;

    public bool IsPending => Seqno != 0;
}

public sealed class XeVm
{
    public readonly object SvmLock = new();

    public List<DmaFence> Fences { get; } = new();

    public TlbBatch SubmitTlbInvalidation(ulong start, ulong end) => new(0, unchecked(start ^ end) | 1);

    public void WaitTlb(in TlbBatch batch)
    {
    }
}

public sealed class XeUserPtrVma : IntervalNotifier
{
    public XeUserPtrVma(XeUserPtrOps ops, XeVm vm) : base(ops) => Vm = vm;

    public XeVm Vm { get; }

    public bool NeedsRepin;

    public int Unmaps;

    public ulong[] Pages = Array.Empty<ulong>();
}

public sealed class XeUserPtrFinish : NotifierFinish
{
    public XeUserPtrVma? Vma;

    public TlbBatch Batch;

    public bool TlbSubmitted;
}

public sealed class XeUserPtrOps : Ops
{
    private readonly NotifierFinishPool<XeUserPtrFinish> _embedded = new(capacity: 1);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        if (!range.IsBlockable)
        {
            return false;
        }

        var uvma = (XeUserPtrVma)notifier;
        var vm = uvma.Vm;
        bool signalled;
        lock (vm.SvmLock)
        {
            uvma.SetSequence(currentSequence);
            uvma.NeedsRepin = true;
            signalled = EnableSignalling(vm);
        }

        if (!signalled && _embedded.TryRent(out var embedded))
        {
            embedded.Vma = uvma;
            embedded.TlbSubmitted = false;
            finish = embedded;
            return true;
        }

        if (signalled && _embedded.TryRent(out var early))
        {
            // Patch 4: the fences are done, so the TLB invalidation goes out now and the finish only waits.
            early.Vma = uvma;
            early.Batch = vm.SubmitTlbInvalidation(range.Start, range.End);
            early.TlbSubmitted = true;
            finish = early;
            return true;
        }

        InvalidateVmaSync(uvma, in range);
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        if (finish is not XeUserPtrFinish { Vma: { } uvma } xf)
        {
            return;
        }

        try
        {
            if (xf.TlbSubmitted)
            {
                uvma.Vm.WaitTlb(in xf.Batch);
            }
            else
            {
                WaitFences(uvma.Vm);
                uvma.Vm.WaitTlb(uvma.Vm.SubmitTlbInvalidation(uvma.Start, uvma.Last));
            }

            Unmap(uvma);
        }
        finally
        {
            xf.Vma = null;
            xf.Batch = TlbBatch.None;
            _embedded.Return(xf);
        }
    }

    private static bool EnableSignalling(XeVm vm)
    {
        var all = true;
        foreach (var fence in vm.Fences)
        {
            fence.EnableSignalling();
            all &= fence.IsSignalled;
        }

        return all;
    }

    private static void WaitFences(XeVm vm)
    {
        foreach (var fence in vm.Fences)
        {
            _ = fence.Wait(Timeout.InfiniteTimeSpan);
        }
    }

    private static void InvalidateVmaSync(XeUserPtrVma uvma, in NotifierRange range)
    {
        WaitFences(uvma.Vm);
        uvma.Vm.WaitTlb(uvma.Vm.SubmitTlbInvalidation(range.Start, range.End));
        Unmap(uvma);
    }

    private static void Unmap(XeUserPtrVma uvma)
    {
        Increment(ref uvma.Unmaps);
        uvma.Pages = Array.Empty<ulong>();
    }
}

public static class XeUserPtrPin
{
    /// <summary>The repin path: get the pages, then commit them under the lock unless an invalidation ran.</summary>
    public static async Task<bool> RepinAsync(XeUserPtrVma uvma, Func<XeUserPtrVma, Task<ulong[]>> getPages,
                                              CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var notifierSeq = uvma.ReadBegin();
            var pages = await getPages(uvma).ConfigureAwait(false);
            lock (uvma.Vm.SvmLock)
            {
                if (uvma.ReadRetry(notifierSeq))
                {
                    continue;
                }

                uvma.Pages = pages;
                uvma.NeedsRepin = false;
                return true;
            }
        }

        return false;
    }
}
