// NTF001 on the two shapes a realistic tryout found: a pooled token that carries nothing while the work to wait for
// is the ops type's own (an IOMMU's TLB shootdown), and a partial type whose start never hands out a finish.
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using IntervalNotifiers;

namespace Consumer
{
    public sealed class TlbSyncToken : NotifierFinish
    {
    }

    /// <summary>A device command queue: an issued TLB invalidation is done only once <see cref="Sync"/> waited for it.</summary>
    public sealed class TlbCommandQueue
    {
        private readonly List<ulong> _issued = new List<ulong>();

        public void IssueTlbInvalidate(ulong start)
        {
            lock (_issued)
            {
                _issued.Add(start);
            }
        }

        public void Sync()
        {
            lock (_issued)
            {
                _issued.Clear();
            }
        }
    }

    // NTF001 (a pooled token that carries nothing; the start syncs the queue itself when the pool is empty): the new
    // InvalidateFinish throws, naming what to write, and still returns the token (the program checks the pool).
    [FailsLoudly]
    public sealed class TokenFinishOps : IntervalNotifierOps, IPooled
    {
        private readonly NotifierFinishPool<TlbSyncToken> _tokens = new NotifierFinishPool<TlbSyncToken>(2);
        private readonly TlbCommandQueue _cmdq = new TlbCommandQueue();

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            notifier.SetSequence(currentSequence);
            _cmdq.IssueTlbInvalidate(range.Start);
            if (!_tokens.TryRent(out var token))
            {
                _cmdq.Sync();
                finish = null;
                return true;
            }

            finish = token;
            return true;
        }

        public string Audit()
        {
            var rented = 0;
            while (rented <= 2 && _tokens.TryRent(out _))
            {
                rented++;
            }

            return rented == 2 ? "ok" : "rented " + rented + " of 2";
        }
    }

    public sealed partial class PartialNeverHandsOutOps : IntervalNotifierOps, IPooled
    {
        private readonly object _mmuLock = new object();

        // No pool: the program's audit of this type checks which fix dotnet format applied instead.
        public string Audit()
        {
            const BindingFlags declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            var type = GetType();
            var turnedIntoInvalidate = type.GetMethod("Invalidate", declared) is not null
                                       && type.GetMethod("InvalidateStart", declared) is null
                                       && type.GetMethod("InvalidateFinish", declared) is null;
            return turnedIntoInvalidate
                ? "ok"
                : "none: the start was not turned into Invalidate (a never-called InvalidateFinish was added instead?)";
        }
    }

    // NTF001 (a start that never hands out a finish, in another part of a partial type): the fix dotnet format applies
    // turns it into Invalidate, not into a start with a dead InvalidateFinish that throws.
    public sealed partial class PartialNeverHandsOutOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            if (range.IsBlockable)
            {
                Monitor.Enter(_mmuLock);
            }
            else if (!Monitor.TryEnter(_mmuLock))
            {
                finish = null;
                return false;
            }

            try
            {
                notifier.SetSequence(currentSequence);
            }
            finally
            {
                Monitor.Exit(_mmuLock);
            }

            finish = null;
            return true;
        }
    }
}
