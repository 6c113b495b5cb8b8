using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>What one method's own body calls (<see cref="SourceCalls.Compute"/>).</summary>
internal sealed class MethodCalls
{
    public MethodCalls(CallTargets direct, ImmutableArray<IMethodSymbol> callees)
    {
        Direct = direct;
        Callees = callees;
    }

    /// <summary>A body that calls no target and no followed method.</summary>
    public static MethodCalls None { get; } = new(CallTargets.None, ImmutableArray<IMethodSymbol>.Empty);

    /// <summary>The targets the body calls itself (outside deferred code).</summary>
    public CallTargets Direct { get; }

    /// <summary>The methods the body calls whose calls are followed (<see cref="SourceCalls.FollowedTarget"/>).</summary>
    public ImmutableArray<IMethodSymbol> Callees { get; }
}
