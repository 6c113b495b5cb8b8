using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// The call graphs of types (<see cref="TypeCallGraph"/>, with the helper membership computed from them), shared by every
/// IntervalNotifiers analyzer of one compilation.
/// </summary>
/// <remarks>
/// What it skips: building a type's call graph and its helper membership once per analyzer (each analyzer collects its
/// own <see cref="TypeBodies"/> of an ops type; five of them ask for the membership). Invariant that keeps it
/// consistent: a graph is a function of the type and of its bodies' operation trees, which the driver hands every
/// analyzer identical; a graph is reused only for the same type and the same bodies (each body known by its first
/// block, by reference, as in <see cref="Walks"/>; a body without blocks is never matched), so an analyzer that asks
/// before it has seen every body gets a graph of its own. Each analyzer asks once per snapshot of its bodies
/// (<see cref="TypeBodies"/> keeps the answer). One table per compilation, dropped with it.
/// </remarks>
internal sealed class TypeGraphs
{
    private static readonly ConditionalWeakTable<Compilation, TypeGraphs> PerCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, TypeGraphs>.CreateValueCallback Create = _ => new TypeGraphs();

    private readonly ConcurrentDictionary<INamedTypeSymbol, TypeCallGraph> _graphs = new(SymbolEqualityComparer.Default);

    public static TypeGraphs For(Compilation compilation) => PerCompilation.GetValue(compilation, Create);

    /// <summary>The graph of <paramref name="type"/> with exactly <paramref name="bodies"/>: the one kept, or built by <paramref name="build"/> and kept.</summary>
    public TypeCallGraph Get(INamedTypeSymbol type, MethodBody[] bodies, System.Func<MethodBody[], TypeCallGraph> build)
    {
        if (_graphs.TryGetValue(type, out var kept) && HasBodies(kept, bodies))
        {
            return kept;
        }

        var graph = build(bodies);
        _graphs[type] = graph; // racing builders of equal graphs: either is kept
        return graph;
    }

    /// <summary>Whether <paramref name="graph"/> was built from the same bodies as <paramref name="bodies"/> (in any order).</summary>
    public static bool HasBodies(TypeCallGraph graph, MethodBody[] bodies)
    {
        if (ReferenceEquals(graph.Bodies, bodies))
        {
            return true;
        }

        if (graph.Bodies.Length != bodies.Length)
        {
            return false;
        }

        var keys = graph.BodyKeys ??= KeysOf(graph.Bodies);
        foreach (var body in bodies)
        {
            if (body.Blocks.IsDefaultOrEmpty || !keys.Contains(body.Blocks[0]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first blocks of <paramref name="bodies"/> (a body without blocks has none, and never matches).</summary>
    private static HashSet<IOperation> KeysOf(MethodBody[] bodies)
    {
        var keys = new HashSet<IOperation>(OperationIdentity.Instance);
        foreach (var body in bodies)
        {
            if (!body.Blocks.IsDefaultOrEmpty)
            {
                keys.Add(body.Blocks[0]);
            }
        }

        return keys;
    }
}
