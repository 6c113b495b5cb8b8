using System;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

/// <summary>
/// An interval notifier (the kernel's <c>struct mmu_interval_notifier</c>): a subscription to invalidations of one
/// address range of an <see cref="IntervalNotifiers.AddressSpace"/>, with the sequence number that the read side
/// (<see cref="ReadBegin()"/> / <see cref="ReadRetry"/>) uses to detect that a mirror of the range went stale.
/// </summary>
/// <remarks>
/// <para>Derive from this class to carry driver state (the C driver embeds the struct in a larger one and uses
/// <c>container_of</c>); the callbacks receive the notifier and may cast it to the derived type.</para>
/// <para>Life cycle: construct with an <see cref="IntervalNotifierOps"/>, <see cref="Insert"/> into an address
/// space, mirror with the read side, <see cref="Remove()"/> when done. A removed notifier may be inserted again.</para>
/// <para>The read side, as the kernel's <c>mmu_interval_read_begin</c> kerneldoc describes it:</para>
/// <code>
/// while (true)
/// {
///     ulong seq = notifier.ReadBegin();     // may block while this notifier is being invalidated
///     var pages = LookUpPages();            // possibly slow work, no driver lock held
///     lock (driverLock)                     // the lock the invalidate callback holds around SetSequence
///     {
///         if (notifier.ReadRetry(seq))      // an invalidation ran meanwhile: the pages may be stale
///             continue;
///         ProgramDevice(pages);             // the mirror is valid until the next invalidation
///         break;
///     }
/// }
/// </code>
/// <para>and the matching callback takes <c>driverLock</c>, calls <see cref="SetSequence"/> with the sequence it
/// was given, and tears the mirror down.</para>
/// </remarks>
public class IntervalNotifier
{
    // All of the following is owned by the runtime. Fields marked "under the lock" are guarded by the address
    // space's lock; the others are read lock-free through Volatile.
    private AddressSpace? _space;
    private ulong _sequence;
    private ulong _start;
    private ulong _last;

    // 1 while a deferred removal is committed and no Remove call has returned for it yet (a Remove that waited was
    // canceled or interrupted): the next Remove then returns at once once the removal is applied.
    private int _removalCommitted;

    /// <summary>Creates a notifier with the given callbacks; it is not inserted anywhere yet.</summary>
    /// <param name="ops">The callbacks. Their type is checked by <see cref="Insert"/> (rules NTF001, NTF003).</param>
    /// <exception cref="ArgumentNullException"><paramref name="ops"/> is null.</exception>
    public IntervalNotifier(IntervalNotifierOps ops)
    {
        Ops = ops ?? throw new ArgumentNullException(nameof(ops));
        Node = new IntervalTreeNode<IntervalNotifier>(this);
    }

    /// <summary>The callbacks (the kernel's <c>ops</c> pointer), fixed at construction.</summary>
    public IntervalNotifierOps Ops { get; }

    /// <summary>
    /// The address space the notifier is inserted in (the kernel's <c>mm</c>), or <see langword="null"/> when it is
    /// not inserted. It is set by <see cref="Insert"/> even when the insertion is deferred, and cleared when the
    /// removal is applied.
    /// </summary>
    public AddressSpace? AddressSpace => Volatile.Read(ref _space);

    /// <summary>
    /// The first address of the watched range (inclusive), as given to the last <see cref="Insert"/>; 0 before the
    /// first insertion.
    /// </summary>
    public ulong Start => Volatile.Read(ref _start);

    /// <summary>
    /// The last address of the watched range (inclusive, as the kernel's interval tree: <c>start + length - 1</c>),
    /// as given to the last <see cref="Insert"/>; 0 before the first insertion.
    /// </summary>
    public ulong Last => Volatile.Read(ref _last);

    /// <summary>The tree node (allocated once, with the notifier).</summary>
    internal IntervalTreeNode<IntervalNotifier> Node { get; }

    /// <summary>The ops type's callbacks, known once inserted.</summary>
    internal OpsShape? Shape { get; set; }

    /// <summary>Where the notifier stands in its address space (under the lock).</summary>
    internal NotifierState State { get; set; }

    /// <summary>The address space sequence a deferred removal waits to see change (under the lock).</summary>
    internal ulong RemoveSequence { get; set; }

