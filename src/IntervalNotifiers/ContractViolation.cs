using System;

namespace IntervalNotifiers;

/// <summary>What a driver's callback did against the notifier contract (see <see cref="ContractViolationEventArgs"/>).</summary>
public enum ContractViolationKind
{
    /// <summary>
    /// <see cref="IntervalNotifierOps.Invalidate"/> or <see cref="IntervalNotifierOps.InvalidateStart"/> returned
    /// <see langword="false"/> on a blockable range (the kernel's <c>WARN_ON(mmu_notifier_range_blockable(range))</c>
    /// in <c>mn_itree_invalidate</c>, or <c>WARN_ON(!ret)</c> in <c>mn_itree_release</c>). The walk went on.
    /// </summary>
    FalseOnBlockableRange,

    /// <summary>
    /// <see cref="IntervalNotifierOps.InvalidateStart"/> handed out a finish object that was already linked into a
    /// two-pass list (one object shared by two invocations; rule NTF002). The runtime did not link it a second time:
    /// the finish runs once, for the invocation that linked it first.
    /// </summary>
    FinishLinkedTwice,

    /// <summary>
    /// A callback passed an even value to <see cref="IntervalNotifier.SetSequence"/> (the <c>currentSequence</c> a
    /// callback receives is always odd). The runtime stored the invalidation's own sequence instead, so
    /// readers of the notifier still retry. The walk went on.
    /// </summary>
    EvenSequence,
}

/// <summary>Describes one contract violation reported by <see cref="AddressSpace.ContractViolation"/>.</summary>
public sealed class ContractViolationEventArgs : EventArgs
{
    /// <summary>Creates the description of a violation.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="notifier">The notifier whose callback broke the contract.</param>
    /// <param name="range">The range being invalidated.</param>
    /// <param name="message">A readable description, also written to <see cref="System.Diagnostics.Trace"/>.</param>
    public ContractViolationEventArgs(ContractViolationKind kind, IntervalNotifier notifier, NotifierRange range, string message)
    {
        Kind = kind;
        Notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        Range = range;
        Message = message ?? throw new ArgumentNullException(nameof(message));
    }

    /// <summary>What went wrong.</summary>
    public ContractViolationKind Kind { get; }

    /// <summary>The notifier whose callback broke the contract.</summary>
    public IntervalNotifier Notifier { get; }

    /// <summary>The range being invalidated when it happened.</summary>
    public NotifierRange Range { get; }

    /// <summary>A readable description naming the ops type and the rule.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Message;
}
