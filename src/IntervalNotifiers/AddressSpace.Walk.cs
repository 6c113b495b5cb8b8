using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

// The invalidation walk: the kernel's __mmu_notifier_invalidate_range_start, mn_itree_inv_start_range (the range
// start under the lock: one more active range, the sequence made odd when a notifier overlaps) and
// mn_itree_invalidate (the walk over the overlapping notifiers in tree order, outside the lock).
// The contract it enforces: docs/contract.md#the-two-pass-list and docs/rules/NTF007.md (false returns).
public sealed partial class AddressSpace
{
    /// <summary>
    /// Starts invalidating <paramref name="range"/> (the kernel's <c>__mmu_notifier_invalidate_range_start</c> with
    /// <c>mn_itree_invalidate</c>): calls back every notifier whose [<see cref="IntervalNotifier.Start"/>,
    /// <see cref="IntervalNotifier.Last"/>] overlaps [<c>range.Start</c>, <c>range.End - 1</c>], in tree order, and
    /// runs the finish pass of the two-pass ones before returning.
    /// </summary>
    /// <remarks>
    /// <para>For each overlapping notifier: if its ops type overrides
    /// <see cref="IntervalNotifierOps.InvalidateStart"/>, the start is called with <c>finish</c> null on entry; when it
    /// returns <see langword="true"/> with a non-null finish, the runtime sets <see cref="NotifierFinish.Notifier"/>
    /// and links the finish into the two-pass list. Otherwise <see cref="IntervalNotifierOps.Invalidate"/> is called.
    /// After the walk, the finish pass calls <see cref="IntervalNotifierOps.InvalidateFinish"/> for every linked
    /// finish, in the order the starts ran. A start that returned <see langword="false"/> is never finished.</para>
    /// <para>A <see langword="false"/> return on a blockable range is a contract violation: it is reported (see
    /// <see cref="ContractViolation"/>) and the walk goes on. On a non-blockable range it stops the walk: the finish
    /// pass runs for the starts that succeeded, the range is ended, and this method returns
    /// <see langword="false"/>; the caller must then not call <see cref="InvalidateRangeEnd"/> (the kernel's
    /// <c>-EAGAIN</c> path).</para>
    /// <para>A finish object that is already linked (one object handed out by two invocations, rule NTF002) is not
    /// linked again: that is reported as a contract violation and the walk goes on, so each linked finish is
    /// finished exactly once and the address space stays consistent.</para>
    /// <para>If a callback throws, the walk stops, the finish pass still runs for the linked finishes (an exception
    /// thrown by a finish does not keep the others from running), the range is ended, and the first exception is
    /// rethrown (later ones are written to <see cref="Trace"/>): after an exception, do not call
    /// <see cref="InvalidateRangeEnd"/> either.</para>
    /// <para>The walk allocates nothing (except, once per thread, a small record of the thread's walks the first time
    /// the thread starts a range, and a larger one the first time callbacks nest walks deeper than four on that
    /// thread) and takes the internal lock only at its beginning, and at its end when it ends the range itself. It never blocks by itself (only the callbacks may, when
    /// <see cref="NotifierRange.IsBlockable"/>).</para>
    /// <para>A callback may start another invalidation, of this or another address space, on its thread (it then
    /// ends that range before returning): the nested range is one more active range, its callbacks run nested. The
    /// kernel forbids this recursion, so code meant to mirror the kernel should not rely on it.</para>
    /// </remarks>
    /// <param name="range">The range that is about to change.</param>
    /// <returns><see langword="true"/> when every overlapping notifier has been invalidated (call
    /// <see cref="InvalidateRangeEnd"/> once the change is done); <see langword="false"/> only when the range is not
    /// blockable and a callback returned <see langword="false"/> (the range is already ended).</returns>
    /// <exception cref="ArgumentException"><paramref name="range"/> has <c>End &lt;= Start</c> (a default
    /// <see cref="NotifierRange"/>). Nothing changes.</exception>
    public bool InvalidateRangeStart(in NotifierRange range)
    {
        ValidateRange(in range);
        return Invalidate(in range, range.End - 1, teardown: false);
    }

    /// <summary>
    /// Starts invalidating <paramref name="range"/>, as <see cref="InvalidateRangeStart"/>, and returns a scope that
    /// ends the range when disposed: <c>using (space.BeginInvalidation(in range)) { ...change the mapping... }</c>.
    /// </summary>
    /// <remarks>
    /// The scope pairs the start with exactly one <see cref="InvalidateRangeEnd"/>, even when the code inside the
    /// <c>using</c> throws. When the range is not blockable and a callback refused it,
    /// <see cref="InvalidationScope.Started"/> is <see langword="false"/> and disposing the scope does nothing (the
    /// runtime has already ended the range). When a callback throws, this method throws as
    /// <see cref="InvalidateRangeStart"/> does, with the range already ended, and there is no scope to dispose.
    /// Allocates nothing.
    /// </remarks>
    /// <param name="range">The range that is about to change.</param>
    /// <returns>The scope to dispose once the change is done.</returns>
    /// <exception cref="ArgumentException"><paramref name="range"/> has <c>End &lt;= Start</c> (a default
    /// <see cref="NotifierRange"/>). Nothing changes.</exception>
    public InvalidationScope BeginInvalidation(in NotifierRange range)
    {
        bool started = InvalidateRangeStart(in range);
        return new InvalidationScope(this, in range, started);
    }