    /// <summary>Links of the address space's deferred list (under the lock).</summary>
    internal IntervalNotifier? DeferredPrevious;

    /// <summary>Links of the address space's deferred list (under the lock).</summary>
    internal IntervalNotifier? DeferredNext;

    /// <summary>
    /// Inserts the notifier into <paramref name="space"/> to watch [<paramref name="start"/>,
    /// <paramref name="start"/> + <paramref name="length"/> - 1] (the kernel's <c>mmu_interval_notifier_insert</c>).
    /// </summary>
    /// <remarks>
    /// <para>As in the kernel, the notifier may not be in the interval tree yet when this returns: while an
    /// invalidation that hit a notifier is active the tree is frozen, and the insertion is deferred until the last
    /// active range ends. Such a notifier starts "collided" (its sequence equals the current one), so a
    /// <see cref="ReadBegin()"/> waits for that moment and sees every invalidation from there on. When no
    /// invalidation is active the notifier gets the current sequence minus one, so <see cref="ReadBegin()"/> does not
    /// wait. Either way, use the read side to set up the mirror.</para>
    /// <para>Every check happens before anything changes: a call that throws leaves the notifier and the address
    /// space exactly as they were. Thread-safe; never blocks.</para>
    /// </remarks>
    /// <param name="space">The address space to watch.</param>
    /// <param name="start">The first address (inclusive).</param>
    /// <param name="length">The number of addresses, at least 1; <c>start + length - 1</c> must not overflow.</param>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is 0, or
    /// <c>start + length - 1</c> overflows (the kernel's <c>-EOVERFLOW</c>).</exception>
    /// <exception cref="InvalidOperationException">The notifier is already inserted (in this or another address
    /// space, or with its removal still pending); its ops type overrides <c>InvalidateStart</c> without
    /// <c>InvalidateFinish</c> (rule NTF001, the kernel's <c>WARN_ON_ONCE</c>) or overrides neither
    /// <c>Invalidate</c> nor <c>InvalidateStart</c> (rule NTF003); or the address space has been released.</exception>
    public void Insert(AddressSpace space, ulong start, ulong length)
    {
        if (space is null)
        {
            throw new ArgumentNullException(nameof(space));
        }

        if (length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                "The length must be at least 1 (the kernel's mmu_interval_notifier_insert returns -EOVERFLOW).");
        }

