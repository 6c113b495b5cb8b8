// NTF006 and NTF007: what a callback returns false with, and when.
using System.Threading;
using IntervalNotifiers;

namespace Consumer
{
    // NTF006 (a rented finish): it goes back to the pool before finish = null; return false.
    public sealed class FinishOnFalseOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            if (!_pool.TryRent(out var f))
            {
                finish = null;
                return range.IsBlockable;
            }

            finish = f;
            if (!range.IsBlockable)
                return false;
            notifier.SetSequence(currentSequence);
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);

        public string Audit() => Pools.Audit(_pool, 2);
    }

    // NTF006 (a new finish): finish = null before the return false.
    public sealed class NewFinishOnFalseOps : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            finish = new FlushFinish();
            if (!range.IsBlockable)
            {
                return false;
            }

            notifier.SetSequence(currentSequence);
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            Pools.CountFinish();
        }
    }

    // NTF007 (a failed Monitor.TryEnter): take the lock blocking when the range can block.
    public sealed class TryLockOps : IntervalNotifierOps
    {
        private readonly object _lock = new object();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            if (!Monitor.TryEnter(_lock)) // the kernel's trylock
            {
                return false;
            }

            try
            {
                notifier.SetSequence(currentSequence);
            }
            finally
            {
                Monitor.Exit(_lock);
            }

            return true;
        }
    }

    // NTF007 (a failed SemaphoreSlim.Wait with a timeout): wait blocking when the range can block.
    public sealed class SemaphoreOps : IntervalNotifierOps
    {
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            if (!_gate.Wait(0))
            {
                return false;
            }

            try
            {
                notifier.SetSequence(currentSequence);
            }
            finally
            {
                _gate.Release();
            }

            return true;
        }
    }

    // NTF007 (a failed ReaderWriterLockSlim try on the page table): take the write lock blocking when the range can block.
    public sealed class PageTableOps : IntervalNotifierOps
    {
        private readonly ReaderWriterLockSlim _ptLock = new ReaderWriterLockSlim();
        private int _unmapped;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            // A fault may hold the page table.
            if (!_ptLock.TryEnterWriteLock(0))
            {
                return false;
            }

            try
            {
                notifier.SetSequence(currentSequence);
                _unmapped++;
            }
            finally
            {
                _ptLock.ExitWriteLock();
            }

            return true;
        }
    }

    // NTF007 (a busy flag taken without a lock): spin until it is taken when the range can block.
    public sealed class BusyFlagOps : IntervalNotifierOps
    {
        private int _busy;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
                return false;
            notifier.SetSequence(currentSequence);
            Volatile.Write(ref _busy, 0);
            return true;
        }
    }

    // NTF007 (a pending fence that the code after the test waits for): return false only when the range cannot block.
    // (A plain in-use flag the callback sets after testing it gets no fix: the guard would let a blockable range take
    // the flag another thread holds.)
    public sealed class PendingFenceOps : IntervalNotifierOps
    {
        private readonly ManualResetEventSlim _fence = new ManualResetEventSlim(true);

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            if (!_fence.IsSet)
                return false;
            _fence.Wait();
            notifier.SetSequence(currentSequence);
            return true;
        }
    }

    // NTF007 (mlx5 ODP: a populating flag that the reader sets around its read section): return false only when the
    // range cannot block. Waiting for the flag would deadlock (the reader waits in ReadBegin for the invalidation);
    // going on is safe, since the reader's ReadRetry under the same lock makes it read again.
    public sealed class PopulatingReaderOps : IntervalNotifierOps, IReader
    {
        private readonly object _umemMutex = new object();
        private int _populating;
        private int[]? _mapped;
        private int _unlocked;

        public int[]? Mapped
        {
            get => _mapped;
            private set
            {
                if (!Monitor.IsEntered(_umemMutex))
                {
                    _unlocked++;
                }

                _mapped = value;
            }
        }

        public PageSource Pages { get; } = new PageSource();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            // The reader is writing the translation right now: come back later.
            if (Volatile.Read(ref _populating) != 0)
            {
                return false;
            }

            lock (_umemMutex)
            {
                notifier.SetSequence(currentSequence);
                Mapped = null;
            }

            return true;
        }

        public bool TryMap(IntervalNotifier notifier)
        {
            Interlocked.Increment(ref _populating);
            try
            {
                var seq = notifier.ReadBegin();
                var pages = Pages.Lookup();
                lock (_umemMutex)
                {
                    if (notifier.ReadRetry(seq))
                    {
                        return false;
                    }

                    Mapped = pages;
                    return true;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _populating);
            }
        }

        public string LockAudit() => _unlocked == 0 ? "ok" : _unlocked + " mapping changes outside lock (_umemMutex)";
    }
}
