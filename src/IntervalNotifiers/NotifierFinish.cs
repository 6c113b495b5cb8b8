using System;
using System.Threading;

namespace IntervalNotifiers;

/// <summary>
/// The state of one two-pass invalidation between its passes (the kernel's
/// <c>struct mmu_interval_notifier_finish</c>). Derive from it to carry data between the passes.
/// </summary>
/// <remarks>
/// <para>A start (<see cref="IntervalNotifierOps.InvalidateStart"/>) that wants a second pass creates a finish
/// (with <see langword="new"/>, or from a <see cref="NotifierFinishPool{TFinish}"/>), stores in it whatever the
/// second pass needs (a fence to wait for, a batch of TLB flushes), hands it out through its <c>out finish</c>
/// parameter and returns <see langword="true"/>. The runtime then sets <see cref="Notifier"/>, links the object into
/// the walk's two-pass list and, once every notifier of the walk has been started, passes it to
/// <see cref="IntervalNotifierOps.InvalidateFinish"/>.</para>
/// <para>As in the kernel, the runtime owns two fields of the object, its list link and its notifier pointer, and
/// overwrites them when it links the object; the driver owns the rest and the storage. Callbacks run in parallel
/// when invalidations overlap, so each invocation of a start needs its own finish object: handing out one object
/// that is still linked (shared by two invocations) is a contract violation (rule NTF002), reported through
/// <see cref="AddressSpace.ContractViolation"/>.</para>
/// <para>The runtime unlinks the object before it calls <see cref="IntervalNotifierOps.InvalidateFinish"/>, so the
/// finish callback may reuse it or return it to its pool (the kernel's walk over the list is likewise safe against
/// the finish freeing its object).</para>
/// </remarks>
public class NotifierFinish
{
    // Runtime-owned fields (the kernel's 'link' and 'notifier' members).
    private IntervalNotifier? _notifier;
    internal NotifierFinish? NextLink;
    private int _linked;

    // Pool bookkeeping (NotifierFinishPool).
    internal object? Pool;
    internal int PoolIndex;
    internal int Rented;

    /// <summary>Creates a finish object; hand it out from <see cref="IntervalNotifierOps.InvalidateStart"/>.</summary>
    public NotifierFinish()
    {
    }

    /// <summary>
    /// The notifier this finish belongs to: set by the runtime when it links the finish into the two-pass list, so
    /// that <see cref="IntervalNotifierOps.InvalidateFinish"/> knows which notifier it finishes.
    /// </summary>
    /// <remarks>Reading it inside <see cref="IntervalNotifierOps.InvalidateStart"/> is a mistake (rule NTF002): it is
    /// not set yet. <see cref="NotifierFinishPool{TFinish}.Return"/> clears it.</remarks>
    /// <exception cref="InvalidOperationException">The finish has not been linked into a two-pass list.</exception>
    public IntervalNotifier Notifier =>
        Volatile.Read(ref _notifier) ?? throw new InvalidOperationException(
            "This finish has not been linked into a two-pass list yet: the runtime sets Notifier only after " +
            "InvalidateStart hands the finish out and returns true. Read it in InvalidateFinish, not in InvalidateStart.");

    /// <summary>The notifier set when the finish was last linked, or null.</summary>
    internal IntervalNotifier? LinkedNotifier => Volatile.Read(ref _notifier);

    /// <summary>Whether the finish is linked into a two-pass list right now.</summary>
    internal bool IsLinked => Volatile.Read(ref _linked) != 0;

    /// <summary>
    /// Claims the finish for a two-pass list: false when it is already linked (one object handed out by two
    /// invocations). Thread-safe: two walks cannot both claim it.
    /// </summary>
    internal bool TryLink(IntervalNotifier notifier)
    {
        if (Interlocked.CompareExchange(ref _linked, 1, 0) != 0)
        {
            return false;
        }

        NextLink = null;
        Volatile.Write(ref _notifier, notifier);
        return true;
    }

    /// <summary>Unlinks the finish before its finish callback runs (the notifier stays readable).</summary>
    internal void Unlink()
    {
        NextLink = null;
        Volatile.Write(ref _linked, 0);
    }

    /// <summary>Clears the runtime-owned state (pool return): <see cref="Notifier"/> throws again.</summary>
    internal void ResetRuntimeState()
    {
        NextLink = null;
        Volatile.Write(ref _notifier, null);
    }
}
