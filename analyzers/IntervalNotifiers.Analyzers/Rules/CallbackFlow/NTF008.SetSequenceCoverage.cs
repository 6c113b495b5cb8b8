namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>How much of a helper's paths call SetSequence.</summary>
internal enum SetSequenceCoverage
{
    /// <summary>No path calls it.</summary>
    None,

    /// <summary>Some paths do, or the analysis cannot tell: calls of the helper make the path unknown (silent).</summary>
    Some,

    /// <summary>Every path that returns normally calls it.</summary>
    All,
}
