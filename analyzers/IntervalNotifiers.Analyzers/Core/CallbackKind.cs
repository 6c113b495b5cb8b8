using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>Which ops callback a method is (or belongs to, for helpers).</summary>
[System.Flags]
public enum CallbackKind
{
    None = 0,
    Invalidate = 1,
    InvalidateStart = 2,
    InvalidateFinish = 4,

    /// <summary>
    /// The "invalidate callbacks": <c>Invalidate</c> or <c>InvalidateStart</c>, never <c>InvalidateFinish</c>
    /// (docs/rules/NTF008.md, docs/rules/NTF012.md).
    /// </summary>
    InvalidateCallbacks = Invalidate | InvalidateStart,
}