    /// <summary>Start of a range, the walk and the finish pass over [range.Start, <paramref name="last"/>].</summary>
    /// <param name="range">The range the callbacks receive.</param>
    /// <param name="last">The last address covered (inclusive).</param>
    /// <param name="teardown">The release walk (the kernel's <c>mn_itree_release</c>): a callback that throws does not
    /// stop it; every exception is collected and thrown once the walk, the finish pass and the range end are done
    /// (alone, or in an <see cref="AggregateException"/> when there are several).</param>
    private bool Invalidate(in NotifierRange range, ulong last, bool teardown)
    {
        RuntimeMetrics.CountInvalidation(in range);

        // The thread's record of its walks gets room for this one before anything changes (it allocates once per
        // thread, and again only when walks nest deeper than before). A range started by a callback of this address
        // space belongs to that callback: only it may end the range.
        ThreadWalks walks = WalksOfThisThread();
        bool fromCallback = false;
        int callbackWalk = -1;
        if (!walks.IsEmpty)
        {
            walks.EnsureRoomForOneMore();
            fromCallback = !teardown && walks.TryFind(this, out callbackWalk);
        }

        IntervalTreeNode<IntervalNotifier>? node;
        ulong cur;
        lock (_lock)
        {
            _activeRanges++;
            node = _tree.First(range.Start, last);
            if (node != null)
            {
                Volatile.Write(ref _invalidateSeq, _invalidateSeq | 1);
                Interlocked.Increment(ref _walks);
            }
            else if (fromCallback)
            {
                _callbackRanges++;
            }

            cur = _invalidateSeq;
        }

        if (node == null)
        {
            RuntimeMetrics.RecordNotifiersCalled(0);
            if (fromCallback)
            {
                walks.At(callbackWalk).OwnedRanges++;
            }

            return true;
        }

        // The sequence is odd and stays odd until this range ends: the tree is frozen, so the walk needs no lock.
        walks.Enter(this, in range);
        NotifierFinish? head = null;
        NotifierFinish? tail = null;
        bool stopped = false;
        ExceptionDispatchInfo? error = null;
        List<Exception>? teardownErrors = null;
        int called = 0;
        long walkStarted = RuntimeMetrics.StartTimer(RuntimeMetrics.WalkDuration);
        try
        {
            try
            {
                while (true)
                {
                    try
                    {
                        for (; node != null; node = IntervalTree<IntervalNotifier>.Next(node, range.Start, last))
                        {
                            IntervalNotifier notifier = node.Value;
                            called++;
                            bool ok;
                            if (notifier.Shape!.OverridesInvalidateStart)
                            {
                                NotifierFinish? finish = null;
                                ok = notifier.Ops.InvalidateStart(notifier, in range, cur, out finish);
                                if (ok && finish != null)
                                {
                                    LinkFinish(notifier, finish, ref head, ref tail, in range);
                                }
                            }
                            else
                            {
                                ok = notifier.Ops.Invalidate(notifier, in range, cur);
                            }

                            if (!ok)
                            {
                                if (range.IsBlockable)
                                {
                                    ReportFalseOnBlockable(notifier, in range);
                                }
                                else
                                {
                                    stopped = true;
                                    break;
                                }
                            }
                        }

                        break;
                    }
                    catch (Exception ex) when (teardown)
                    {
                        // Teardown calls every notifier whatever one callback does (mn_itree_release goes on).
                        (teardownErrors ??= new List<Exception>()).Add(ex);
                        node = IntervalTree<IntervalNotifier>.Next(node!, range.Start, last);
                    }
                }
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
                stopped = true;
            }

            RuntimeMetrics.StopTimer(RuntimeMetrics.WalkDuration, walkStarted);
            RuntimeMetrics.RecordNotifiersCalled(called);
            if (head != null)
            {
                RunFinishPass(head, ref error, ref teardownErrors, teardown);
            }
        }
        finally
        {
            int leftOver = walks.Exit();
            if (fromCallback || leftOver != 0)
            {
                EndNestedWalk(walks, leftOver, fromCallback && !stopped && error == null && teardownErrors == null);
            }
            else
            {
                Interlocked.Decrement(ref _walks);
            }
        }

        if (stopped || error != null || teardownErrors != null)
        {
            EndRange(throwWhenIdle: false);
        }

        error?.Throw();
        if (teardownErrors != null)
        {
            ThrowCollected(teardownErrors);
        }

        return !stopped;
    }

    /// <summary>
    /// Ends the walk of a range started by a callback, or of a walk whose callbacks left ranges they started active:
    /// in one step under the lock, the walk stops counting, the ranges its callbacks left become ordinary active
    /// ranges (anyone may end them), and, when <paramref name="keepsRange"/>, this walk's own range becomes a range
    /// owned by the callback that started it (found again now that this walk is no longer on the thread).
    /// </summary>
    private void EndNestedWalk(ThreadWalks walks, int leftOver, bool keepsRange)
    {
        lock (_lock)
        {
            Interlocked.Decrement(ref _walks);
            _callbackRanges -= leftOver;
            if (keepsRange)
            {
                _callbackRanges++;
            }
        }

        if (keepsRange && walks.TryFind(this, out int index))
        {
            walks.At(index).OwnedRanges++;
        }
    }
}
