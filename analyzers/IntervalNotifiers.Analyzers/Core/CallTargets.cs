using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>The runtime methods that must not run inside an ops callback, as a set (what a body calls, or reaches).</summary>
[System.Flags]
internal enum CallTargets
{
    None = 0,

    /// <summary><c>IntervalNotifier.Remove</c>, any overload (NTF011).</summary>
    Remove = 1,

    /// <summary><c>IntervalNotifier.ReadBegin</c> (NTF013).</summary>
    ReadBegin = 2,

    All = Remove | ReadBegin,
}
