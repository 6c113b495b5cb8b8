using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Every named type declared in a compilation's source, nested types included, reached through namespaces and
/// <c>GetTypeMembers</c> only: <c>GetMembers</c> of a type would create the symbol of every member of the project (one
/// such walk cost NTF002's filter 60 ms on 1,000 unrelated files). Binds nothing about the types it yields.
/// </summary>
/// <remarks>
/// <see cref="ListOf"/> keeps the list per compilation: NTF002's outside-ops filter reads it once (its search of finish types)
/// and <see cref="SourceMemberNames"/> once more, and each walk asked the namespaces for their members again. A
/// compilation's source types never change, so the list is the walk's answer for every caller.
/// </remarks>
internal static class SourceTypes
{
    private static readonly ConditionalWeakTable<Compilation, INamedTypeSymbol[]> Lists = new();

    /// <summary>Every source named type of <paramref name="compilation"/>, walked once per compilation (see <see cref="Of"/>).</summary>
    public static INamedTypeSymbol[] ListOf(Compilation compilation, CancellationToken cancellationToken)
    {
        if (Lists.TryGetValue(compilation, out var known))
        {
            return known;
        }

        var types = new List<INamedTypeSymbol>(Of(compilation, cancellationToken)).ToArray();
        return Lists.GetValue(compilation, _ => types);
    }

    /// <summary>Every source named type of <paramref name="compilation"/>, in the order of a depth-first walk of its namespaces.</summary>
    public static IEnumerable<INamedTypeSymbol> Of(Compilation compilation, CancellationToken cancellationToken)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.SourceModule.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pending.Pop();
            var members = current is INamespaceSymbol ns
                ? (IEnumerable<INamespaceOrTypeSymbol>)ns.GetMembers()
                : current.GetTypeMembers();
            foreach (var member in members)
            {
                pending.Push(member);
                if (member is INamedTypeSymbol type)
                {
                    yield return type;
                }
            }
        }
    }
}
