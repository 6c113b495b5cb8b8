// Valid code (hunt): every shape of "false only when the range cannot block" that drivers write, and starts
// that drop their finish before a false return in several ways.
using System;
using System.Threading;

namespace ValidCode.Hunt.Blockable;

public sealed class BusyRange : IntervalNotifier
{
    public BusyRange(NotifierOpsBase ops) : base(ops)
    {
    }

    public readonly SemaphoreSlim Busy = new(1, 1);

    public int Work;
}

public sealed class BusyFinish : NotifierFinish
{
    public int Ticket;
}

public sealed class LocalFlagOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var busy = (BusyRange)notifier;
        var blockable = range.IsBlockable;
        if (!busy.Busy.Wait(blockable ? Timeout.Infinite : 0))
        {
            return false;
        }

        try
        {
            busy.SetSequence(currentSequence);
            busy.Work++;
        }
        finally
        {
            busy.Busy.Release();
        }

        return true;
    }
}

public sealed class PatternOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var busy = (BusyRange)notifier;
        if (range is { IsBlockable: false } && busy.Busy.CurrentCount == 0)
        {
            return false;
        }

        busy.Busy.Wait();
        try
        {
            busy.SetSequence(currentSequence);
        }
        finally
        {
            busy.Busy.Release();
        }

        return true;
    }
}

public sealed class EqualsFalseOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var busy = (BusyRange)notifier;
        if (range.IsBlockable == false)
        {
            return busy.Busy.CurrentCount > 0 && Zap(busy, currentSequence);
        }

        return Zap(busy, currentSequence);
    }

    private static bool Zap(BusyRange busy, ulong currentSequence)
    {
        busy.Busy.Wait();
        try
        {
            busy.SetSequence(currentSequence);
            return true;
        }
        finally
        {
            busy.Busy.Release();
        }
    }
}

public sealed class CopiedRangeOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var busy = (BusyRange)notifier;
        NotifierRange r = range;
        var f = new BusyFinish { Ticket = busy.Work };
        finish = f;
        if (!r.IsBlockable)
        {
            finish = default;
            return false;
        }

        busy.Busy.Wait();
        try
        {
            busy.SetSequence(currentSequence);
        }
        finally
        {
            busy.Busy.Release();
        }

        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) => ((BusyFinish)finish).Ticket = 0;
}

public sealed class TernaryOps : NotifierOpsBase
{
    private readonly NotifierFinishPool<BusyFinish> _pool = new(2);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var busy = (BusyRange)notifier;
        if (!_pool.TryRent(out var rented))
        {
            finish = null;
            return range.IsBlockable ? ZapSync(busy, currentSequence) : false;
        }

        if (!range.IsBlockable && !busy.Busy.Wait(0))
        {
            _pool.Return(rented);
            finish = null;
            return false;
        }

        if (range.IsBlockable)
        {
            busy.Busy.Wait();
        }

        try
        {
            busy.SetSequence(currentSequence);
        }
        finally
        {
            busy.Busy.Release();
        }

        rented.Ticket = busy.Work;
        finish = rented;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (BusyFinish)finish;
        f.Ticket = 0;
        _pool.Return(f);
    }

    private static bool ZapSync(BusyRange busy, ulong currentSequence)
    {
        busy.Busy.Wait();
        try
        {
            busy.SetSequence(currentSequence);
        }
        finally
        {
            busy.Busy.Release();
        }

        return true;
    }
}

public sealed class SwitchOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var busy = (BusyRange)notifier;
        switch (range.IsBlockable)
        {
            case false when !busy.Busy.Wait(0):
                return false;
            case false:
                break;
            default:
                busy.Busy.Wait();
                break;
        }

        try
        {
            busy.SetSequence(currentSequence);
        }
        finally
        {
            busy.Busy.Release();
        }

        return true;
    }
}

public static class BusyReader
{
    public static int Read(BusyRange busy)
    {
        while (true)
        {
            var seq = busy.ReadBegin();
            var work = busy.Work;
            busy.Busy.Wait();
            try
            {
                if (!busy.ReadRetry(seq))
                {
                    return work;
                }
            }
            finally
            {
                busy.Busy.Release();
            }
        }
    }
}
