// Second half of the amdkfd SVM port (see 04a_SvmRangeOps.Start.cs): the finish pass, what it carries, and
// the restore worker that maps ranges back with the read side and drops the unmapped ones.
using System;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.PartialOps
{
    /// <summary>What the first pass hands to the second: which queues to wait for, and what to unmap.</summary>
    public sealed class SvmEvictFinish : NotifierFinish
    {
        public QuiesceTicket? Ticket;
        public ulong First;
        public ulong Last;
        public EvictReason Reason;

        internal void Clear()
        {
            Ticket = null;
            First = 0;
            Last = 0;
            Reason = EvictReason.None;
        }
    }

    /// <summary>Counts down as each GPU reports its queues preempted.</summary>
    public sealed class QuiesceTicket
    {
        private readonly CountdownEvent _pending;

        public QuiesceTicket(int gpus) => _pending = new CountdownEvent(gpus);

        internal void SignalOne() => _pending.Signal();

        public void Wait() => _pending.Wait();
    }

    public sealed partial class SvmRangeOps
    {
        private long _restoresScheduled;

        public long RestoresScheduled => Interlocked.Read(ref _restoresScheduled);

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var evict = (SvmEvictFinish)finish;
            var prange = (SvmRange)evict.Notifier;
            try
            {
                CompleteEviction(prange, evict.Ticket!, evict.First, evict.Last, evict.Reason);
            }
            finally
            {
                evict.Clear();
                _finishes.Return(evict);
            }
        }

        /// <summary>
        /// The part of svm_range_evict that waits: once every GPU has preempted, drop the PTEs and, unless the range
        /// is going away, schedule the restore worker. Shared by the finish pass and the inline fallback.
        /// </summary>
        private void CompleteEviction(SvmRange prange, QuiesceTicket ticket, ulong first, ulong last, EvictReason reason)
        {
            ticket.Wait();

            lock (prange.Lock)
            {
                UnmapFromGpus(prange, first, last);
            }

            if (reason is EvictReason.ProtectionChange or EvictReason.Migration)
            {
                Interlocked.Increment(ref _restoresScheduled);
            }
        }

        // Called with prange.Lock held.
        private static void UnmapFromGpus(SvmRange prange, ulong first, ulong last)
        {
            int from = prange.PageIndex(first);
            int to = Math.Min(prange.PageIndex(last), prange.GpuMapped.Length - 1);
            if (from <= to)
            {
                Array.Clear(prange.GpuMapped, from, to - from + 1);
            }
        }
    }

    /// <summary>
    /// svm_range_restore_work and svm_range_deferred_list_work, on a worker thread: never from a callback.
    /// </summary>
    public sealed class SvmRestoreWorker
    {
        private const int MaxRetries = 10;

        private readonly KfdProcess _process;
        private readonly Func<ulong, bool> _cpuPagePresent;

        public SvmRestoreWorker(KfdProcess process, Func<ulong, bool> cpuPagePresent)
        {
            _process = process;
            _cpuPagePresent = cpuPagePresent;
        }

        /// <summary>Drops the ranges the CPU unmapped. Remove waits for the invalidation to end, so no lock here.</summary>
        public int DrainDeferred()
        {
            int removed = 0;
            foreach (var (range, _, _) in _process.TakeDeferred())
            {
                if (range.AddressSpace is null)
                {
                    continue; // listed twice (two unmaps of one range): the first entry removed it
                }

                range.Remove();
                removed++;
            }

            return removed;
        }

        /// <summary>Maps a range back on the GPUs: read side with a bounded retry count.</summary>
        public bool Restore(SvmRange prange, CancellationToken cancellationToken)
        {
            for (int attempt = 0; attempt < MaxRetries; attempt++)
            {
                ulong seq = prange.ReadBegin(cancellationToken);

                bool[] present = Snapshot(prange, seq);
                if (prange.CheckRetry(seq))
                {
                    continue;
                }

                lock (prange.Lock)
                {
                    if (prange.Unmapped)
                    {
                        return false; // the deferred work will drop it
                    }

                    if (prange.ReadRetry(seq))
                    {
                        continue;
                    }

                    Array.Copy(present, prange.GpuMapped, present.Length);
                    return true;
                }
            }

            return false;
        }

        private bool[] Snapshot(SvmRange prange, ulong seq)
        {
            var present = new bool[prange.GpuMapped.Length];
            for (int i = 0; i < present.Length; i++)
            {
                if ((i & 63) == 0 && prange.CheckRetry(seq))
                {
                    break; // stale anyway; the caller checks again
                }

                present[i] = _cpuPagePresent(prange.Start + ((ulong)i << SvmRangeOps.PageShift));
            }

            return present;
        }
    }
}