        ulong last = unchecked(start + (length - 1));
        if (last < start)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"start + length - 1 overflows: 0x{start:X} + 0x{length:X} - 1 does not fit in 64 bits " +
                "(the kernel's mmu_interval_notifier_insert returns -EOVERFLOW).");
        }

        OpsShape shape = OpsShape.Get(Ops.GetType());
        if (shape.Error != null)
        {
            throw new InvalidOperationException(shape.Error);
        }

        space.InsertNotifier(this, shape, start, last);
    }

    /// <summary>
    /// Removes the notifier from its address space (the kernel's <c>mmu_interval_notifier_remove</c>). When this
    /// returns, no callback of this notifier runs or will ever run, and <see cref="AddressSpace"/> is null.
    /// </summary>
    /// <remarks>
    /// <para><b>May block:</b> while an invalidation that hit a notifier is active the tree is frozen, so the removal
    /// is deferred to the moment the last active range ends, and this call waits for it. Therefore never call it
    /// from an ops callback (rule NTF011: the runtime throws <see cref="InvalidOperationException"/> when it is
    /// called on a thread that runs a callback of this address space, even one further out when callbacks nest,
    /// rather than deadlock), nor while holding a lock that an invalidate callback takes, nor on a thread between its
    /// own <see cref="AddressSpace.InvalidateRangeStart"/> and <see cref="AddressSpace.InvalidateRangeEnd"/> (the
    /// removal would wait for that very range to end).</para>
    /// <para>A notifier whose insertion is still deferred is simply taken off the deferred list, without waiting.</para>
    /// <para>From <see cref="Task"/>-based code, <see cref="RemoveAsync"/> waits without blocking a thread.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The notifier is not inserted, or the call comes from a callback of
    /// this address space.</exception>
    public void Remove() => Remove(CancellationToken.None);

    /// <summary>
    /// Removes the notifier from its address space, as <see cref="Remove()"/>, with a cancelable wait.
    /// </summary>
    /// <remarks>
    /// <para><b>May block</b> until the deferred removal is applied (see <see cref="Remove()"/>).</para>
    /// <para>If <paramref name="cancellationToken"/> is canceled while waiting (or the waiting thread is interrupted),
    /// the removal stays committed: it is applied when the last active range ends, and callbacks of this notifier may
    /// run until then. Call <see cref="Remove()"/> again to wait for it; that call returns at once when the removal
    /// has been applied meanwhile. Once a Remove call has returned normally for the removal, a further one throws, as
    /// for any notifier that is not inserted.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait (not the removal).</param>
    /// <exception cref="InvalidOperationException">The notifier is not inserted, or the call comes from a callback of
    /// this address space.</exception>
    /// <exception cref="OperationCanceledException">The wait was canceled; the removal is still committed.</exception>
    /// <exception cref="ThreadInterruptedException">The waiting thread was interrupted; the removal is still
    /// committed.</exception>
    public void Remove(CancellationToken cancellationToken)
    {
        AddressSpace? space = Volatile.Read(ref _space);
        if (space is null)
        {
            if (TryConsumeCommittedRemoval())
            {
                // A canceled Remove committed the removal and it has been applied since.
                return;
            }

            throw new InvalidOperationException(
                "This notifier is not inserted in an address space: Remove pairs with a successful Insert.");
        }

        space.RemoveNotifier(this, cancellationToken);
    }

    /// <summary>
    /// Removes the notifier from its address space, as <see cref="Remove(CancellationToken)"/>, but waits for a
    /// deferred removal without blocking a thread: the returned task completes when the removal has been applied.
    /// </summary>
    /// <remarks>
    /// <para>Same semantics as <see cref="Remove(CancellationToken)"/>: when the task completes, no callback of this
    /// notifier runs or will ever run. When no invalidation is active the removal happens at once and the returned
    /// task is already complete (nothing allocated). Do not await it from an ops callback, nor between your own
    /// <see cref="AddressSpace.InvalidateRangeStart"/> and <see cref="AddressSpace.InvalidateRangeEnd"/>: it would wait
    /// for that very range to end.</para>
    /// <para>If <paramref name="cancellationToken"/> is canceled while waiting, the task is canceled and the removal
    /// stays committed (see <see cref="Remove(CancellationToken)"/>).</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait (not the removal).</param>
    /// <returns>A task that completes once the notifier is removed.</returns>
    /// <exception cref="InvalidOperationException">Thrown synchronously: the notifier is not inserted, or the call
    /// comes from a callback of this address space. Nothing changes.</exception>
    /// <exception cref="OperationCanceledException">The task is canceled when the wait is; the removal is still
    /// committed.</exception>
    public ValueTask RemoveAsync(CancellationToken cancellationToken = default)
    {
        AddressSpace? space = Volatile.Read(ref _space);
        if (space is null)
        {
            if (TryConsumeCommittedRemoval())
            {
                return default;
            }

            throw new InvalidOperationException(
                "This notifier is not inserted in an address space: RemoveAsync pairs with a successful Insert.");
        }

        return space.RemoveNotifierAsync(this, cancellationToken);
    }

    /// <summary>
    /// Begins a read-side critical section, as <see cref="ReadBegin(CancellationToken)"/>, but waits for an
    /// invalidation of this notifier in flight without blocking a thread.
    /// </summary>
    /// <remarks>
    /// <para>Same semantics as <see cref="ReadBegin(CancellationToken)"/>: the result is the notifier's sequence, for
    /// <see cref="ReadRetry"/> under the driver's lock; when an invalidation of this notifier is in flight the task
    /// completes when it ends. When nothing is in flight the returned task is already complete (nothing allocated).
    /// Many readers waiting for one invalidation share one wait. Use it from <see cref="Task"/>-based code (thread-pool
    /// readers, device work that is itself a task) so that readers waiting for an invalidation do not hold pool
    /// threads; never await it under a lock that an invalidate callback takes (a <c>SemaphoreSlim</c> used as an
    /// async driver lock counts), nor between your own <see cref="AddressSpace.InvalidateRangeStart"/> and
    /// <see cref="AddressSpace.InvalidateRangeEnd"/>.</para>
    /// <para>A canceled token is observed only when the call has to wait, as for the blocking
    /// overload.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The sequence to check with <see cref="ReadRetry"/> under the driver's lock.</returns>
    /// <exception cref="InvalidOperationException">Thrown synchronously: the notifier is not inserted, or the call
    /// comes from a callback of this address space.</exception>
    /// <exception cref="OperationCanceledException">The task is canceled when the wait is.</exception>
    public ValueTask<ulong> ReadBeginAsync(CancellationToken cancellationToken = default)
    {
        AddressSpace space = Volatile.Read(ref _space) ?? throw new InvalidOperationException(
            "This notifier is not inserted in an address space: call Insert before ReadBeginAsync.");
        return space.ReadBeginAsync(this, cancellationToken);
    }

    /// <summary>
    /// Begins a read-side critical section (the kernel's <c>mmu_interval_read_begin</c>): returns the notifier's
    /// sequence to give to <see cref="ReadRetry"/> later, after waiting for an invalidation of this notifier that is in
    /// flight.
    /// </summary>
    /// <remarks>
    /// <para><b>May block:</b> if the notifier's sequence equals the address space's (an invalidation that hit this
    /// notifier, or collided with its insertion, is active), it waits until that invalidation ends, so that the work
    /// that follows does not start on a range that is still being torn down. Never call it from an ops callback (the
    /// runtime throws <see cref="InvalidOperationException"/> when it is called on a thread that runs a callback of
    /// this address space, even one further out when callbacks nest), nor while holding a lock that an invalidate
    /// callback takes, nor on a thread between its own <see cref="AddressSpace.InvalidateRangeStart"/> and
    /// <see cref="AddressSpace.InvalidateRangeEnd"/> (it could wait for that very range to end).</para>
    /// <para>The returned value is valid only with <see cref="ReadRetry"/> / <see cref="CheckRetry"/> of this
    /// notifier (rule NTF009: a discarded result is a mistake).</para>
    /// <para>From <see cref="Task"/>-based code (thread-pool readers), <see cref="ReadBeginAsync"/> waits without
    /// blocking a thread.</para>
    /// </remarks>
    /// <returns>The sequence to check with <see cref="ReadRetry"/> under the driver's lock.</returns>
    /// <exception cref="InvalidOperationException">The notifier is not inserted, or the call comes from a callback of
    /// this address space.</exception>
    public ulong ReadBegin() => ReadBegin(CancellationToken.None);

    /// <summary>Begins a read-side critical section, as <see cref="ReadBegin()"/>, with a cancelable wait.</summary>
    /// <remarks><b>May block</b> while an invalidation of this notifier is in flight (see <see cref="ReadBegin()"/>).</remarks>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The sequence to check with <see cref="ReadRetry"/> under the driver's lock.</returns>
    /// <exception cref="InvalidOperationException">The notifier is not inserted, or the call comes from a callback of
    /// this address space.</exception>
    /// <exception cref="OperationCanceledException">The wait was canceled.</exception>
    public ulong ReadBegin(CancellationToken cancellationToken)
    {
        AddressSpace space = Volatile.Read(ref _space) ?? throw new InvalidOperationException(
            "This notifier is not inserted in an address space: call Insert before ReadBegin.");
        return space.ReadBegin(this, cancellationToken);
    }

    /// <summary>
    /// Whether the read that started with <paramref name="sequence"/> must be retried (the kernel's
    /// <c>mmu_interval_read_retry</c>): true when an invalidate callback has called <see cref="SetSequence"/> since.
    /// </summary>
    /// <remarks>
    /// Call it under the same driver lock that the invalidate callback holds around <see cref="SetSequence"/> (rule
    /// NTF010): a false answer then stays true until the lock is released, so the device can be programmed under
    /// it. Never blocks.
    /// </remarks>
    /// <param name="sequence">The value <see cref="ReadBegin()"/> returned.</param>
    /// <returns><see langword="true"/> when the mirror may be stale and the read must start over.</returns>
    public bool ReadRetry(ulong sequence)
    {
        if (Volatile.Read(ref _sequence) == sequence)
        {
            return false;
        }

        RuntimeMetrics.CountReadRetry();
        return true;
    }

    /// <summary>
    /// A lock-free hint that the read that started with <paramref name="sequence"/> will have to be retried (the
    /// kernel's <c>mmu_interval_check_retry</c>), to give up early on long work.
    /// </summary>
    /// <remarks>Only <see langword="true"/> is reliable: <see langword="false"/> may already be out of date, so the
    /// final check must be <see cref="ReadRetry"/> under the driver's lock. Never blocks.</remarks>
    /// <param name="sequence">The value <see cref="ReadBegin()"/> returned.</param>
    /// <returns><see langword="true"/> when an invalidation has certainly happened since.</returns>
    public bool CheckRetry(ulong sequence) => Volatile.Read(ref _sequence) != sequence;

    /// <summary>
    /// Stores the sequence an invalidate callback received (the kernel's <c>mmu_interval_set_seq</c>), so that
    /// readers that began before it retry.
    /// </summary>
    /// <remarks>
    /// Call it only from <see cref="IntervalNotifierOps.Invalidate"/> or
    /// <see cref="IntervalNotifierOps.InvalidateStart"/> (rule NTF012), unconditionally, under the driver lock that
    /// readers hold around <see cref="ReadRetry"/>; a callback may skip it only for ranges it does not need to act on
    /// (its own <see cref="NotifierRange.Owner"/>, say). Never blocks.
    /// </remarks>
    /// <param name="currentSequence">The <c>currentSequence</c> argument of the callback: always odd.</param>
    /// <exception cref="ArgumentException"><paramref name="currentSequence"/> is even, so it cannot come from a
    /// callback (storing it could make <see cref="ReadBegin()"/> wait for an invalidation that is not running), and
    /// the call does not come from a callback of this notifier's address space. Nothing changes. From a callback, the
    /// same mistake does not throw in the middle of the walk: it is reported through
    /// <see cref="AddressSpace.ContractViolation"/> (<see cref="ContractViolationKind.EvenSequence"/>), the
    /// invalidation's own sequence is stored instead, and the walk goes on.</exception>
    public void SetSequence(ulong currentSequence)
    {
        if ((currentSequence & 1) == 0)
        {
            if (Volatile.Read(ref _space) is { } space && space.TryReportEvenSequence(this, currentSequence))
            {
                return;
            }

            throw new ArgumentException(
                $"The sequence 0x{currentSequence:X} is even: pass the currentSequence argument the invalidate " +
                "callback received, which is always odd.", nameof(currentSequence));
        }

        Volatile.Write(ref _sequence, currentSequence);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{GetType().Name} [0x{Start:X}, 0x{Last:X}] ({Ops.GetType().Name})";

    /// <summary>The notifier's sequence (the kernel's <c>invalidate_seq</c> of the subscription).</summary>
    internal ulong Sequence
    {
        get => Volatile.Read(ref _sequence);
        set => Volatile.Write(ref _sequence, value);
    }

    /// <summary>Claims the notifier for <paramref name="space"/>: false when it is already inserted somewhere.</summary>
    internal bool TryClaim(AddressSpace space) => Interlocked.CompareExchange(ref _space, space, null) is null;

    /// <summary>Records the watched range (under the lock, while the notifier is in no tree).</summary>
    internal void SetRange(ulong start, ulong last)
    {
        Node.Start = start;
        Node.Last = last;
        Volatile.Write(ref _start, start);
        Volatile.Write(ref _last, last);
        ClearCommittedRemoval();
    }

    /// <summary>Detaches the notifier once its removal is applied (under the lock).</summary>
    internal void Detach()
    {
        State = NotifierState.Detached;
        Volatile.Write(ref _space, null);
    }

    /// <summary>Marks a deferred removal as committed (under the lock, when it is deferred).</summary>
    internal void CommitRemoval() => Volatile.Write(ref _removalCommitted, 1);

    /// <summary>A Remove call returned for the removal (or the notifier is inserted again): nothing is committed.</summary>
    internal void ClearCommittedRemoval() => Volatile.Write(ref _removalCommitted, 0);

    /// <summary>Takes the committed removal, once: true for exactly one caller after a removal was committed.</summary>
    internal bool TryConsumeCommittedRemoval() => Interlocked.Exchange(ref _removalCommitted, 0) != 0;
}

/// <summary>Where a notifier stands in its address space.</summary>
internal enum NotifierState
{
    /// <summary>Not inserted.</summary>
    Detached,

    /// <summary>On the deferred list, waiting to be inserted into the tree.</summary>
    PendingInsert,

    /// <summary>In the tree.</summary>
    Inserted,

    /// <summary>In the tree and on the deferred list, waiting to be removed.</summary>
    PendingRemove,
}
