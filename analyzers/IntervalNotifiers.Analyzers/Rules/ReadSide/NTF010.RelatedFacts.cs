using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010: what the readers of one notifier type are judged against: the SetSequence facts tied to it, to one of its
/// base types or to a type derived from it; whether any holds locks that cannot be compared; the locks they hold
/// (<see cref="Holds"/>); and the one a message names (<see cref="First"/>).
/// </summary>
internal sealed class RelatedFacts
{
    private readonly List<SetSequenceFact> _related;
    private readonly LockSet _locks;

    private RelatedFacts(List<SetSequenceFact> related, bool anyIncomparable, LockSet locks)
    {
        _related = related;
        AnyIncomparable = anyIncomparable;
        _locks = locks;
    }

    /// <summary>Whether no fact is related.</summary>
    public bool IsEmpty => _related.Count == 0;

    public bool AnyIncomparable { get; }

    public static RelatedFacts Of(INamedTypeSymbol readerType, SetSequenceFactIndex index)
    {
        var related = index.RelatedTo(readerType);
        var locks = new LockSet();
        var anyIncomparable = false;
        foreach (var fact in related)
        {
            anyIncomparable |= !fact.Locks.IsComparable;
            locks.AddRange(fact.Locks.Named);
        }

        return new RelatedFacts(related, anyIncomparable, locks);
    }

    /// <summary>Whether a related fact holds the same lock as <paramref name="symbol"/> (canonical locks compared).</summary>
    public bool Holds(ISymbol symbol, CanonicalLockCache canonical) => _locks.Holds(symbol, canonical);

    /// <summary>The fact a message names: the first by ops type name, then lock name (null when there is none).</summary>
    public SetSequenceFact? First()
    {
        SetSequenceFact? first = null;
        string? firstType = null, firstLock = null;
        foreach (var fact in _related)
        {
            var type = fact.OpsType?.Name;
            var lockName = fact.Locks.FirstLockName();
            if (first is null || Compare(type, lockName, firstType, firstLock) < 0)
            {
                (first, firstType, firstLock) = (fact, type, lockName);
            }
        }

        return first;
    }

    private static int Compare(string? type, string lockName, string? otherType, string? otherLock)
    {
        var byType = System.StringComparer.Ordinal.Compare(type, otherType);
        return byType != 0 ? byType : System.StringComparer.Ordinal.Compare(lockName, otherLock);
    }
}
