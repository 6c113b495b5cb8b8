using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// The member names declared in a compilation's source types, gathered once: the answer of
/// <c>Compilation.ContainsSymbolsWithName(name, SymbolFilter.Member)</c> for every name at the cost of one walk.
/// </summary>
/// <remarks>
/// What it skips: one walk of the compiler's declaration table per distinct name asked. <see cref="CallSyntax"/> asks
/// for the name of every call it reads, and a driver's helpers call hundreds of distinct names, so the walks grew with
/// names x types (8 % of the analyzers' time on the valid-code project before this set). Invariant that keeps it
/// consistent: both read the same declarations. A source type's <c>MemberNames</c> are its declarations' member names
/// (merged over partial declarations, no member bound), which is what the table walk compares; nested types, C# 14
/// extension blocks included, are reached through <c>GetTypeMembers</c>. Built by the first caller of a compilation;
/// racing callers may each build an equal set and one is kept (<see cref="Memo"/>); read-only afterwards.
/// </remarks>
internal sealed class SourceMemberNames
{
    private readonly Compilation _compilation;
    private HashSet<string>? _names;

    public SourceMemberNames(Compilation compilation) => _compilation = compilation;

    /// <summary>Whether some type declared in source has a member named <paramref name="name"/>.</summary>
    public bool Contains(string name, CancellationToken cancellationToken)
        => Memo.Get(ref _names, (_compilation, cancellationToken), static state => Collect(state._compilation, state.cancellationToken))
               .Contains(name);

    private static HashSet<string> Collect(Compilation compilation, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var namespaces = new Stack<INamespaceSymbol>();
        var types = new Stack<INamedTypeSymbol>();
        namespaces.Push(compilation.SourceModule.GlobalNamespace);
        while (namespaces.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = namespaces.Pop();
            foreach (var member in current.GetMembers())
            {
                switch (member)
                {
                    case INamespaceSymbol nested:
                        namespaces.Push(nested);
                        break;
                    case INamedTypeSymbol type:
                        types.Push(type);
                        break;
                }
            }

            while (types.Count > 0)
            {
                var type = types.Pop();
                names.UnionWith(type.MemberNames);
                foreach (var nested in type.GetTypeMembers())
                {
                    types.Push(nested);
                }
            }
        }

        return names;
    }
}
