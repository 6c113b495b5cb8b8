// Valid code (hunt): a start that delegates to a Try-helper with an 'out' finish (null when it fails), a base ops
// class with a protected helper that sets the sequence, ReadBegin results kept in out parameters, dictionaries,
// captured by a continuation that checks them, and a finish used as a lock object and a monitor.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.Misc;

public sealed class Vma : IntervalNotifier
{
    public Vma(NotifierOpsBase ops) : base(ops)
    {
    }

    public readonly object PtLock = new();

    public bool Busy;

    public int Mapped;
}

public sealed class VmaFinish : NotifierFinish
{
    public Vma? Target;

    public bool Done;
}

public abstract class VmaOpsBase : NotifierOpsBase
{
    protected void MarkInvalid(IntervalNotifier notifier, ulong currentSequence)
    {
        var vma = (Vma)notifier;
        lock (vma.PtLock)
        {
            vma.SetSequence(currentSequence);
            vma.Mapped = 0;
        }
    }
}

public sealed class TryHelperOps : VmaOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        if (!TryStartFlush((Vma)notifier, range.IsBlockable, out finish))
        {
            return false;
        }

        MarkInvalid(notifier, currentSequence);
        return true;
    }

    private static bool TryStartFlush(Vma vma, bool blockable, out NotifierFinish? finish)
    {
        if (!blockable && vma.Busy)
        {
            finish = null;
            return false;
        }

        finish = vma.Busy ? new VmaFinish { Target = vma } : null;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (VmaFinish)finish;
        lock (f)
        {
            f.Done = true;
            Monitor.PulseAll(f);
        }
    }
}

public sealed class SimpleVmaOps : VmaOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        if (range.Event == NotifierEvent.SoftDirty)
        {
            MarkInvalid(notifier, currentSequence);
            return true;
        }

        MarkInvalid(notifier, currentSequence);
        return true;
    }
}

public sealed class VmaReadSide
{
    private readonly Dictionary<Vma, ulong> _begun = new();

    public bool TryBegin(Vma vma, out ulong seq)
    {
        seq = vma.ReadBegin();
        return !vma.CheckRetry(seq);
    }

    public void Begin(Vma vma) => _begun[vma] = vma.ReadBegin();

    public bool Commit(Vma vma)
    {
        lock (vma.PtLock)
        {
            return _begun.Remove(vma, out var seq) && !vma.ReadRetry(seq);
        }
    }

    public Task<bool> MapLaterAsync(Vma vma)
    {
        var seq = vma.ReadBegin();
        return Task.Run(() =>
        {
            lock (vma.PtLock)
            {
                if (vma.ReadRetry(seq))
                {
                    return false;
                }

                vma.Mapped++;
                return true;
            }
        });
    }
}
