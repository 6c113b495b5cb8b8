namespace IntervalNotifiers;

/// <summary>
/// The callbacks of an interval notifier (the kernel's <c>struct mmu_interval_notifier_ops</c>).
/// A callback is "defined" when the ops type overrides it.
/// </summary>
public abstract class IntervalNotifierOps
{
    /// <summary>Single-pass invalidation (the kernel's <c>invalidate</c>).</summary>
    public virtual bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

    /// <summary>First pass of a two-pass invalidation (the kernel's <c>invalidate_start</c>).</summary>
    public virtual bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                        out NotifierFinish? finish)
    {
        finish = null;
        return Invalidate(notifier, range, currentSequence);
    }

    /// <summary>Second pass of a two-pass invalidation (the kernel's <c>invalidate_finish</c>).</summary>
    public virtual void InvalidateFinish(NotifierFinish finish)
    {
    }
}
