using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Whether a member name is declared in a compilation's source types, the answer of
/// <c>Compilation.ContainsSymbolsWithName(name, SymbolFilter.Member)</c> for every name at once: one walk of the compiler's
/// declaration table gathers every member name it holds, at the first question. The types that declare a name are found
/// when a caller first asks for that name: a scan of the source types for each of the first
/// <see cref="ScannedBeforeMapping"/> names, then a map of every name's types at once.
/// </summary>
/// <remarks>
/// What it skips: one walk of the declaration table per distinct name asked. <see cref="CallSyntax"/> asks for the name of
/// every call it reads, and a driver's helpers call dozens of distinct names (22 on the valid-code project, 57 on the
/// driver ports). The one walk is the table's own (<c>ContainsSymbolsWithName</c> with a predicate that records each
/// name and accepts none): it reads the member names of each declaration, and creates no symbol and no enumerator per type.
/// It costs about four walks for one name (0.06 ms on the valid-code project, where reading every source type's
/// <c>MemberNames</c> into a map of names to types cost 0.3 ms). Invariant that keeps it consistent: the set is made by
/// the walk that answers <c>ContainsSymbolsWithName(name, SymbolFilter.Member)</c>, so it holds exactly the names that
/// query accepts (<c>SourceMemberNamesTests</c> compares them name by name). The types of a name are the source types whose
/// <c>MemberNames</c> hold it (a scan costs 15 µs per name on the valid-code project, where 3 names are asked; the driver
/// ports ask 20, where scanning each cost more than the map). Built by the first caller of a compilation;
/// racing callers may each build an equal set and one is kept (<see cref="Memo"/>); read-only afterwards.
/// </remarks>
internal sealed class SourceMemberNames
{
    private readonly Compilation _compilation;

    // Every member name declared in source (gathered once).
    private HashSet<string>? _names;

    // The source types that declare a name, per name asked (TypesDeclaring), until every name's types are mapped at once.
    private readonly ConcurrentDictionary<string, INamedTypeSymbol[]> _declaring = new(System.StringComparer.Ordinal);
    private Dictionary<string, List<INamedTypeSymbol>>? _declaringAll;

    /// <summary>How many names' types are found one scan of the source types each before every name's types are mapped at once.</summary>
    internal const int ScannedBeforeMapping = 4;

    public SourceMemberNames(Compilation compilation) => _compilation = compilation;

    /// <summary>Whether some type declared in source has a member named <paramref name="name"/>.</summary>
    public bool Contains(string name, CancellationToken cancellationToken) => Gather(cancellationToken).Contains(name);

    /// <summary>
    /// The source types that declare a member named <paramref name="name"/> (their <c>MemberNames</c> hold it; nested
    /// types and C# 14 extension blocks included, <see cref="SourceTypes"/>), none when no source type declares it.
    /// </summary>
    public IReadOnlyList<INamedTypeSymbol> TypesDeclaring(string name, CancellationToken cancellationToken)
    {
        if (!Contains(name, cancellationToken))
        {
            return System.Array.Empty<INamedTypeSymbol>();
        }

        if (Volatile.Read(ref _declaringAll) is null)
        {
            if (_declaring.TryGetValue(name, out var known))
            {
                return known;
            }

            if (_declaring.Count < ScannedBeforeMapping)
            {
                return _declaring.GetOrAdd(name, Scan(name, cancellationToken));
            }
        }

        // The valid-code project asks for 3 names and keeps its scans; the driver ports ask for 20, and scanning for each
        // cost CallbackCalls more than the map (bench/README.md, session 20).
        var map = Memo.Get(ref _declaringAll, (_compilation, cancellationToken), static state => SourceTypes.GroupBy(state._compilation, static type => type.MemberNames, state.cancellationToken));
        return map.TryGetValue(name, out var mapped) ? mapped : System.Array.Empty<INamedTypeSymbol>();
    }

    /// <summary>The source types whose <c>MemberNames</c> hold <paramref name="name"/> (a set lookup per type).</summary>
    private INamedTypeSymbol[] Scan(string name, CancellationToken cancellationToken)
    {
        var types = new List<INamedTypeSymbol>();
        foreach (var type in SourceTypes.ListOf(_compilation, cancellationToken))
        {
            if (System.Linq.Enumerable.Contains(type.MemberNames, name)) // a set: no walk of the names
            {
                types.Add(type);
            }
        }

        return types.ToArray();
    }

    private HashSet<string> Gather(CancellationToken cancellationToken)
        => Memo.Get(ref _names, (_compilation, cancellationToken), static state => Collect(state._compilation, state.cancellationToken));

    private static HashSet<string> Collect(Compilation compilation, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        compilation.ContainsSymbolsWithName(name =>
        {
            names.Add(name);
            return false; // accept none: the walk then visits every member name of the table
        }, SymbolFilter.Member, cancellationToken);
        return names;
    }
}
