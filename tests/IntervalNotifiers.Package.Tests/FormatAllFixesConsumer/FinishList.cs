// NTF002: a finish that leaves the two-pass list.
using IntervalNotifiers;

namespace Consumer
{
    // NTF002: a direct InvalidateFinish call, and a cached finish handed out from a field.
    public sealed class CachedOps : IntervalNotifierOps
    {
        private FlushFinish _cached = null!;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            finish = _cached;
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
        }

        public void FlushByHand(NotifierFinish finish)
        {
            InvalidateFinish(finish);
        }
    }
}
