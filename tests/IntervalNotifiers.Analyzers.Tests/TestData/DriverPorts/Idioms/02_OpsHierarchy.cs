// Port of the "common notifier core + per-driver hooks" layout (drm_gpusvm's gpusvm ops, RDMA's ib_umem_odp
// with mlx5 / hfi1 hooks): an abstract ops type owns the contract (locking, sequence, two passes, the finish
// pool) in sealed template methods, and concrete drivers fill in the device-specific steps.
// Written in the C# 7.3 style of an older code base.
#nullable disable
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers;

namespace Idioms.OpsHierarchy
{
    /// <summary>A buffer object mirrored by a device.</summary>
    public class BufferNotifier : IntervalNotifier
    {
        public readonly object NotifierLock = new object();
        public int BoundWindows;

        public BufferNotifier(DeviceMirrorOpsBase ops)
            : base(ops)
        {
        }
    }

    public abstract class DeviceMirrorOpsBase : IntervalNotifierOps
    {
        private readonly NotifierFinishPool<TeardownFinish> _finishes;

        protected DeviceMirrorOpsBase(int inFlightTeardowns)
        {
            _finishes = new NotifierFinishPool<TeardownFinish>(inFlightTeardowns);
        }

        /// <summary>Carries the started teardown to the second pass.</summary>
        public sealed class TeardownFinish : NotifierFinish
        {
            public Task Pending; // the device's completion of what the first pass submitted
            public ulong First;
            public ulong Last;
        }

        // ---- template methods -------------------------------------------------------------------------

        public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range,
                                                    ulong currentSequence, out NotifierFinish finish)
        {
            finish = null;
            BufferNotifier bo = (BufferNotifier)notifier;

            if (IsOwnInvalidation(range))
            {
                // We started this migration ourselves: nothing of ours is stale (test_hmm does the same).
                return true;
            }

            bool blockable = range.IsBlockable;
            if (!blockable && !SupportsAtomicTeardown)
            {
                return false;
            }

            ulong first = Math.Max(range.Start, bo.Start);
            ulong last = Math.Min(range.End - 1, bo.Last);
            Task pending = null;

            bool taken = false;
            try
            {
                if (blockable)
                {
                    Monitor.Enter(bo.NotifierLock, ref taken);
                }
                else
                {
                    Monitor.TryEnter(bo.NotifierLock, ref taken);
                }

                if (!taken)
                {
                    return false;
                }

                bo.SetSequence(currentSequence);

                if (!blockable)
                {
                    // Either everything is torn down right here, without sleeping, or the walk fails (-EAGAIN).
                    return TryTeardownAtomic(bo, first, last);
                }

                pending = SubmitTeardown(bo, first, last);
            }
            finally
            {
                if (taken)
                {
                    Monitor.Exit(bo.NotifierLock);
                }
            }

            if (pending == null)
            {
                return true; // the hook finished synchronously: single pass
            }

            TeardownFinish f;
            if (!_finishes.TryRent(out f))
            {
                // No finish object left: do both halves now, as xe does when its embedded finish is busy.
                WaitQuietly(pending);
                AfterTeardown(bo, first, last);
                return true;
            }

            f.Pending = pending;
            f.First = first;
            f.Last = last;
            finish = f;
            return true;
        }

        public sealed override void InvalidateFinish(NotifierFinish finish)
        {
            TeardownFinish f = (TeardownFinish)finish;
            try
            {
                WaitQuietly(f.Pending);
                AfterTeardown((BufferNotifier)f.Notifier, f.First, f.Last);
            }
            finally
            {
                f.Pending = null;
                _finishes.Return(f);
            }
        }

        private static void WaitQuietly(Task pending)
        {
            try
            {
                pending.Wait();
            }
            catch (AggregateException)
            {
                // A faulted submission has still completed: the device no longer touches the range.
            }
        }

        // ---- hooks -------------------------------------------------------------------------------------

        protected virtual bool IsOwnInvalidation(NotifierRange range)
        {
            return false;
        }

        /// <summary>Whether the driver can ever tear down without sleeping (non-blockable ranges).</summary>
        protected virtual bool SupportsAtomicTeardown
        {
            get { return false; }
        }

        /// <summary>Tears down without sleeping, under the notifier lock; false when that would need a wait.</summary>
        protected virtual bool TryTeardownAtomic(BufferNotifier bo, ulong first, ulong last)
        {
            return false;
        }

        /// <summary>Starts the teardown under the notifier lock; returns null when it is already complete.</summary>
        protected abstract Task SubmitTeardown(BufferNotifier bo, ulong first, ulong last);

        protected virtual void AfterTeardown(BufferNotifier bo, ulong first, ulong last)
        {
        }
    }

    // ---- driver 1: a GPU with preemption fences (xe userptr) --------------------------------------------

    public sealed class GpuUserptrOps : DeviceMirrorOpsBase
    {
        private readonly List<Task> _vmFences = new List<Task>();
        public int TlbInvalidations;

        public GpuUserptrOps()
            : base(1) // xe embeds exactly one finish per userptr
        {
        }

        public void AddFence(Task fence)
        {
            lock (_vmFences)
            {
                _vmFences.Add(fence);
            }
        }

        protected override Task SubmitTeardown(BufferNotifier bo, ulong first, ulong last)
        {
            Task[] pending;
            lock (_vmFences)
            {
                _vmFences.RemoveAll(t => t.IsCompleted);
                pending = _vmFences.ToArray();
            }

            if (pending.Length == 0)
            {
                AfterTeardown(bo, first, last); // nothing to preempt: flush the TLB and be done
                return null;
            }

            return Task.WhenAll(pending);
        }

        protected override void AfterTeardown(BufferNotifier bo, ulong first, ulong last)
        {
            Interlocked.Increment(ref TlbInvalidations);
        }
    }

    // ---- driver 2: an RDMA NIC with an MTT it can clear under a spinlock (mlx5 ODP) ----------------------

    public sealed class RdmaOdpOps : DeviceMirrorOpsBase
    {
        private readonly object _owner;
        private readonly Dictionary<ulong, ulong> _mtt = new Dictionary<ulong, ulong>();

        public RdmaOdpOps(object owner)
            : base(4)
        {
            _owner = owner;
        }

        protected override bool SupportsAtomicTeardown
        {
            get { return true; }
        }

        protected override bool IsOwnInvalidation(NotifierRange range)
        {
            return range.Event == NotifierEvent.Migrate && ReferenceEquals(range.Owner, _owner);
        }

        protected override bool TryTeardownAtomic(BufferNotifier bo, ulong first, ulong last)
        {
            if (bo.BoundWindows != 0)
            {
                return false; // bound memory windows need a UMR and a wait
            }

            ClearMtt(first, last);
            return true;
        }

        protected override Task SubmitTeardown(BufferNotifier bo, ulong first, ulong last)
        {
            ClearMtt(first, last);
            if (bo.BoundWindows == 0)
            {
                return null;
            }

            // Memory windows are bound: post a UMR that fences them, and wait for it in the second pass.
            return Task.Run(() => Thread.Sleep(1));
        }

        private void ClearMtt(ulong first, ulong last)
        {
            lock (_mtt) // a spinlock in mlx5; never held across a wait
            {
                for (ulong page = first >> 12; page <= last >> 12; page++)
                {
                    _mtt.Remove(page);
                }
            }
        }
    }
}
