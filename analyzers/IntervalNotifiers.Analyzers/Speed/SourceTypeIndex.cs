using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// The source types of a compilation listed under a name (by simple name for <c>CallSyntax</c>'s type-name receivers, by
/// member name for <see cref="SourceMemberNames"/>), in the order of <see cref="SourceTypes.ListOf"/>: one scan of the
/// source types for each of the first <see cref="ScannedBeforeGrouping"/> names asked, then one grouping of every type
/// under every name.
/// </summary>
/// <remarks>
/// What it skips: grouping every source type when a compilation asks about a few names. The valid-code project asks
/// <c>CallSyntax</c> for one type name and <see cref="SourceMemberNames"/> for three member names; each grouping reads
/// every source type and allocates a list per name, the most expensive way to answer a few questions once the
/// compiler has left those types out of the cache (0.12 ms for the one type name; bench/README.md, session 21), while
/// the driver ports ask 20 member names, where scanning for each cost more than one grouping (session 20).
/// Invariant that keeps it consistent: a scan and the grouping read the same names of each type (the one projection the
/// index is made with), so a name gets the same types, in the same order, whichever answers it (names asked in opposite
/// orders: <c>SourceTypeIndexTests</c> for the types by simple name, <c>SourceMemberNamesTests</c> for those by member
/// name). Thread-safe without a lock: racing
/// callers may scan or group twice, and one of the equal answers is kept (<see cref="Memo"/>).
/// </remarks>
internal sealed class SourceTypeIndex
{
    /// <summary>How many names are answered by a scan each before every type is grouped under every name at once.</summary>
    internal const int ScannedBeforeGrouping = 4;

    private readonly Compilation _compilation;
    private readonly Func<INamedTypeSymbol, IEnumerable<string>> _namesOf;
    private readonly ConcurrentDictionary<string, INamedTypeSymbol[]> _scanned = new(StringComparer.Ordinal);
    private Dictionary<string, List<INamedTypeSymbol>>? _grouped;

    /// <param name="compilation">Whose source types are listed.</param>
    /// <param name="namesOf">The names a type is listed under (a set, or a few names: a scan asks it whether it holds one).</param>
    public SourceTypeIndex(Compilation compilation, Func<INamedTypeSymbol, IEnumerable<string>> namesOf)
    {
        _compilation = compilation;
        _namesOf = namesOf;
    }

    /// <summary>The source types listed under <paramref name="name"/>, none when no type is.</summary>
    public IReadOnlyList<INamedTypeSymbol> Get(string name, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _grouped) is null)
        {
            if (_scanned.TryGetValue(name, out var known))
            {
                return known;
            }

            if (_scanned.Count < ScannedBeforeGrouping)
            {
                return _scanned.GetOrAdd(name, Scan(name, cancellationToken));
            }
        }

        var grouped = Memo.Get(ref _grouped, (Self: this, CancellationToken: cancellationToken),
                               static state => state.Self.Group(state.CancellationToken));
        return grouped.TryGetValue(name, out var types) ? types : Array.Empty<INamedTypeSymbol>();
    }

    private INamedTypeSymbol[] Scan(string name, CancellationToken cancellationToken)
    {
        var types = new List<INamedTypeSymbol>();
        foreach (var type in SourceTypes.ListOf(_compilation, cancellationToken))
        {
            if (System.Linq.Enumerable.Contains(_namesOf(type), name)) // a member-name set: one lookup; a type's own name: one comparison
            {
                types.Add(type);
            }
        }

        return types.ToArray();
    }

    /// <summary>Every source type under each of its names, in the order of <see cref="SourceTypes.ListOf"/>.</summary>
    private Dictionary<string, List<INamedTypeSymbol>> Group(CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, List<INamedTypeSymbol>>(StringComparer.Ordinal);
        foreach (var type in SourceTypes.ListOf(_compilation, cancellationToken))
        {
            foreach (var name in _namesOf(type))
            {
                if (!groups.TryGetValue(name, out var types))
                {
                    groups[name] = types = new List<INamedTypeSymbol>(1);
                }

                types.Add(type);
            }
        }

        return groups;
    }
}
