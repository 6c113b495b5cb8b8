using System;

namespace IntervalNotifiers;

/// <summary>
/// The state of one two-pass invalidation between its passes (the kernel's
/// <c>struct mmu_interval_notifier_finish</c>). Derive from it to carry data between the passes.
/// </summary>
public class NotifierFinish
{
    /// <summary>Creates a finish object; hand it out from <see cref="IntervalNotifierOps.InvalidateStart"/>.</summary>
    public NotifierFinish()
    {
    }

    /// <summary>The notifier this finish belongs to; set by the runtime when it links the finish.</summary>
    /// <exception cref="InvalidOperationException">The finish has not been linked into the two-pass list.</exception>
    public IntervalNotifier Notifier => throw new NotImplementedException("runtime: in progress");
}
