namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>What is known about the locks held at one point of a method.</summary>
internal enum LockKind
{
    /// <summary>Provably no lock of the method itself is held there (callers of a private helper aside).</summary>
    None,

    /// <summary>At least one lock region encloses the point.</summary>
    Locked,

    /// <summary>Nothing can be said: a lock may be held through a helper, a lambda, an unknown construct.</summary>
    Unknown,
}
