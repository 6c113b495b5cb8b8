// Port of amdkfd's SVM range notifier (kfd_svm.c, svm_range_cpu_invalidate_pagetables), split the way the
// driver team splits its files: this half holds the ops' state and the first pass; the second pass, the
// finish type and the restore side are in 04b_SvmRangeOps.Finish.cs.
using System;
using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.PartialOps
{
    /// <summary>struct svm_range: one notifier per range of the process's shared virtual memory.</summary>
    public sealed class SvmRange : IntervalNotifier
    {
        public SvmRange(SvmRangeOps ops, int pages)
            : base(ops)
        {
            GpuMapped = new bool[pages];
        }

        /// <summary>prange->lock: the callback holds it for SetSequence, restore holds it for ReadRetry.</summary>
        public object Lock { get; } = new object();

        /// <summary>Per-page "the GPU has a PTE for it". Guarded by <see cref="Lock"/>.</summary>
        public bool[] GpuMapped { get; }

        /// <summary>Set by an Unmap: the range is gone on the CPU side and will be dropped by the deferred work.</summary>
        public bool Unmapped { get; set; }

        public int PageIndex(ulong address) => (int)((address - Start) >> SvmRangeOps.PageShift);
    }

    /// <summary>Why the first pass evicted (svm_range_evict's trigger).</summary>
    public enum EvictReason
    {
        None,
        CpuUnmap,
        ProtectionChange,
        Migration,
        Teardown,
    }

    public sealed partial class SvmRangeOps : IntervalNotifierOps
    {
        public const int PageShift = 12;

        private readonly KfdProcess _process;
        private readonly NotifierFinishPool<SvmEvictFinish> _finishes;
        private long _evictions;

        public SvmRangeOps(KfdProcess process, int maxConcurrentEvictions = 4)
        {
            _process = process ?? throw new ArgumentNullException(nameof(process));
            _finishes = new NotifierFinishPool<SvmEvictFinish>(maxConcurrentEvictions);
        }

        public long Evictions => Interlocked.Read(ref _evictions);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            finish = null;

            // amdkfd never tries anything clever here: the range lock sleeps and evicting queues sleeps.
            if (!range.IsBlockable)
            {
                return false;
            }

            var prange = (SvmRange)notifier;
            EvictReason reason = Classify(in range);
            if (reason == EvictReason.None)
            {
                return true; // our own migration (owner == this process): nothing to drop
            }

            ulong first = Math.Max(range.Start, prange.Start);
            ulong last = Math.Min(range.End - 1, prange.Last);
            QuiesceTicket ticket;

            lock (prange.Lock)
            {
                prange.SetSequence(currentSequence);

                if (reason == EvictReason.CpuUnmap)
                {
                    // svm_range_unmap_from_cpu: the notifier itself goes away later, from the deferred work queue
                    // (Remove may not be called from here).
                    prange.Unmapped = true;
                    _process.QueueDeferredUnmap(prange, first, last);
                }

                if (!AnyGpuMapping(prange, first, last))
                {
                    return true; // no PTE of ours in the range: no queue to stop, single pass
                }

                // svm_range_evict: stop the user queues of every GPU that maps the range. It only kicks the
                // preemption here; the wait is the second pass, so all GPUs preempt in parallel.
                ticket = _process.QuiesceQueues();
            }

            Interlocked.Increment(ref _evictions);
            if (!_finishes.TryRent(out SvmEvictFinish? evict))
            {
                // Out of finish objects: finish inline, as if this were a single-pass notifier.
                CompleteEviction(prange, ticket, first, last, reason);
                return true;
            }

            evict.Ticket = ticket;
            evict.First = first;
            evict.Last = last;
            evict.Reason = reason;
            finish = evict;
            return true;
        }

        private EvictReason Classify(in NotifierRange range) => range.Event switch
        {
            NotifierEvent.Migrate when ReferenceEquals(range.Owner, _process) => EvictReason.None,
            NotifierEvent.Migrate => EvictReason.Migration,
            NotifierEvent.Unmap => EvictReason.CpuUnmap,
            NotifierEvent.Release => EvictReason.Teardown,
            NotifierEvent.ProtectionVma or NotifierEvent.ProtectionPage or NotifierEvent.SoftDirty
                => EvictReason.ProtectionChange,
            _ => EvictReason.ProtectionChange, // Clear, Exclusive: be conservative
        };

        // Called with prange.Lock held.
        private static bool AnyGpuMapping(SvmRange prange, ulong first, ulong last)
        {
            int from = prange.PageIndex(first);
            int to = Math.Min(prange.PageIndex(last), prange.GpuMapped.Length - 1);
            for (int i = from; i <= to; i++)
            {
                if (prange.GpuMapped[i])
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The process: owns the user queues and the deferred list (svm->deferred_range_list).</summary>
    public sealed class KfdProcess
    {
        private readonly object _deferredLock = new object();
        private readonly List<(SvmRange Range, ulong First, ulong Last)> _deferred = new();
        private readonly int _gpus;

        public KfdProcess(int gpus) =>
            _gpus = gpus > 0 ? gpus : throw new ArgumentOutOfRangeException(nameof(gpus), "A process uses at least one GPU.");

        public int Gpus => _gpus;

        public void QueueDeferredUnmap(SvmRange range, ulong first, ulong last)
        {
            lock (_deferredLock)
            {
                _deferred.Add((range, first, last));
            }
        }

        /// <summary>Takes the deferred unmaps (the worker removes those notifiers, outside any callback).</summary>
        public List<(SvmRange Range, ulong First, ulong Last)> TakeDeferred()
        {
            lock (_deferredLock)
            {
                var taken = new List<(SvmRange, ulong, ulong)>(_deferred);
                _deferred.Clear();
                return taken;
            }
        }

        /// <summary>Kicks queue preemption on every GPU; the ticket signals when all have preempted.</summary>
        public QuiesceTicket QuiesceQueues()
        {
            var ticket = new QuiesceTicket(_gpus);
            for (int gpu = 0; gpu < _gpus; gpu++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static t => t.SignalOne(), ticket, preferLocal: false);
            }

            return ticket;
        }
    }
}
