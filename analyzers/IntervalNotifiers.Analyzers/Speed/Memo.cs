using System;
using System.Threading;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// The speed layer's one idiom for "compute on first use, then keep": every lazily built value of the core
/// (a type's body snapshot and call graph, the helper membership, a body's operation list and control-flow
/// graph) goes through here, so the core reads as if it computed each value every time it is asked.
/// </summary>
/// <remarks>
/// What it skips: recomputing a value that the core would compute identically on every call.
/// Invariant that keeps it consistent: the computation is a pure function of inputs that no longer change once a
/// value is asked for (the driver has collected every block of a type before its symbol-end action asks, and an
/// operation tree never changes). There is no lock: callers racing on an empty slot may each compute an equal
/// value, and the slot keeps one of them; the value is published by reference, so no caller sees it half built.
/// </remarks>
internal static class Memo
{
    /// <summary>The value in <paramref name="slot"/>, computed by <paramref name="compute"/> and stored there the first time.</summary>
    public static T Get<T, TState>(ref T? slot, TState state, Func<TState, T> compute)
        where T : class
    {
        var value = Volatile.Read(ref slot);
        if (value is null)
        {
            value = compute(state);
            Volatile.Write(ref slot, value);
        }

        return value;
    }

    /// <summary>
    /// The value in <paramref name="slot"/> when <paramref name="isCurrent"/> says it still matches
    /// <paramref name="state"/>; otherwise computed again and stored. For values derived from a collection that may
    /// still grow while an analysis runs early (the core then never reads a stale value).
    /// </summary>
    public static T GetCurrent<T, TState>(ref T? slot, TState state, Func<TState, T, bool> isCurrent, Func<TState, T> compute)
        where T : class
    {
        var value = Volatile.Read(ref slot);
        if (value is null || !isCurrent(state, value))
        {
            value = compute(state);
            Volatile.Write(ref slot, value);
        }

        return value;
    }
}
