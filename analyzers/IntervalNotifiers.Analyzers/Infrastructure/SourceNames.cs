using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.Analyzers.Infrastructure;

/// <summary>
/// A per-compilation pre-filter on source text: where a few method names occur in a syntax tree's text (a plain
/// substring search, done once per tree). A call of a method always spells its name in the source, so a type whose
/// declarations never contain the name cannot call it, and an analyzer can skip registering anything for that
/// type. The answer errs towards "maybe": a name inside a comment, a string or a longer identifier counts, and a
/// Unicode escape (<c>\u</c>, which may spell an identifier) counts as every name.
/// </summary>
internal sealed class SourceNames
{
    /// <summary>The index recorded for a <c>\u</c> escape: it stands for every name and is never accepted.</summary>
    public const int Escape = -1;

    private readonly string[] _names;
    private readonly ConcurrentDictionary<SyntaxTree, Occurrence[]> _occurrences = new();

    /// <param name="names">At most 30 names; bit <c>i</c> of a mask stands for <c>names[i]</c>.</param>
    public SourceNames(params string[] names) => _names = names;

    /// <summary>Whether some declaration of <paramref name="symbol"/> may spell a name of <paramref name="mask"/>.</summary>
    public bool MayName(ISymbol symbol, int mask, CancellationToken cancellationToken)
        => MayNameOutside(symbol, mask, accept: null, cancellationToken);

    /// <summary>
    /// Whether some declaration of <paramref name="symbol"/> may spell a name of <paramref name="mask"/> at a place
    /// that <paramref name="accept"/> (given the tree, the position and the name's index) does not accept. An escape is
    /// never accepted.
    /// </summary>
    public bool MayNameOutside(ISymbol symbol, int mask, Func<SyntaxTree, int, int, bool>? accept, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var occurrences = OccurrencesIn(reference.SyntaxTree, cancellationToken);
            var span = reference.Span;
            for (var i = FirstAtOrAfter(occurrences, span.Start); i < occurrences.Length && occurrences[i].Position < span.End; i++)
            {
                var occurrence = occurrences[i];
                if (occurrence.Name == Escape)
                {
                    return true;
                }

                if ((mask & (1 << occurrence.Name)) != 0
                    && (accept is null || !accept(reference.SyntaxTree, occurrence.Position, occurrence.Name)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int FirstAtOrAfter(Occurrence[] occurrences, int position)
    {
        int low = 0, high = occurrences.Length;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (occurrences[middle].Position < position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private Occurrence[] OccurrencesIn(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (_occurrences.TryGetValue(tree, out var known))
        {
            return known;
        }

        var text = tree.GetText(cancellationToken).ToString();
        var found = new List<Occurrence>();
        Find(text, "\\u", Escape, found);
        Find(text, "\\U", Escape, found);
        for (var i = 0; i < _names.Length; i++)
        {
            Find(text, _names[i], i, found);
        }

        found.Sort((a, b) => a.Position.CompareTo(b.Position));
        var occurrences = found.ToArray();
        _occurrences.TryAdd(tree, occurrences);
        return occurrences;
    }

    private static void Find(string text, string name, int index, List<Occurrence> found)
    {
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
        {
            found.Add(new Occurrence(at, index));
        }
    }

    /// <summary>Whether <paramref name="position"/> of <paramref name="tree"/> lies in one of the declarations of <paramref name="symbol"/>.</summary>
    public static bool IsInDeclarationOf(ISymbol symbol, SyntaxTree tree, int position)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == tree && reference.Span.Contains(position))
            {
                return true;
            }
        }

        return false;
    }

    private readonly struct Occurrence
    {
        public Occurrence(int position, int name)
        {
            Position = position;
            Name = name;
        }

        public int Position { get; }

        public int Name { get; }
    }
}
