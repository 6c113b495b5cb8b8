using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

// The range end and the deferred list: the kernel's mn_itree_inv_end (the last active range makes the sequence
// even, applies the deferred insertions and removals and wakes the waiters), __mmu_interval_notifier_insert and
// mmu_interval_notifier_remove (which defer while the tree is frozen: the kernel's deferred_list).
// See docs/contract.md#the-two-pass-list for the frozen tree.
public sealed partial class AddressSpace
{
    /// <summary>
    /// Ends invalidating a range started by <see cref="InvalidateRangeStart"/> that returned <see langword="true"/>
    /// (the kernel's <c>mn_itree_inv_end</c>). When it is the last active range, the sequence becomes even, the
    /// deferred insertions and removals are applied and the waiters are woken.
    /// </summary>
    /// <remarks>
    /// <para>Never blocks. Outside callbacks, ranges are counted, not matched: any thread may end an active range, but
    /// only when at least one active range has finished its <see cref="InvalidateRangeStart"/> and does not belong to
    /// a callback. Otherwise the end is unpaired and would unfreeze the tree while a walk is still running, so it is
    /// rejected.</para>
    /// <para>Inside a callback of this address space, a walk knows which ranges are its callbacks': a callback may end
    /// only a range it started itself (a nested invalidation), never the range it is called for nor a range started
    /// elsewhere, even when another active range would make the counts look paired.</para>
    /// </remarks>
    /// <param name="range">The range given to <see cref="InvalidateRangeStart"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="range"/> has <c>End &lt;= Start</c>. Nothing changes.</exception>
    /// <exception cref="InvalidOperationException">No range is active (an end without a start, or after a start
    /// that returned <see langword="false"/> or threw); or every active range is still being started (its
    /// <see cref="InvalidateRangeStart"/> has not returned: an unpaired end) or belongs to a callback, so the end would
    /// unfreeze the tree under a running walk; or the call comes from a callback of this address space that has not
    /// started a range it has not ended yet (a callback ending its own range). Nothing changes.</exception>
    public void InvalidateRangeEnd(in NotifierRange range)
    {
        ValidateRange(in range);
        if (TryFindWalkOnThisThread(out ThreadWalks? walks, out int index))
        {
            EndCallbackRange(ref walks!.At(index));
            return;
        }

        EndRange(throwWhenIdle: true);
    }

    /// <summary>An end from a callback of this address space: it ends a range that callback started, or throws.</summary>
    private void EndCallbackRange(ref WalkFrame walk)
    {
        if (walk.OwnedRanges == 0)
        {
            throw new InvalidOperationException(
                "InvalidateRangeEnd was called from a callback of this address space, which has no range of its own " +
                "to end: a callback never ends the range it is called for (its walk is still running; the caller " +
                "of InvalidateRangeStart ends it after the start returns) nor a range started elsewhere. A callback " +
                "may end only a nested range it started itself.");
        }

        EndRange(throwWhenIdle: false, callbackRange: true);
        walk.OwnedRanges--;
    }

    private void EndRange(bool throwWhenIdle, bool callbackRange = false)
    {
        lock (_lock)
        {
            if (callbackRange)
            {
                _callbackRanges--;
            }
            else if (_activeRanges == 0)
            {
                if (throwWhenIdle)
                {
                    throw new InvalidOperationException(
                        "InvalidateRangeEnd without an active range: every successful InvalidateRangeStart is ended " +
                        "exactly once, and a start that returned false or threw has already ended its range.");
                }

                return;
            }

            if (throwWhenIdle && _activeRanges <= Volatile.Read(ref _walks) + _callbackRanges)
            {
                throw new InvalidOperationException(
                    "InvalidateRangeEnd without a matching range: every active range is still being started (its " +
                    "InvalidateRangeStart has not returned yet, on this or another thread) or belongs to the callback " +
                    "that started it. End a range only after its InvalidateRangeStart returned true, and never from " +
                    "a callback of its own walk.");
            }

            if (--_activeRanges != 0 || (_invalidateSeq & 1) == 0)
            {
                return;
            }

            // The last active range of an invalidation: make the sequence even, apply the deferred list from its head,
            // newest first (the kernel's hlist_for_each_entry_safe over deferred_list in mn_itree_inv_end).
            Volatile.Write(ref _invalidateSeq, _invalidateSeq + 1);
            IntervalNotifier? n = _deferredHead;
            _deferredHead = null;
            _deferredCount = 0;
            while (n != null)
            {
                IntervalNotifier? next = n.DeferredNext;
                n.DeferredPrevious = null;
                n.DeferredNext = null;
                if (n.State == NotifierState.PendingInsert)
                {
                    _tree.Insert(n.Node);
                    n.State = NotifierState.Inserted;
                }
                else
                {
                    Debug.Assert(n.State == NotifierState.PendingRemove, "deferred entries are insertions or removals");
                    _tree.Remove(n.Node);
                    n.Detach();
                }

                n = next;
            }

            if (_waiters != 0)
            {
                Monitor.PulseAll(_lock);
            }

            // The async waiters: their continuations run on the thread pool, never here under the lock.
            if (_endOfInvalidation != null)
            {
                _endOfInvalidation.TrySetResult();
                _endOfInvalidation = null;
            }
        }
    }

