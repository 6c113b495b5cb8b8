// NTF014: a finish rented from a pool that does not go back to it on some path.
using IntervalNotifiers;

namespace Consumer
{
    // NTF014 in a start: it rents, then gives up on a range that cannot block without handing out or returning it.
    public sealed class StartLeakOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            finish = null;
            if (!_pool.TryRent(out var f))
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            if (!range.IsBlockable)
            {
                return false;
            }

            notifier.SetSequence(currentSequence);
            f.Ticket = 3;
            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF014 in a finish, on a path: every other finish returns early and keeps its slot.
    public sealed class FinishPathLeakOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);
        private int _tickets;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            if (!_pool.TryRent(out var f))
            {
                finish = null;
                return true;
            }

            f.Ticket = ++_tickets;
            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var f = (FlushFinish)finish;
            if (f.Ticket % 2 == 0)
            {
                return;
            }

            Pools.CountFinish();
            _pool.Return(f);
        }

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF014 in a finish that never returns the finish: the Return goes at its end.
    public sealed class FinishEndLeakOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(1);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            if (!_pool.TryRent(out var f))
            {
                finish = null;
                return true;
            }

            finish = f;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
        }

        public string Audit() => Pools.Audit(_pool, 1);
    }
}
