using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

/// <summary>
/// An address space with its interval notifiers (the kernel's <c>struct mm_struct</c> together with its
/// <c>struct mmu_notifier_subscriptions</c>): the interval tree of notifiers, the invalidation sequence, the count of
/// active ranges and the deferred list of insertions and removals.
/// </summary>
/// <remarks>
/// <para>The owner of the address space (the "CPU side") brackets every change of a range with
/// <see cref="InvalidateRangeStart"/> and <see cref="InvalidateRangeEnd"/>; notifiers (the "device side") mirror
/// ranges with <see cref="IntervalNotifier.ReadBegin()"/> / <see cref="IntervalNotifier.ReadRetry"/> and drop the
/// mirror when their callback runs.</para>
/// <para>The state machine is the kernel's (<c>mm/mmu_notifier.c</c>):</para>
/// <list type="bullet">
/// <item><description><c>invalidate_seq</c> starts at 2. A range start that overlaps at least one notifier makes
/// it odd (<c>mn_itree_inv_start_range</c>); while it is odd the address space is "invalidating" and the interval
/// tree is frozen. Every callback of that invalidation receives the odd value as <c>currentSequence</c>.</description></item>
/// <item><description>The count of active ranges is raised by every range start and lowered by every range end.
/// When the last active range ends and the sequence is odd, it becomes even again, the deferred insertions and
/// removals are applied (first come, first applied), and every waiter in <see cref="IntervalNotifier.ReadBegin()"/>
/// and <see cref="IntervalNotifier.Remove()"/> is woken (<c>mn_itree_inv_end</c>).</description></item>
/// <item><description>The walk over the overlapping notifiers runs outside the lock, in tree order, and allocates
/// nothing; the two-pass list is threaded through the finish objects themselves.</description></item>
/// </list>
/// <para>All members are thread-safe. The short internal lock (the kernel's <c>subscriptions-&gt;lock</c>) is never
/// held while a callback runs; waiters sleep on it as on the kernel's <c>subscriptions-&gt;wq</c>. Memory ordering
/// holds on every .NET platform: the sequences are changed under the lock or with <see cref="Volatile"/> writes and
/// read with <see cref="Volatile"/> reads, which are atomic for 64-bit values on 32-bit platforms too, so
/// <see cref="IntervalNotifier.ReadRetry"/> and <see cref="IntervalNotifier.CheckRetry"/> never see a torn value;
/// the tree is changed only under the lock and walked only while the sequence is odd, after taking the lock, so a
/// walk always sees a complete tree.</para>
/// <para>Contract violations that the kernel only WARNs about (a callback returning <see langword="false"/> on a
/// blockable range, one finish object handed out twice) do not throw in the middle of a walk: they are counted in
/// <see cref="ContractViolationCount"/>, written to <see cref="Trace"/> as warnings and raised through
/// <see cref="ContractViolation"/>, and the walk goes on.</para>
/// </remarks>
public sealed class AddressSpace
{
    /// <summary>The address space whose walk (callbacks included) runs on this thread, innermost.</summary>
    [ThreadStatic]
    private static AddressSpace? t_walking;

    /// <summary>
    /// The outer walks of this thread when walks nest (a callback that invalidates a range of this or another address
    /// space), outermost first; allocated by the first nested walk of a thread only.
    /// </summary>
    [ThreadStatic]
    private static AddressSpace?[]? t_outerWalks;

    /// <summary>How many entries of <see cref="t_outerWalks"/> are in use.</summary>
    [ThreadStatic]
    private static int t_outerWalkCount;

    // The kernel's subscriptions->lock: guards the tree, the active count, the deferred list and the notifiers'
    // State / RemoveSequence / deferred links. Also the monitor waiters sleep on (the kernel's subscriptions->wq).
    private readonly object _lock = new();
    private readonly IntervalTree<IntervalNotifier> _tree = new();

    // Written under the lock only (Volatile.Write); read under the lock or with Volatile.Read (atomic on 32-bit too).
    private ulong _invalidateSeq = 2;
    private int _activeRanges;

    // Active ranges whose InvalidateRangeStart is still walking (callbacks and finish pass included): changed with
    // Interlocked (raised under the lock, lowered without it). An end that would leave fewer active ranges than
    // walks is unpaired: it would unfreeze the tree under a running walk, so it is rejected.
    private int _walks;
    private IntervalNotifier? _deferredHead;
    private IntervalNotifier? _deferredTail;
    private int _deferredCount;
    private int _waiters;
    private bool _released;
    private long _contractViolations;

