using System.Collections.Generic;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>The collected bodies of a type and the calls between its own methods (built by <see cref="TypeBodies"/>).</summary>
internal sealed class TypeCallGraph
{
    public TypeCallGraph(MethodBody[] bodies) => Bodies = bodies;

    public MethodBody[] Bodies { get; }

    /// <summary>For each own method (by <see cref="TypeBodies.Key"/>), the calls of it and the member that makes each.</summary>
    public Dictionary<IMethodSymbol, List<(ISymbol Caller, IOperation Call)>> Calls { get; } =
        new(SymbolEqualityComparer.Default);

    /// <summary>The own methods referenced as a method group (made into a delegate).</summary>
    public HashSet<IMethodSymbol> Escaping { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The membership of each member (<see cref="TypeBodies.MembershipOf"/>); speed layer: computed once.</summary>
    public Dictionary<ISymbol, CallbackKind>? Membership;

    /// <summary>The bodies' identities (Speed/TypeGraphs.cs), computed when another analyzer asks whether it may reuse the graph.</summary>
    public HashSet<IOperation>? BodyKeys;
}
