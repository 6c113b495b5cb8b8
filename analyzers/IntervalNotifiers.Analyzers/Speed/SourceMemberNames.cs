using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Whether a member name is declared in a compilation's source types, the answer of
/// <c>Compilation.ContainsSymbolsWithName(name, SymbolFilter.Member)</c> for every name at once: one walk of the compiler's
/// declaration table gathers every member name it holds, at the first question. The types that declare a name are found
/// when a caller first asks for that name (<see cref="SourceTypeIndex"/>: a scan of the source types for each of the first
/// few names, then every type under each of its member names at once).
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
/// <c>MemberNames</c> hold it (a scan costs 15 µs per name on the valid-code project in a loop, about 70 µs inside a
/// compile, where 3 names are asked; the driver ports ask 20, where scanning each cost more than the map). Built by the
/// first caller of a compilation;
/// racing callers may each build an equal set and one is kept (<see cref="Memo"/>); read-only afterwards.
/// </remarks>
internal sealed class SourceMemberNames
{
    private readonly Compilation _compilation;

    // Every member name declared in source (gathered once).
    private HashSet<string>? _names;

    // The source types that declare a name (TypesDeclaring): a set lookup per type for each of the first names asked (the
    // sets are the types' own), then every type under each of its member names.
    private readonly SourceTypeIndex _declaring;

    public SourceMemberNames(Compilation compilation)
    {
        _compilation = compilation;
        _declaring = new SourceTypeIndex(compilation, static type => type.MemberNames);
    }

    /// <summary>Whether some type declared in source has a member named <paramref name="name"/>.</summary>
    public bool Contains(string name, CancellationToken cancellationToken) => Gather(cancellationToken).Contains(name);

    /// <summary>
    /// The source types that declare a member named <paramref name="name"/> (their <c>MemberNames</c> hold it; nested
    /// types and C# 14 extension blocks included, <see cref="SourceTypes"/>), none when no source type declares it.
    /// </summary>
    public IReadOnlyList<INamedTypeSymbol> TypesDeclaring(string name, CancellationToken cancellationToken)
        => Contains(name, cancellationToken) ? _declaring.Get(name, cancellationToken) : System.Array.Empty<INamedTypeSymbol>();

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
