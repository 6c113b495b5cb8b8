using System.Collections.Concurrent;
using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010's compilation-wide knowledge: every SetSequence fact and every comparable ReadRetry site. The "different
/// lock" case (docs/rules/NTF010.md, case 2) needs both, so it is judged at the compilation's end and reported through
/// the descriptor tagged <c>CompilationEnd</c> (docs/contract.md#where-users-meet-the-rules).
/// </summary>
internal sealed class RetryLockSites
{
    private readonly ConcurrentQueue<SetSequenceFact> _facts = new();
    private readonly ConcurrentQueue<ReadRetrySite> _readers = new();

    public void Add(SetSequenceFact fact) => _facts.Enqueue(fact);

    public void Add(ReadRetrySite reader) => _readers.Enqueue(reader);

    public void ReportDifferentLocks(CompilationAnalysisContext context, LockAliases aliases, INamedTypeSymbol notifier)
    {
        if (_facts.IsEmpty || _readers.IsEmpty)
        {
            return;
        }

        // A fact tied to no type may be tied to any reader's: one that is not comparable silences every reader (looked
        // for before anything is indexed), and a reader that shares a lock with any of the others is silent. Their
        // locks go in one set, so that a reader is not compared with each of them in turn (they are most of the facts
        // when callbacks call SetSequence on their plain IntervalNotifier parameter: that was quadratic in the number
        // of drivers).
        var untypedLocks = new LockSet();
        foreach (var fact in _facts)
        {
            if (fact.NotifierTypes.IsEmpty)
            {
                if (!fact.Locks.IsComparable)
                {
                    return;
                }

                untypedLocks.AddRange(fact.Locks.Named);
            }
        }

        var index = new SetSequenceFactIndex(_facts, notifier);
        var canonical = new CanonicalLockCache(aliases);

        // Readers of one notifier type meet the same facts: those are summarised once per type (the drivers of a
        // large project each read their own notifier type, so this is one summary per driver, not one per read).
        var summaries = new Dictionary<INamedTypeSymbol, RelatedFacts>(SymbolEqualityComparer.Default);
        foreach (var reader in _readers)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var key = reader.NotifierType.OriginalDefinition;
            if (!summaries.TryGetValue(key, out var related))
            {
                summaries[key] = related = RelatedFacts.Of(reader.NotifierType, index);
            }

            if (Judge(reader, untypedLocks, related, canonical) is { } diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static Diagnostic? Judge(ReadRetrySite reader, LockSet untypedLocks, RelatedFacts related, CanonicalLockCache canonical)
    {
        if (related.IsEmpty || related.AnyIncomparable)
        {
            return null; // no fact to compare with, or one whose locks cannot be named
        }

        foreach (var symbol in reader.Locks.Named)
        {
            if (untypedLocks.Holds(symbol, canonical) || related.Holds(symbol, canonical))
            {
                return null; // shares a lock with a related fact, or with a fact tied to no type (so possibly to this one)
            }
        }

        var first = related.First()!;
        var message = "is called under '" + reader.Locks.FirstLockName() + "', but '" + (first.OpsType?.Name ?? "?")
                      + "' calls SetSequence under '" + first.Locks.FirstLockName() + "'";
        return Diagnostic.Create(Descriptors.NTF010CompilationEnd, reader.Location, message);
    }
}