    /// <summary>Creates an empty address space: no notifiers, sequence 2, no active range.</summary>
    public AddressSpace()
    {
    }

    /// <summary>
    /// Raised when a callback breaks a contract that the kernel only WARNs about: a <see langword="false"/> return
    /// on a blockable range, or one finish object handed out twice (see <see cref="ContractViolationKind"/>).
    /// </summary>
    /// <remarks>
    /// Raised synchronously on the invalidating thread, in the middle of the walk: keep handlers short and do not
    /// call back into the address space from them. An exception thrown by a handler is caught and written to
    /// <see cref="Trace"/>, so that the walk goes on.
    /// </remarks>
    public event EventHandler<ContractViolationEventArgs>? ContractViolation;

    /// <summary>How many contract violations the walks of this address space have seen (see
    /// <see cref="ContractViolation"/>).</summary>
    public long ContractViolationCount => Interlocked.Read(ref _contractViolations);

    /// <summary>Whether <see cref="Release"/> has been called.</summary>
    public bool IsReleased
    {
        get
        {
            lock (_lock)
            {
                return _released;
            }
        }
    }

    /// <summary>The address space's sequence (the kernel's <c>invalidate_seq</c>; odd while invalidating).</summary>
    internal ulong InvalidateSequence => Volatile.Read(ref _invalidateSeq);

    /// <summary>The number of active ranges (tests).</summary>
    internal int ActiveRangeCount
    {
        get
        {
            lock (_lock)
            {
                return _activeRanges;
            }
        }
    }

    /// <summary>The number of deferred insertions and removals (tests).</summary>
    internal int DeferredCount
    {
        get
        {
            lock (_lock)
            {
                return _deferredCount;
            }
        }
    }

    /// <summary>The number of threads waiting in ReadBegin or Remove (tests).</summary>
    internal int WaiterCount
    {
        get
        {
            lock (_lock)
            {
                return _waiters;
            }
        }
    }

    /// <summary>The number of notifiers in the interval tree (tests).</summary>
    internal int TreeCount
    {
        get
        {
            lock (_lock)
            {
                return _tree.Count;
            }
        }
    }

