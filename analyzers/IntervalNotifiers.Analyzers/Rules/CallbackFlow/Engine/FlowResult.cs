using System.Collections.Generic;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>The fixpoint of a <see cref="ForwardFlow{TState}"/> run.</summary>
internal sealed class FlowResult<TState>
    where TState : class
{
    public FlowResult(int blockCount)
    {
        In = new TState?[blockCount];
        Out = new TState?[blockCount];
    }

    /// <summary>The state at each block's entry (null: unreachable).</summary>
    public TState?[] In { get; }

    /// <summary>The state after each block's operations, before its branch value.</summary>
    public TState?[] Out { get; }

    /// <summary>The state on each edge (source ordinal, destination ordinal).</summary>
    public Dictionary<(int From, int To), TState> Edges { get; } = new();
}
