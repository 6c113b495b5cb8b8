// Valid code (hunt): callbacks written with local functions, lambdas run at once, switch expressions,
// pattern matching on the finish, a cancellation registration disposed before the finish returns, and the
// lock taken in a local function that also sets the sequence.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.LocalFunctions;

public sealed class RingRange : IntervalNotifier
{
    public RingRange(RingOps ops) : base(ops)
    {
    }

    public readonly object RingLock = new();

    public readonly List<int> Slots = new();

    public TimeSpan Timeout = TimeSpan.FromMilliseconds(100);
}

public abstract class RingFinish : NotifierFinish
{
    public readonly ManualResetEventSlim Done = new(false);
}

public sealed class RingDrainFinish : RingFinish
{
    public int[] Slots = Array.Empty<int>();
}

public sealed class RingResetFinish : RingFinish
{
    public bool Hard;
}

public sealed class RingOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var ring = (RingRange)notifier;
        var @event = range.Event;
        if (!range.IsBlockable && !Monitor.TryEnter(ring.RingLock))
        {
            finish = null;
            return false;
        }

        if (range.IsBlockable)
        {
            Monitor.Enter(ring.RingLock);
        }

        int[] slots;
        try
        {
            MarkLocked();
            slots = ring.Slots.Where(s => s >= 0).ToArray();
            ring.Slots.Clear();
        }
        finally
        {
            Monitor.Exit(ring.RingLock);
        }

        finish = @event switch
        {
            NotifierEvent.Release => new RingResetFinish { Hard = true },
            NotifierEvent.Unmap or NotifierEvent.Clear => MakeDrain(slots),
            _ => slots.Length == 0 ? null : MakeDrain(slots),
        };
        return true;

        void MarkLocked() => ring.SetSequence(currentSequence);

        static RingDrainFinish MakeDrain(int[] slots) => new() { Slots = slots };
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var ring = (RingFinish)finish;
        using (timeout.Token.Register(() => ring.Done.Set()))
        {
            var work = finish switch
            {
                RingDrainFinish drain => drain.Slots.Sum(s => (long)s),
                RingResetFinish { Hard: true } => -1L,
                _ => 0L,
            };
            Parallel.For(0, 4, lane => Touch(ring, lane));
            if (work != 0)
            {
                ring.Done.Set();
            }

            ring.Done.Wait(timeout.Token);
        }

        static void Touch(RingFinish f, int lane) => _ = f.Done.IsSet && lane >= 0;
    }
}

public static class RingReader
{
    public static int[] Read(RingRange ring)
    {
        ulong seq;
        int[] copy;
        do
        {
            seq = ring.ReadBegin();
            copy = Copy();
        }
        while (Invalid());

        return copy;

        int[] Copy()
        {
            lock (ring.RingLock)
            {
                return ring.Slots.ToArray();
            }
        }

        bool Invalid()
        {
            lock (ring.RingLock)
            {
                return ring.ReadRetry(seq);
            }
        }
    }
}
