// NTF010: a reader that calls ReadRetry outside the lock its ops type holds around SetSequence.
using System.Threading;
using IntervalNotifiers;

namespace Consumer
{
    // NTF010 (a lock statement, an endless loop that reads again on a retry): the check and the commit go under
    // lock (_lock).
    public sealed class LockedReaderOps : IntervalNotifierOps, IReader
    {
        private readonly object _lock = new object();
        private int[]? _mapped;
        private int _unlocked;

        public int[]? Mapped
        {
            get => _mapped;
            private set
            {
                if (!Monitor.IsEntered(_lock))
                {
                    _unlocked++;
                }

                _mapped = value;
            }
        }

        public PageSource Pages { get; } = new PageSource();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            lock (_lock)
            {
                notifier.SetSequence(currentSequence);
                Mapped = null;
            }

            return true;
        }

        public bool TryMap(IntervalNotifier notifier)
        {
            Map(notifier);
            return true;
        }

        public void Map(IntervalNotifier notifier)
        {
            while (true)
            {
                var seq = notifier.ReadBegin();
                var pages = Pages.Lookup();

                // Has an invalidation run since ReadBegin?
                if (notifier.ReadRetry(seq))
                {
                    continue;
                }

                Mapped = pages;
                return;
            }
        }

        public string LockAudit() => _unlocked == 0 ? "ok" : _unlocked + " mapping changes outside lock (_lock)";
    }

    // NTF010 (a SemaphoreSlim taken with Wait/Release, a reader that reports a retry to its caller): the check and the
    // commit go between _gate.Wait() and _gate.Release().
    public sealed class GatedReaderOps : IntervalNotifierOps, IReader
    {
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private int[]? _mapped;
        private int _unlocked;

        public int[]? Mapped
        {
            get => _mapped;
            private set
            {
                if (_gate.CurrentCount != 0)
                {
                    _unlocked++;
                }

                _mapped = value;
            }
        }

        public PageSource Pages { get; } = new PageSource();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            if (!range.IsBlockable)
            {
                return false;
            }

            _gate.Wait();
            try
            {
                notifier.SetSequence(currentSequence);
                Mapped = null;
            }
            finally
            {
                _gate.Release();
            }

            return true;
        }

        public bool TryMap(IntervalNotifier notifier)
        {
            var seq = notifier.ReadBegin();
            var pages = Pages.Lookup();
            if (notifier.ReadRetry(seq))
                return false;
            Mapped = pages;
            return true;
        }

        public string LockAudit() => _unlocked == 0 ? "ok" : _unlocked + " mapping changes outside _gate";
    }

    // NTF010 (Monitor.Enter/Exit around a try/finally, a check that maps when nothing changed, in a for (;;)): the
    // check and the commit go between Monitor.Enter(_pageLock) and Monitor.Exit(_pageLock).
    public sealed class MonitorReaderOps : IntervalNotifierOps, IReader
    {
        private readonly object _pageLock = new object();
        private int[]? _mapped;
        private int _outside;

        public int[]? Mapped
        {
            get => _mapped;
            private set
            {
                _outside += Monitor.IsEntered(_pageLock) ? 0 : 1;
                _mapped = value;
            }
        }

        public PageSource Pages { get; } = new PageSource();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            Monitor.Enter(_pageLock);
            try
            {
                Mapped = null;
                notifier.SetSequence(currentSequence);
            }
            finally
            {
                Monitor.Exit(_pageLock);
            }

            return true;
        }

        public bool TryMap(IntervalNotifier notifier)
        {
            for (;;)
            {
                var seq = notifier.ReadBegin();
                var pages = Pages.Lookup();
                if (!notifier.ReadRetry(seq))
                {
                    Mapped = pages; // nothing changed since ReadBegin: commit
                    return true;
                }
            }
        }

        public string LockAudit() => _outside == 0 ? "ok" : _outside + " mapping changes outside Monitor.Enter(_pageLock)";
    }
}