    /// <summary>Validates the interval tree's invariants (tests).</summary>
    internal void ValidateTree()
    {
        lock (_lock)
        {
            _tree.Validate();
        }
    }

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
    /// <para>The walk allocates nothing (except, once per thread, a small array the first time a callback nests
    /// another walk on its thread) and takes the internal lock only at its beginning, and at its end when it ends the
    /// range itself. It never blocks by itself (only the callbacks may, when
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
        return Invalidate(in range, range.End - 1);
    }

    /// <summary>
    /// Ends invalidating a range started by <see cref="InvalidateRangeStart"/> that returned <see langword="true"/>
    /// (the kernel's <c>mn_itree_inv_end</c>). When it is the last active range, the sequence becomes even, the
    /// deferred insertions and removals are applied and the waiters are woken.
    /// </summary>
    /// <remarks>Never blocks. Ranges are counted, not matched: any thread may end an active range, but only when at
    /// least one active range has finished its <see cref="InvalidateRangeStart"/>. Otherwise the end is unpaired and
    /// would unfreeze the tree while a walk is still running, so it is rejected.</remarks>
    /// <param name="range">The range given to <see cref="InvalidateRangeStart"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="range"/> has <c>End &lt;= Start</c>. Nothing changes.</exception>
    /// <exception cref="InvalidOperationException">No range is active (an end without a start, or after a start
    /// that returned <see langword="false"/> or threw), or every active range is still being started (its
    /// <see cref="InvalidateRangeStart"/> has not returned: an unpaired end, or an end from a callback of the range's
    /// own walk), so the end would unfreeze the tree under a running walk. Nothing changes.</exception>
    public void InvalidateRangeEnd(in NotifierRange range)
    {
        ValidateRange(in range);
        EndRange(throwWhenIdle: true);
    }

    /// <summary>
    /// Tears the address space down (the kernel's <c>mn_itree_release</c>, run from <c>exit_mmap</c>): every notifier
    /// is called with a <see cref="NotifierEvent.Release"/> event over the whole address space, blockable, with both
    /// passes as usual, and the range is ended.
    /// </summary>
    /// <remarks>
    /// <para>The callbacks receive a range with <c>Start = 0</c> and <c>End = ulong.MaxValue</c>. Because
    /// <see cref="NotifierRange.End"/> is exclusive it cannot express 2^64, so the release walk is special: it also
    /// covers the last address, <c>ulong.MaxValue</c> (the kernel's release uses <c>ULONG_MAX</c> as an exclusive end
    /// and so misses that address; here every notifier, whatever its range, is called). Callbacks recognize teardown
    /// by <c>range.Event == NotifierEvent.Release</c>.</para>
    /// <para>A <see langword="false"/> return is reported as a contract violation (the kernel's <c>WARN_ON(!ret)</c>).
    /// If a callback throws, the same rules as for <see cref="InvalidateRangeStart"/> apply: the finish pass runs, the
    /// range is ended and the exception is rethrown (the address space stays released).
    /// The notifiers stay inserted: their owners still remove them. After the release, <see cref="IntervalNotifier.Insert"/>
    /// into this address space throws (the kernel refuses an insert once <c>mm_users</c> is zero). Never blocks by
    /// itself.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The address space has already been released. Nothing
    /// changes.</exception>
    public void Release()
    {
        lock (_lock)
        {
            if (_released)
            {
                throw new InvalidOperationException("This address space has already been released.");
            }

            _released = true;
        }

        var range = new NotifierRange(0, ulong.MaxValue, NotifierEvent.Release, blockable: true);

        // A blockable walk returns true unless a callback throws, and then it has ended the range itself.
        if (Invalidate(in range, ulong.MaxValue))
        {
            EndRange(throwWhenIdle: false);
        }
    }

    private static void ValidateRange(in NotifierRange range)
    {
        if (range.End <= range.Start)
        {
            throw new ArgumentException(
                $"The range [0x{range.Start:X}, 0x{range.End:X}) is empty: End is exclusive and must be greater than " +
                "Start (a default NotifierRange is not a valid range).", nameof(range));
        }
    }

    /// <summary>Start of a range, the walk and the finish pass over [range.Start, <paramref name="last"/>].</summary>
    private bool Invalidate(in NotifierRange range, ulong last)
    {
        // A nested walk needs room to remember the outer one: allocate it (once per thread) before anything changes.
        if (t_walking != null)
        {
            EnsureOuterWalkCapacity();
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

            cur = _invalidateSeq;
        }

        if (node == null)
        {
            return true;
        }

        // The sequence is odd and stays odd until this range ends: the tree is frozen, so the walk needs no lock.
        EnterWalk();
        NotifierFinish? head = null;
        NotifierFinish? tail = null;
        bool stopped = false;
        ExceptionDispatchInfo? error = null;
        try
        {
            try
            {
                for (; node != null; node = IntervalTree<IntervalNotifier>.Next(node, range.Start, last))
                {
                    IntervalNotifier notifier = node.Value;
                    bool ok;
                    if (notifier.Shape!.OverridesInvalidateStart)
                    {
                        NotifierFinish? finish = null;
                        ok = notifier.Ops.InvalidateStart(notifier, in range, cur, out finish);
                        if (ok && finish != null)
                        {
                            if (finish.TryLink(notifier))
                            {
                                if (tail == null)
                                {
                                    head = finish;
                                }
                                else
                                {
                                    tail.NextLink = finish;
                                }

                                tail = finish;
                            }
                            else
                            {
                                ReportFinishLinkedTwice(notifier, in range);
                            }
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
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
                stopped = true;
            }

            // The finish pass (the kernel's mn_itree_finish_pass): oldest first, each finish unlinked before its
            // callback so the callback may reuse or return the object.
            NotifierFinish? f = head;
            while (f != null)
            {
                NotifierFinish? next = f.NextLink;
                IntervalNotifier owner = f.LinkedNotifier!;
                f.Unlink();
                try
                {
                    owner.Ops.InvalidateFinish(f);
                }
                catch (Exception ex)
                {
                    if (error == null)
                    {
                        error = ExceptionDispatchInfo.Capture(ex);
                    }
                    else
                    {
                        TraceDroppedException(owner, ex);
                    }
                }

                f = next;
            }
        }
        finally
        {
            ExitWalk();
            Interlocked.Decrement(ref _walks);
        }

        if (stopped || error != null)
        {
            EndRange(throwWhenIdle: false);
        }

        error?.Throw();
        return !stopped;
    }

    private void EndRange(bool throwWhenIdle)
    {
        lock (_lock)
        {
            if (_activeRanges == 0)
            {
                if (throwWhenIdle)
                {
                    throw new InvalidOperationException(
                        "InvalidateRangeEnd without an active range: every successful InvalidateRangeStart is ended " +
                        "exactly once, and a start that returned false or threw has already ended its range.");
                }

                return;
            }

            if (throwWhenIdle && _activeRanges <= Volatile.Read(ref _walks))
            {
                throw new InvalidOperationException(
                    "InvalidateRangeEnd without a matching range: every active range is still being started (its " +
                    "InvalidateRangeStart has not returned yet, on this or another thread). End a range only after " +
                    "its InvalidateRangeStart returned true, and never from a callback of its own walk.");
            }

            if (--_activeRanges != 0 || (_invalidateSeq & 1) == 0)
            {
                return;
            }

            // The last active range of an invalidation: make the sequence even, apply the deferred list.
            Volatile.Write(ref _invalidateSeq, _invalidateSeq + 1);
            IntervalNotifier? n = _deferredHead;
            _deferredHead = null;
            _deferredTail = null;
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
        }
    }

    private bool IsInvalidating => (_invalidateSeq & 1) != 0;

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
                    AppendDeferred(notifier);
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
        ulong waitFor;
        lock (_lock)
        {
            if (notifier.AddressSpace != this)
            {
                // Applied since the caller looked: by a committed removal (returns), or by a concurrent Remove.
                if (notifier.TryConsumeCommittedRemoval())
                {
                    return;
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
                    return;

                case NotifierState.Inserted:
                    if (!IsInvalidating)
                    {
                        _tree.Remove(notifier.Node);
                        notifier.Detach();
                        return;
                    }

                    // Committed from here on: if this call does not return normally (canceled, interrupted), the
                    // removal is still applied, and the next Remove reports it as done.
                    AppendDeferred(notifier);
                    notifier.State = NotifierState.PendingRemove;
                    notifier.RemoveSequence = _invalidateSeq;
                    notifier.CommitRemoval();
                    waitFor = _invalidateSeq;
                    break;

                default:
                    // Already pending (an earlier Remove was canceled, or a concurrent one waits): wait as well.
                    waitFor = notifier.RemoveSequence;
                    break;
            }
        }

        // Throws OperationCanceledException (or ThreadInterruptedException) with the removal still committed.
        WaitWhileSequenceIs(waitFor, cancellationToken);

        // This call has seen the removal applied: it consumes the commitment, so a further Remove throws.
        notifier.ClearCommittedRemoval();
    }

    /// <summary>The kernel's <c>mmu_interval_read_begin</c>.</summary>
    internal ulong ReadBegin(IntervalNotifier notifier, CancellationToken cancellationToken)
    {
        ThrowIfInsideWalk(nameof(IntervalNotifier.ReadBegin), "it may wait for the invalidation that is running");
        ulong seq;
        bool invalidating;
        lock (_lock)
        {
            // Pairs with the Volatile.Write in SetSequence.
            seq = notifier.Sequence;
            invalidating = seq == _invalidateSeq;
        }

        if (invalidating)
        {
            WaitWhileSequenceIs(seq, cancellationToken);
        }

        return seq;
    }

    /// <summary>Sleeps until the sequence differs from <paramref name="seq"/> (the kernel's <c>wait_event</c> on
    /// <c>subscriptions-&gt;wq</c>).</summary>
    private void WaitWhileSequenceIs(ulong seq, CancellationToken cancellationToken)
    {
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static s => ((AddressSpace)s!).WakeAll(), this);
        }

        try
        {
            lock (_lock)
            {
                while (_invalidateSeq == seq)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _waiters++;
                    try
                    {
                        Monitor.Wait(_lock);
                    }
                    finally
                    {
                        _waiters--;
                    }
                }
            }
        }
        finally
        {
            registration.Dispose();
        }
    }

    private void WakeAll()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }

    private static void EnsureOuterWalkCapacity()
    {
        AddressSpace?[]? stack = t_outerWalks;
        if (stack == null || t_outerWalkCount == stack.Length)
        {
            Array.Resize(ref stack, stack == null ? 4 : stack.Length * 2);
            t_outerWalks = stack;
        }
    }

    /// <summary>Records that a walk of this address space runs on this thread (capacity ensured beforehand).</summary>
    private void EnterWalk()
    {
        AddressSpace? outer = t_walking;
        if (outer != null)
        {
            t_outerWalks![t_outerWalkCount++] = outer;
        }

        t_walking = this;
    }

    /// <summary>Undoes the innermost <see cref="EnterWalk"/> of this thread (walks nest strictly).</summary>
    private static void ExitWalk()
    {
        int count = t_outerWalkCount;
        if (count == 0)
        {
            t_walking = null;
            return;
        }

        AddressSpace?[] stack = t_outerWalks!;
        t_walking = stack[--count];
        stack[count] = null;
        t_outerWalkCount = count;
    }

    /// <summary>Whether a walk of this address space (callbacks included) runs on this thread, at any depth.</summary>
    private bool IsWalkingOnThisThread()
    {
        if (t_walking == this)
        {
            return true;
        }

        AddressSpace?[]? stack = t_outerWalks;
        for (int i = t_outerWalkCount - 1; i >= 0; i--)
        {
            if (stack![i] == this)
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfInsideWalk(string member, string why)
    {
        if (IsWalkingOnThisThread())
        {
            throw new InvalidOperationException(
                $"{member} was called from a callback of an invalidation of the same address space ({why}): " +
                "this would deadlock. Call it outside the ops callbacks.");
        }
    }

    private void AppendDeferred(IntervalNotifier notifier)
    {
        notifier.DeferredNext = null;
        notifier.DeferredPrevious = _deferredTail;
        if (_deferredTail == null)
        {
            _deferredHead = notifier;
        }
        else
        {
            _deferredTail.DeferredNext = notifier;
        }

        _deferredTail = notifier;
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

        if (notifier.DeferredNext == null)
        {
            _deferredTail = notifier.DeferredPrevious;
        }
        else
        {
            notifier.DeferredNext.DeferredPrevious = notifier.DeferredPrevious;
        }

        notifier.DeferredPrevious = null;
        notifier.DeferredNext = null;
        _deferredCount--;
    }

    /// <summary>Only the first exception of a walk is rethrown: the later ones go to <see cref="Trace"/>.</summary>
    private static void TraceDroppedException(IntervalNotifier notifier, Exception ex)
    {
        try
        {
            Trace.TraceError(
                $"IntervalNotifiers: {notifier.Ops.GetType().FullName}.InvalidateFinish threw after an earlier " +
                "exception of the same invalidation, which is the one rethrown: " + ex);
        }
        catch (Exception)
        {
            // A failing trace listener must not keep the other finishes from running.
        }
    }

    private void ReportFalseOnBlockable(IntervalNotifier notifier, in NotifierRange range)
    {
        string callback = notifier.Shape!.OverridesInvalidateStart ? "InvalidateStart" : "Invalidate";
        Report(ContractViolationKind.FalseOnBlockableRange, notifier, in range,
            $"{notifier.Ops.GetType().FullName}.{callback} returned false on the blockable range {range} " +
            "(rule NTF007: false is allowed only when !range.IsBlockable). The walk went on.");
    }

    private void ReportFinishLinkedTwice(IntervalNotifier notifier, in NotifierRange range)
    {
        Report(ContractViolationKind.FinishLinkedTwice, notifier, in range,
            $"{notifier.Ops.GetType().FullName}.InvalidateStart handed out a finish object that is already linked " +
            $"into a two-pass list, during {range} (rule NTF002: each invocation needs its own finish). It was not " +
            "linked again; the walk went on.");
    }

    private void Report(ContractViolationKind kind, IntervalNotifier notifier, in NotifierRange range, string message)
    {
        Interlocked.Increment(ref _contractViolations);
        try
        {
            Trace.TraceWarning("IntervalNotifiers contract violation: " + message);
        }
        catch (Exception)
        {
            // A failing trace listener must not break the walk.
        }

        EventHandler<ContractViolationEventArgs>? handler = ContractViolation;
        if (handler == null)
        {
            return;
        }

        try
        {
            handler(this, new ContractViolationEventArgs(kind, notifier, range, message));
        }
        catch (Exception ex)
        {
            try
            {
                Trace.TraceError("IntervalNotifiers: a ContractViolation handler threw: " + ex);
            }
            catch (Exception)
            {
                // Nothing more can be done without breaking the walk.
            }
        }
    }
}
