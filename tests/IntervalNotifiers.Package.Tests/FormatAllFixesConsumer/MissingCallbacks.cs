// NTF001, NTF003, NTF004, NTF005: an ops type with a callback missing, or one too many.
using IntervalNotifiers;

namespace Consumer
{
    // NTF001 (pooled start whose finish carries a ticket): the new InvalidateFinish throws, naming what to write, and
    // still returns the finish to the pool (the program checks the pool after the loud invalidation).
    [FailsLoudly]
    public sealed class StartOnlyOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            if (!_pool.TryRent(out var f))
            {
                finish = null;
                return true;
            }

            f.Ticket = 1;
            finish = f;
            return true;
        }

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF001 (a new finish, no pool): the new InvalidateFinish throws, naming what to write.
    [FailsLoudly]
    public sealed class NewFinishOps : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = new FlushFinish { Ticket = 2 };
            return true;
        }
    }

    // NTF001 (a start that hands out no finish): the only fix offered turns the start into Invalidate.
    public sealed class NeverHandsOutOps : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = null;
            return true;
        }
    }

    // NTF001 (i915's shape: InvalidateFinish written without override, so it hides the callback): the fix makes the
    // user's method the override, body kept, instead of adding a second one (CS0111); the finish then runs.
    public sealed class HiddenFinishOps : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = new FlushFinish { Ticket = 3 };
            return true;
        }

        private int _finished;

        // Uses the instance (as i915's does): otherwise CA1822, also applied by --severity info, may make it static first.
        public void InvalidateFinish(NotifierFinish finish)
        {
            ((FlushFinish)finish).Ticket = 0;
            _finished++;
        }
    }

    // NTF003 (hfi1's shape: Invalidate written without override and without in, an overload): the fix makes the
    // user's method the override, with in, body kept.
    public sealed class OverloadOnlyOps : IntervalNotifierOps
    {
        private int _invalidations;

        // Uses the instance, as hfi1's does (see HiddenFinishOps on CA1822).
        public bool Invalidate(IntervalNotifier notifier, NotifierRange range, ulong currentSequence)
        {
            notifier.SetSequence(currentSequence);
            _invalidations++;
            return true;
        }
    }

    // NTF003: gets an Invalidate that throws, naming what to write.
    [FailsLoudly]
    public sealed class NoCallbackOps : IntervalNotifierOps
    {
    }

    // NTF004: the dead Invalidate goes.
    public sealed class DeadInvalidateOps : IntervalNotifierOps
    {
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            notifier.SetSequence(currentSequence);
            return true;
        }

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = new NotifierFinish();
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
        }
    }

    // NTF004 (an expression-bodied dead Invalidate, pooled passes): the dead Invalidate goes.
    public sealed class DeadExpressionInvalidateOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(1);

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = null;
            if (!_pool.TryRent(out var f))
            {
                return true;
            }

            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);

        public string Audit() => Pools.Audit(_pool, 1);
    }

    // NTF005 (pooled finish, with an Invalidate): the new start runs Invalidate and rents from the pool.
    public sealed class FinishOnlyOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            notifier.SetSequence(currentSequence);
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var f = (FlushFinish)finish;
            _pool.Return(f);
        }

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF005 and NTF003 (pooled finish, no Invalidate): NTF003's fix gives it NTF005's start (it sets the sequence and
    // rents from the pool), not a throwing Invalidate.
    public sealed class PooledFinishOnlyOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
            _pool.Return((FlushFinish)finish);
        }

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF005 and NTF003 (a cast finish, no Invalidate): the new start creates that finish.
    public sealed class CastFinishOps : IntervalNotifierOps
    {
        public override void InvalidateFinish(NotifierFinish finish)
        {
            var f = finish as FlushFinish;
            Pools.CountFinish();
        }
    }

    // A finish that carries the fence of the device's flush: the finish pass waits on it.
    public sealed class FenceFinish : NotifierFinish
    {
        public System.Threading.ManualResetEventSlim Fence = null!;
    }

    // NTF005 (the finish pass waits on the finish's fence, with an Invalidate): the new start cannot know the fence, so
    // it runs Invalidate and throws, naming the Fence to fill, instead of handing out a finish whose fence is null.
    [FailsLoudly]
    public sealed class FenceFinishOps : IntervalNotifierOps
    {
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            notifier.SetSequence(currentSequence);
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var f = (FenceFinish)finish;
            if (!f.Fence.Wait(2000))
            {
                throw new System.TimeoutException("the flush did not signal its fence");
            }

            Pools.CountFinish();
        }
    }

    // NTF005 and NTF003 (a type pattern reads the fence, no Invalidate): NTF003's fix gives it NTF005's loud start.
    [FailsLoudly]
    public sealed class PatternFenceOps : IntervalNotifierOps
    {
        public override void InvalidateFinish(NotifierFinish finish)
        {
            if (finish is FenceFinish { Fence: { } fence } && fence.Wait(2000))
            {
                Pools.CountFinish();
            }
        }
    }
}
