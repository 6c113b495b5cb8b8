// Valid code: callbacks refactored into private helpers. A helper called only from a callback is part of it:
// the SetSequence inside ZapLocked is the start's SetSequence, the finish that CreateFinish makes and hands
// back is the start's, and the finish passed to Complete / WaitFor stays inside the two-pass list.
using System.Collections.Generic;
using IntervalNotifiers;

namespace ValidCode.Helpers;

public sealed class BufferObject : IntervalNotifier
{
    public BufferObject(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public readonly List<ulong> Mapped = new();
}

public sealed class EvictFinish : NotifierFinish
{
    public ulong Start;
    public ulong End;
    public int Evicted;
}

public sealed class BufferObjectOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var bo = (BufferObject)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        ZapLocked(bo, range, currentSequence);
        finish = CreateFinish(range);
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var evict = (EvictFinish)finish;
        Complete(evict);
    }

    private static void ZapLocked(BufferObject bo, in NotifierRange range, ulong currentSequence)
    {
        lock (bo.Lock)
        {
            bo.SetSequence(currentSequence);
            var start = range.Start;
            var end = range.End;
            bo.Mapped.RemoveAll(page => page >= start && page < end);
        }
    }

    private static EvictFinish CreateFinish(in NotifierRange range)
        => new EvictFinish { Start = range.Start, End = range.End };

    private void Complete(EvictFinish finish)
    {
        WaitFor(finish);
        finish.Evicted++;
    }

    private void WaitFor(EvictFinish finish)
    {
        Waited += (long)(finish.End - finish.Start);
    }

    public long Waited;
}

/// <summary>A single-pass callback whose SetSequence lives in an internal helper.</summary>
public sealed class BufferObjectSinglePassOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        if (!range.IsBlockable)
        {
            return false;
        }

        Invalidated((BufferObject)notifier, currentSequence);
        return true;
    }

    internal static void Invalidated(BufferObject bo, ulong currentSequence)
    {
        lock (bo.Lock)
        {
            bo.SetSequence(currentSequence);
            bo.Mapped.Clear();
        }
    }
}

public static class BufferObjectPin
{
    public static bool Pin(BufferObject bo, ulong page)
    {
        var sequence = bo.ReadBegin();
        lock (bo.Lock)
        {
            if (bo.ReadRetry(sequence))
            {
                return false;
            }

            bo.Mapped.Add(page);
            return true;
        }
    }
}
