using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010: what the readers of one notifier type are judged against: the SetSequence facts tied to it, to one of its
/// base types or to a type derived from it, as the canonical locks they hold, whether any holds locks that cannot be
/// compared, and the one a message names.
/// </summary>
internal sealed class RelatedFacts
{
    private RelatedFacts(SetSequenceFact? first, bool anyIncomparable, HashSet<ISymbol> locks)
    {
        First = first;
        AnyIncomparable = anyIncomparable;
        Locks = locks;
    }

    /// <summary>The fact a message names (by ops type name, then lock name), or null when there is none.</summary>
    public SetSequenceFact? First { get; }

    public bool AnyIncomparable { get; }

    /// <summary>The canonical locks held around the related facts.</summary>
    public HashSet<ISymbol> Locks { get; }

    public static RelatedFacts Of(INamedTypeSymbol readerType, SetSequenceFactIndex index, CanonicalLockCache canonical)
    {
        var related = index.RelatedTo(readerType);
        var locks = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var anyIncomparable = false;
        foreach (var fact in related)
        {
            anyIncomparable |= !fact.Locks.IsComparable;
            foreach (var symbol in fact.Locks.Named)
            {
                locks.Add(canonical.Of(symbol));
            }
        }

        var first = related
            .OrderBy(fact => fact.OpsType?.Name, System.StringComparer.Ordinal)
            .ThenBy(fact => fact.Locks.FirstLockName(), System.StringComparer.Ordinal)
            .FirstOrDefault();
        return new RelatedFacts(first, anyIncomparable, locks);
    }
}
