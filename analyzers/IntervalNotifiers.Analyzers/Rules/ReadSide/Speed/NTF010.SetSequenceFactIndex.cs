using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// The SetSequence facts of a compilation indexed once (single-threaded, at the compilation's end), so that each reader
/// meets only the facts tied to a related notifier type instead of every fact (a speed-up only: it finds the same
/// facts a scan would). It holds a fact under each of its types, and (for <see cref="RelatedTo"/>) under each of
/// its types' base types up to <c>IntervalNotifier</c> (a fact on a type derived from the reader's, which is always a
/// type derived from <c>IntervalNotifier</c>). A fact tied to no type is not indexed: the caller takes those apart.
/// </summary>
internal sealed class SetSequenceFactIndex
{
    private readonly Dictionary<INamedTypeSymbol, List<SetSequenceFact>> _byType = new(SymbolEqualityComparer.Default);

    private readonly Dictionary<INamedTypeSymbol, List<SetSequenceFact>> _bySubtype = new(SymbolEqualityComparer.Default);

    private readonly INamedTypeSymbol _notifier;

    public SetSequenceFactIndex(IEnumerable<SetSequenceFact> facts, INamedTypeSymbol notifier)
    {
        _notifier = notifier;
        foreach (var fact in facts)
        {
            foreach (var type in fact.NotifierTypes)
            {
                Index(_byType, type.OriginalDefinition, fact);
                for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                {
                    var definition = t.OriginalDefinition;
                    if (SymbolEqualityComparer.Default.Equals(definition, notifier))
                    {
                        break; // a reader's type derives from IntervalNotifier: no reader asks for it or a base of it
                    }

                    Index(_bySubtype, definition, fact);
                }
            }
        }
    }

    /// <summary>The facts tied to <paramref name="readerType"/>, to a type derived from it, or to one of its base types.</summary>
    public List<SetSequenceFact> RelatedTo(INamedTypeSymbol readerType)
    {
        var related = new List<SetSequenceFact>();
        if (_bySubtype.TryGetValue(readerType.OriginalDefinition, out var derived))
        {
            related.AddRange(derived);
        }

        for (var t = readerType.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _notifier))
            {
                break; // no fact is tied to IntervalNotifier itself or a base of it
            }

            if (_byType.TryGetValue(t.OriginalDefinition, out var facts))
            {
                related.AddRange(facts); // a fact met twice (tied to several types) changes nothing for the judgement
            }
        }

        return related;
    }

    private static void Index(Dictionary<INamedTypeSymbol, List<SetSequenceFact>> index, INamedTypeSymbol type, SetSequenceFact fact)
    {
        if (!index.TryGetValue(type, out var list))
        {
            index[type] = list = new List<SetSequenceFact>();
        }

        if (list.Count == 0 || !ReferenceEquals(list[list.Count - 1], fact))
        {
            list.Add(fact);
        }
    }
}
