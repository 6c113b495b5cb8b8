// NTF008: a callback that returns true without notifier.SetSequence(currentSequence) on some path.
using IntervalNotifiers;

namespace Consumer
{
    // NTF008 on two paths, with the sequence set under a lock elsewhere: the new calls go under that lock.
    public sealed class SequenceOps : IntervalNotifierOps
    {
        private readonly object _lock = new object();
        private int _calls;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            _calls++;
            if (_calls % 3 == 0)
            {
                return true;
            }

            if (_calls % 3 == 1)
                return true;

            lock (_lock)
            {
                notifier.SetSequence(currentSequence);
            }

            return true;
        }
    }

    // NTF008 in a start, with the sequence set without a lock: a plain call.
    public sealed class SequenceStartOps : IntervalNotifierOps
    {
        private int _starts;

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            finish = null;
            if (_starts++ % 2 == 0)
            {
                return true;
            }

            notifier.SetSequence(currentSequence);
            finish = new NotifierFinish();
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
        }
    }
}
