using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Where the names of a <see cref="WordSet"/> occur as whole words in a compilation's trees, read in one pass over each
/// tree's text: whether a declaration spells one of many names is then a binary search, where a substring search
/// (<see cref="SourceNames.SpellsAny"/>) reads the declaration once per name.
/// </summary>
/// <remarks>
/// What it skips: reading a type's text once per name, and once more for each type nested in it, when a filter looks for
/// many names (NTF002's outside-ops filter with a thousand source finish types named without "Finish").
/// Invariant that keeps it consistent: every identifier that equals a name is found. A word is a run of ASCII letters,
/// digits and <c>_</c>; a formatting character (which the compiler leaves out of an identifier) and a surrogate are
/// skipped inside a word, any other character ends it. A character beyond ASCII that the compiler reads as part of an
/// identifier only ends the word early, which finds a name inside a longer identifier (more "maybe"), never misses one.
/// A <c>\u</c> escape is not read: callers count it through <see cref="SourceNames.MayName"/> first. Names must be ASCII.
/// </remarks>
internal sealed class WordIndex
{
    private const int ChunkLength = 16 * 1024;

    [ThreadStatic]
    private static char[]? t_chunk;

    private readonly Dictionary<SyntaxTree, int[]> _positions = new();

    private WordIndex()
    {
    }

    /// <summary>The index of <paramref name="words"/> (ASCII names) over every tree of <paramref name="compilation"/>.</summary>
    public static WordIndex Build(Compilation compilation, WordSet words, CancellationToken cancellationToken)
    {
        var index = new WordIndex();
        var found = new List<int>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            found.Clear();
            Find(tree.GetText(cancellationToken), words, found);
            index._positions[tree] = found.ToArray();
        }

        return index;
    }

    /// <summary>Whether a declaration of <paramref name="symbol"/> spells one of the names (a tree not indexed: maybe).</summary>
    public bool Spells(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (SpellsIn(reference.SyntaxTree, reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a word of <paramref name="span"/> of <paramref name="tree"/> is one of the names (a tree not indexed: maybe).</summary>
    private bool SpellsIn(SyntaxTree tree, TextSpan span)
    {
        if (!_positions.TryGetValue(tree, out var positions))
        {
            return true;
        }

        var at = Array.BinarySearch(positions, span.Start); // the first word starting in the span, or ~(where it would be)
        at = at < 0 ? ~at : at;
        return at < positions.Length && positions[at] < span.End;
    }

    /// <summary>Adds to <paramref name="found"/>, in order, the start of every word of <paramref name="text"/> that is one of <paramref name="words"/>.</summary>
    private static void Find(SourceText text, WordSet words, List<int> found)
    {
        var chunk = t_chunk ??= new char[ChunkLength];
        var word = new char[Math.Max(1, words.MaxLength)];
        var length = 0;
        var start = 0;
        for (var offset = 0; offset < text.Length;)
        {
            var count = Math.Min(chunk.Length, text.Length - offset);
            text.CopyTo(offset, chunk, 0, count);
            var read = new ReadOnlySpan<char>(chunk, 0, count);
            for (var i = 0; i < read.Length; i++)
            {
                var c = read[i];
                if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')
                {
                    if (length == 0)
                    {
                        start = offset + i;
                    }

                    // A word longer than every name is in no set: its length keeps counting, its characters are not kept.
                    if (length < word.Length)
                    {
                        word[length] = c;
                    }

                    length++;
                }
                else if (length > 0)
                {
                    if (c >= '\x80' && (char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
                    {
                        continue; // inside a word: left out, as the compiler leaves a formatting character out of an identifier
                    }

                    if (words.Contains(word, length))
                    {
                        found.Add(start);
                    }

                    length = 0;
                }
            }

            offset += count;
        }

        if (words.Contains(word, length))
        {
            found.Add(start);
        }
    }
}
