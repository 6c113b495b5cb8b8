namespace IntervalNotifiers;

/// <summary>
/// The callbacks of an interval notifier (the kernel's <c>struct mmu_interval_notifier_ops</c>). A callback is
/// "defined" when the ops type overrides it: derive from this class and override either
/// <see cref="Invalidate"/> (single pass) or <see cref="InvalidateStart"/> together with
/// <see cref="InvalidateFinish"/> (two passes).
/// </summary>
/// <remarks>
/// <para><see cref="IntervalNotifier.Insert"/> checks the type once (the result is cached per type): a type that
/// overrides <see cref="InvalidateStart"/> without <see cref="InvalidateFinish"/> is rejected (rule NTF001, the
/// kernel's <c>WARN_ON_ONCE(ops-&gt;invalidate_start &amp;&amp; !ops-&gt;invalidate_finish)</c>), and so is a type
/// that overrides neither <see cref="Invalidate"/> nor <see cref="InvalidateStart"/> (rule NTF003). When a type
/// overrides <see cref="InvalidateStart"/>, the runtime never calls <see cref="Invalidate"/> (rule NTF004), except
/// through the start's own fallback.</para>
/// <para>Callbacks run on the thread that calls <see cref="AddressSpace.InvalidateRangeStart"/> (or
/// <see cref="AddressSpace.Release"/>), without any runtime lock held, and in parallel with each other when
/// invalidations of overlapping ranges run on several threads. They must not call
/// <see cref="IntervalNotifier.Remove()"/> or <see cref="IntervalNotifier.ReadBegin()"/> of the same address space
/// (both may wait for the invalidation that is running; the runtime throws rather than deadlock).</para>
/// <para>They may call <see cref="IntervalNotifier.Insert"/> (deferred until the invalidation ends, as any insertion
/// during an invalidation). They must not end the range they are called for (<see cref="AddressSpace.InvalidateRangeEnd"/>
/// throws then). A callback that starts another invalidation on its thread (of this or another address space) gets
/// an ordinary active range: its callbacks run nested, possibly for the same notifier, and the callback must end
/// that range before returning. The kernel forbids this recursion (lockdep), so drivers meant to mirror kernel code
/// should not rely on it.</para>
/// </remarks>
public abstract class IntervalNotifierOps
{
    /// <summary>
    /// Single-pass invalidation (the kernel's <c>invalidate</c>): stop using every mirror ("shadow PTE") of the range
    /// before returning.
    /// </summary>
    /// <remarks>
    /// <para>After this returns <see langword="true"/>, the driver must no longer use any copy of the addresses in
    /// <paramref name="range"/>. It may block (wait for the device) when <see cref="NotifierRange.IsBlockable"/>.</para>
    /// <para>Call <see cref="IntervalNotifier.SetSequence"/> with <paramref name="currentSequence"/>
    /// unconditionally, under the driver lock that the read side holds around <see cref="IntervalNotifier.ReadRetry"/>
    /// (rule NTF008); skipping it is fine only for ranges the driver does not need to act on (its own
    /// <see cref="NotifierRange.Owner"/>, for instance) or when nobody uses the read side.</para>
    /// <para>Return <see langword="false"/> only when the work would have to block and the range is not blockable
    /// (rule NTF007): the walk then stops and the invalidation fails. A <see langword="false"/> on a blockable range is
    /// a contract violation: it is reported through <see cref="AddressSpace.ContractViolation"/> and ignored.</para>
    /// </remarks>
    /// <param name="notifier">The notifier being invalidated (cast it to the derived notifier type).</param>
    /// <param name="range">The range being invalidated; it may extend beyond the notifier's own range.</param>
    /// <param name="currentSequence">The address space's sequence for this invalidation; always odd.</param>
    /// <returns><see langword="true"/> when done; <see langword="false"/> only on a non-blockable range that would
    /// need to block.</returns>
    public virtual bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

    /// <summary>
    /// First pass of a two-pass invalidation (the kernel's <c>invalidate_start</c>): start the invalidation (submit
    /// a TLB flush, preempt a context), optionally hand out a finish object, and let the runtime start the other
    /// notifiers before anyone waits.
    /// </summary>
    /// <remarks>
    /// <para><paramref name="finish"/> is null on entry. To get a second pass, create a finish per invocation (with
    /// <see langword="new"/> or from a <see cref="NotifierFinishPool{TFinish}"/>), store in it what the second pass
    /// needs, assign it to <paramref name="finish"/> and return <see langword="true"/>: the runtime sets
    /// <see cref="NotifierFinish.Notifier"/>, links it, and calls <see cref="InvalidateFinish"/> with it after every
    /// notifier of the walk has been started, before <see cref="AddressSpace.InvalidateRangeStart"/> returns. Leave
    /// <paramref name="finish"/> null to do everything in this pass, as <see cref="Invalidate"/> would (also the
    /// fallback when the pool is empty).</para>
    /// <para>Callbacks run in parallel, so each invocation needs its own finish object (rule NTF002); handing out an
    /// object that is still linked is a contract violation (reported, not linked again). A start that returns
    /// <see langword="false"/> is never finished, so it must not hand out a finish it expects to be finished
    /// (rule NTF006). The rules of <see cref="Invalidate"/> about <see cref="IntervalNotifier.SetSequence"/> and
    /// <see langword="false"/> returns apply here too.</para>
    /// <para>The default implementation calls <see cref="Invalidate"/> and hands out no finish; the runtime calls the
    /// start only when the ops type overrides it.</para>
    /// </remarks>
    /// <param name="notifier">The notifier being invalidated.</param>
    /// <param name="range">The range being invalidated.</param>
    /// <param name="currentSequence">The address space's sequence for this invalidation; always odd.</param>
    /// <param name="finish">Null on entry; the finish object for the second pass, or null for none.</param>
    /// <returns><see langword="true"/> when started (and finished, if <paramref name="finish"/> is null);
    /// <see langword="false"/> only on a non-blockable range that would need to block.</returns>
    public virtual bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                        out NotifierFinish? finish)
    {
        finish = null;
        return Invalidate(notifier, range, currentSequence);
    }

    /// <summary>
    /// Second pass of a two-pass invalidation (the kernel's <c>invalidate_finish</c>): complete what
    /// <see cref="InvalidateStart"/> started (wait for the flush), so that no mirror of the range is used any more.
    /// </summary>
    /// <remarks>
    /// <para>Called once for every finish a start handed out with <see langword="true"/>, with exactly that object
    /// (<see cref="NotifierFinish.Notifier"/> tells which notifier), in the order the starts ran, after all starts of
    /// the walk. It returns nothing and cannot fail (two passes, no more). It receives no range: it may block only
    /// when the range its start saw was blockable (a start that cannot block on a non-blockable range returns
    /// <see langword="false"/> without a finish, as the kernel's xe driver does, or records
    /// <see cref="NotifierRange.IsBlockable"/> in the finish). The object is already unlinked: the callback may return
    /// it to its pool or reuse it. Never call it yourself (rule NTF002).</para>
    /// </remarks>
    /// <param name="finish">The object the start handed out.</param>
    public virtual void InvalidateFinish(NotifierFinish finish)
    {
    }
}
