using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Whether a member name is declared in a compilation's source types: <c>Compilation.ContainsSymbolsWithName(name,
/// SymbolFilter.Member)</c> for the first few names asked, then the member names of every source type gathered in one
/// walk; gathered at the first name when another caller has already listed the source types (<see cref="SourceTypes.ListOf"/>,
/// NTF002's outside-ops filter), since the walk is then only the union of their member names.
/// </summary>
/// <remarks>
/// What it skips: one walk of the compiler's declaration table per distinct name asked. <see cref="CallSyntax"/> asks
/// for the name of every call it reads, and a driver's helpers call hundreds of distinct names, so the walks grew with
/// names x types (8 % of the analyzers' time on the valid-code project). A compilation that asks for a handful of names
/// (the generated corpus asks for 3) keeps the table walks, which cost less than gathering every name. Invariant that keeps it
/// consistent: both read the same declarations. A source type's <c>MemberNames</c> are its declarations' member names
/// (merged over partial declarations, no member bound), which is what the table walk compares; nested types, C# 14
/// extension blocks included, are reached through <c>GetTypeMembers</c> (<see cref="SourceTypes"/>). Built by the first caller of a compilation;
/// racing callers may each build an equal set and one is kept (<see cref="Memo"/>); read-only afterwards.
/// </remarks>
internal sealed class SourceMemberNames
{
    /// <summary>How many distinct names are asked of the declaration table before every name is gathered at once.</summary>
    internal const int AskedBeforeGathering = 8;

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<string, bool> _asked = new(System.StringComparer.Ordinal);
    // Every member name declared in source, with the source types that declare it (gathered once).
    private Dictionary<string, List<INamedTypeSymbol>>? _names;

    /// <summary>Whether the answers come from the gathered set (for the tests).</summary>
    internal bool Gathered => Volatile.Read(ref _names) is not null;

    public SourceMemberNames(Compilation compilation) => _compilation = compilation;

    /// <summary>Whether some type declared in source has a member named <paramref name="name"/>.</summary>
    public bool Contains(string name, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _names) is { } names)
        {
            return names.ContainsKey(name);
        }

        if (_asked.TryGetValue(name, out var known))
        {
            return known;
        }

        if (_asked.Count >= AskedBeforeGathering || SourceTypes.IsListed(_compilation))
        {
            return Gather(cancellationToken).ContainsKey(name);
        }

        return _asked.GetOrAdd(name, _compilation.ContainsSymbolsWithName(name, SymbolFilter.Member, cancellationToken));
    }

    /// <summary>The source types that declare a member named <paramref name="name"/> (every name is gathered at the first call).</summary>
    public IReadOnlyList<INamedTypeSymbol> TypesDeclaring(string name, CancellationToken cancellationToken)
        => Gather(cancellationToken).TryGetValue(name, out var types) ? types : System.Array.Empty<INamedTypeSymbol>();

    private Dictionary<string, List<INamedTypeSymbol>> Gather(CancellationToken cancellationToken)
        => Memo.Get(ref _names, (_compilation, cancellationToken), static state => Collect(state._compilation, state.cancellationToken));

    private static Dictionary<string, List<INamedTypeSymbol>> Collect(Compilation compilation, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, List<INamedTypeSymbol>>(System.StringComparer.Ordinal);
        foreach (var type in SourceTypes.ListOf(compilation, cancellationToken))
        {
            foreach (var name in type.MemberNames)
            {
                if (!names.TryGetValue(name, out var types))
                {
                    names[name] = types = new List<INamedTypeSymbol>(1);
                }

                types.Add(type);
            }
        }

        return names;
    }
}
