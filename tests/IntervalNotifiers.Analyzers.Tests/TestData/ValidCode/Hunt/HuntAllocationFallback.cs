// Valid code (hunt): the kernel's allocation-failure fallback (no finish: do everything in the start), a finish
// that is also IDisposable, finish events raised synchronously, a weak side table looked up by finish, and a
// finish that carries a countdown shared by the finishes of one device.
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ValidCode.Hunt.Fallback;

public sealed class FenceRange : IntervalNotifier
{
    public FenceRange(FenceOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public CountdownEvent Pending = new(0);
}

public sealed class FenceFinish : NotifierFinish, IDisposable
{
    public FenceRange? Range;

    public bool Disposed;

    public void Dispose() => Disposed = true;
}

public sealed class FenceOps : NotifierOpsBase
{
    private readonly ConditionalWeakTable<NotifierFinish, string> _labels = new();

    public event Action<FenceOps, FenceFinish>? Finished;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var fence = (FenceRange)notifier;
        lock (fence.Lock)
        {
            fence.SetSequence(currentSequence);
        }

        FenceFinish? f;
        try
        {
            f = new FenceFinish { Range = fence };
            fence.Pending.AddCount();
        }
        catch (InvalidOperationException)
        {
            f = null; // the countdown is already at zero: fall back to doing everything now
        }

        if (f is null)
        {
            WaitIdle(fence);
            finish = null;
            return true;
        }

        finish = f;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        using (finish as IDisposable)
        {
            var f = (FenceFinish)finish;
            if (_labels.TryGetValue(f, out var label))
            {
                Console.WriteLine(label);
            }

            f.Range?.Pending.Signal();
            Finished?.Invoke(this, f);
        }
    }

    private static void WaitIdle(FenceRange fence) => fence.Pending.Wait(TimeSpan.FromSeconds(1));
}