    /// <summary>The kernel's <c>__mmu_interval_notifier_insert</c>, after the argument checks.</summary>
    internal void InsertNotifier(IntervalNotifier notifier, OpsShape shape, ulong start, ulong last)
    {
        lock (_lock)
        {
            if (_released)
            {
                throw new InvalidOperationException(
                    "This address space has been released: no notifier can be inserted into it any more.");
            }

            if (!notifier.TryClaim(this))
            {
                throw new InvalidOperationException(
                    "This notifier is already inserted (or its removal is still pending): remove it before inserting " +
                    "it again.");
            }

            notifier.Shape = shape;
            notifier.SetRange(start, last);
            if (_activeRanges != 0)
            {
                if (IsInvalidating)
                {
                    // The tree is frozen: defer. The notifier starts collided, so ReadBegin waits for the end.
                    AddDeferred(notifier);
                    notifier.State = NotifierState.PendingInsert;
                }
                else
                {
                    // Ranges are active but none hit a notifier, so nobody walks the tree: insert now, and make the
                    // sequence odd, because those ranges may cover the new notifier.
                    Volatile.Write(ref _invalidateSeq, _invalidateSeq | 1);
                    _tree.Insert(notifier.Node);
                    notifier.State = NotifierState.Inserted;
                }

                notifier.Sequence = _invalidateSeq;
            }
            else
            {
                // Odd, different from the current even sequence, so ReadBegin does not wait.
                notifier.Sequence = _invalidateSeq - 1;
                _tree.Insert(notifier.Node);
                notifier.State = NotifierState.Inserted;
            }
        }
    }

    /// <summary>The kernel's <c>mmu_interval_notifier_remove</c>.</summary>
    internal void RemoveNotifier(IntervalNotifier notifier, CancellationToken cancellationToken)
    {
        ThrowIfInsideWalk(nameof(IntervalNotifier.Remove), "rule NTF011: it waits for the callbacks to end");
        if (!BeginRemove(notifier, out ulong waitFor))
        {
            return;
        }

        // Throws OperationCanceledException (or ThreadInterruptedException) with the removal still committed.
        WaitWhileSequenceIs(waitFor, cancellationToken);

        // This call has seen the removal applied: it consumes the commitment, so a further Remove throws.
        notifier.ClearCommittedRemoval();
    }

    /// <summary><see cref="RemoveNotifier"/> with a wait that blocks no thread.</summary>
    internal ValueTask RemoveNotifierAsync(IntervalNotifier notifier, CancellationToken cancellationToken)
    {
        ThrowIfInsideWalk(nameof(IntervalNotifier.RemoveAsync), "rule NTF011: it waits for the callbacks to end");
        if (!BeginRemove(notifier, out ulong waitFor))
        {
            return default;
        }

        Task? ended = EndOfInvalidationWhileSequenceIs(waitFor);
        if (ended == null)
        {
            notifier.ClearCommittedRemoval();
            return default;
        }

        return WaitThenConsumeRemoval(notifier, ended, cancellationToken);
    }

    private static async ValueTask WaitThenConsumeRemoval(
        IntervalNotifier notifier, Task ended, CancellationToken cancellationToken)
    {
        // A canceled wait leaves the removal committed, as the blocking Remove does.
        await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        notifier.ClearCommittedRemoval();
    }

    /// <summary>
    /// The removal itself, under the lock: applies it at once when the tree is not frozen (returns
    /// <see langword="false"/>), or commits a deferred removal and returns the sequence to wait out.
    /// </summary>
    private bool BeginRemove(IntervalNotifier notifier, out ulong waitFor)
    {
        lock (_lock)
        {
            if (notifier.AddressSpace != this)
            {
                // Applied since the caller looked: by a committed removal (returns), or by a concurrent Remove.
                if (notifier.TryConsumeCommittedRemoval())
                {
                    waitFor = 0;
                    return false;
                }

                throw new InvalidOperationException(
                    "This notifier is not inserted in an address space (a concurrent Remove won).");
            }

            switch (notifier.State)
            {
                case NotifierState.PendingInsert:
                    // Inserted and removed during the same invalidation: it never reached the tree.
                    UnlinkDeferred(notifier);
                    notifier.Detach();
                    waitFor = 0;
                    return false;

                case NotifierState.Inserted:
                    if (!IsInvalidating)
                    {
                        _tree.Remove(notifier.Node);
                        notifier.Detach();
                        waitFor = 0;
                        return false;
                    }

                    // Committed from here on: if the caller does not return normally (canceled, interrupted), the
                    // removal is still applied, and the next Remove reports it as done.
                    AddDeferred(notifier);
                    notifier.State = NotifierState.PendingRemove;
                    notifier.RemoveSequence = _invalidateSeq;
                    notifier.CommitRemoval();
                    waitFor = _invalidateSeq;
                    return true;

                default:
                    // Already pending (an earlier Remove was canceled, or a concurrent one waits): wait as well.
                    waitFor = notifier.RemoveSequence;
                    return true;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="notifier"/> at the head of the deferred list (the kernel's <c>hlist_add_head</c> onto
    /// <c>deferred_list</c>): <see cref="EndRange"/> applies the list from its head, newest first, as the kernel does.
    /// </summary>
    private void AddDeferred(IntervalNotifier notifier)
    {
        notifier.DeferredPrevious = null;
        notifier.DeferredNext = _deferredHead;
        if (_deferredHead != null)
        {
            _deferredHead.DeferredPrevious = notifier;
        }

        _deferredHead = notifier;
        _deferredCount++;
    }

    private void UnlinkDeferred(IntervalNotifier notifier)
    {
        if (notifier.DeferredPrevious == null)
        {
            _deferredHead = notifier.DeferredNext;
        }
        else
        {
            notifier.DeferredPrevious.DeferredNext = notifier.DeferredNext;
        }

        if (notifier.DeferredNext != null)
        {
            notifier.DeferredNext.DeferredPrevious = notifier.DeferredPrevious;
        }

        notifier.DeferredPrevious = null;
        notifier.DeferredNext = null;
        _deferredCount--;
    }
}
