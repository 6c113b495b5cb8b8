using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
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
/// removals are applied (newest first, as the kernel adds each to the head of its list), and every waiter in
/// <see cref="IntervalNotifier.ReadBegin()"/> and <see cref="IntervalNotifier.Remove()"/> (or their async forms) is
/// woken (<c>mn_itree_inv_end</c>).</description></item>
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
/// <para>Contract violations found inside a walk (a callback returning <see langword="false"/> on a blockable range,
/// which the kernel only WARNs about; one finish object handed out twice; an even value given to
/// <see cref="IntervalNotifier.SetSequence"/> by a callback) do not throw in the middle of a walk: they are counted in
/// <see cref="ContractViolationCount"/>, written to <see cref="Trace"/> as warnings and raised through
/// <see cref="ContractViolation"/>, and the walk goes on.</para>
/// </remarks>
public sealed partial class AddressSpace
{

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

    // Active ranges that a callback of this address space started and has not ended (under the lock): they belong to
    // that callback, which alone may end them (see WalkFrame.OwnedRanges), so an end from elsewhere does not count them.
    private int _callbackRanges;
    private IntervalNotifier? _deferredHead;
    private int _deferredCount;
    private int _waiters;

    // Completed when the current invalidation ends, for ReadBeginAsync / RemoveAsync (under the lock; null when no
    // async waiter waits).
    private TaskCompletionSource? _endOfInvalidation;
    private bool _released;
    private long _contractViolations;

    /// <summary>Creates an empty address space: no notifiers, sequence 2, no active range.</summary>
    public AddressSpace()
    {
    }

    /// <summary>
    /// Raised when a callback breaks a contract inside a walk: a <see langword="false"/> return on a blockable range
    /// (the kernel only WARNs about it), one finish object handed out twice, or an even value given to
    /// <see cref="IntervalNotifier.SetSequence"/> (see <see cref="ContractViolationKind"/>).
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

    private static void ValidateRange(in NotifierRange range)
    {
        if (range.End <= range.Start)
        {
            throw new ArgumentException(
                $"The range [0x{range.Start:X}, 0x{range.End:X}) is empty: End is exclusive and must be greater than " +
                "Start (a default NotifierRange is not a valid range).", nameof(range));
        }
    }

    private bool IsInvalidating => (_invalidateSeq & 1) != 0;
}
