using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// A pre-filter on source text: where the names of the runtime's methods that some analyzer looks for (and the
/// runtime's namespace, for Speed/UnusedRuntime.cs) occur in a syntax tree's text (a plain substring search, done once
/// per tree for every analyzer and every compilation that holds the tree). A call of a
/// method always spells its name in the source, so a type whose declarations never contain the name cannot call it,
/// and an analyzer can skip registering anything for that type. The answer errs towards "maybe": a name inside a
/// comment, a string or a longer identifier counts, and a Unicode escape (<c>\u</c>, which may spell an identifier)
/// counts as every name.
/// </summary>
internal sealed class SourceNames
{
    /// <summary>Mask bit of <c>ReadRetry</c>.</summary>
    public const int ReadRetry = 1 << 0;

    /// <summary>Mask bit of <c>SetSequence</c>.</summary>
    public const int SetSequence = 1 << 1;

    /// <summary>Mask bit of <c>Remove</c>.</summary>
    public const int Remove = 1 << 2;

    /// <summary>Mask bit of <c>ReadBegin</c> (and so of <c>ReadBeginAsync</c>).</summary>
    public const int ReadBegin = 1 << 3;

    /// <summary>Mask bit of <c>Finish</c> (so of <c>NotifierFinish</c>, <c>InvalidateFinish</c> and every <c>...Finish</c> type).</summary>
    public const int Finish = 1 << 4;

    /// <summary>Mask bit of a target-typed <c>new(</c> or <c>new (</c>, which creates an object without spelling its type.</summary>
    public const int TargetTypedNew = 1 << 5;

    /// <summary>The index recorded for a <c>\u</c> escape: it stands for every name and is never accepted.</summary>
    private const int Escape = -1;

    /// <summary>Name <c>i</c> has mask bit <c>1 &lt;&lt; i</c>; the escapes come first (index <see cref="Escape"/>).</summary>
    private static readonly (string Text, int Index)[] Searched =
        { ("\\u", Escape), ("\\U", Escape), ("ReadRetry", 0), ("SetSequence", 1), ("Remove", 2), ("ReadBegin", 3), ("Finish", 4),
          ("new(", 5), ("new (", 5) };

    /// <summary>
    /// What <see cref="MayNameTheRuntimeIn"/> searches for, apart from the names above (a compilation that passes the gate
    /// of Speed/UnusedRuntime.cs reads its trees with <see cref="Searched"/> anyway; one that does not, never).
    /// </summary>
    private static readonly (string Text, int Index)[] RuntimeSpellings = { ("\\u", Escape), ("\\U", Escape), (NotifierTypes.Namespace, 0) };

    private const int ChunkLength = 16 * 1024; // 32 KB of chars: a buffer per thread, below the large object heap

    [ThreadStatic]
    private static char[]? t_chunk;

    // The occurrences of the current scan, a list per thread reused from scan to scan (no list grown again per tree).
    [ThreadStatic]
    private static List<Occurrence>? t_found;

    private static readonly ConditionalWeakTable<Compilation, SourceNames> PerCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, SourceNames>.CreateValueCallback Create = _ => new SourceNames();

    // Keyed by the tree, not the compilation: a tree's occurrences depend on its text only, and the compilations an IDE
    // builds after each edit share every tree but the edited one.
    private static readonly ConditionalWeakTable<SyntaxTree, Occurrence[]> Occurrences = new();
    private static readonly ConditionalWeakTable<SyntaxTree, object> NamesTheRuntime = new();
    private static readonly object Yes = true, No = false;

    // What each symbol asked about may spell (MayName), per compilation.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, int> _spelled = new(SymbolEqualityComparer.Default);

    private SourceNames()
    {
    }

    /// <summary>The filter of <paramref name="compilation"/>, shared by every analyzer (each tree is read once).</summary>
    public static SourceNames For(Compilation compilation) => PerCompilation.GetValue(compilation, Create);

    /// <summary>
    /// Whether some declaration of <paramref name="symbol"/> may spell a name of <paramref name="mask"/>. The names a
    /// symbol's declarations spell are read once per compilation (five symbol starts ask about every type, each for
    /// other names).
    /// </summary>
    public bool MayName(ISymbol symbol, int mask, CancellationToken cancellationToken)
    {
        if (!_spelled.TryGetValue(symbol, out var spelled))
        {
            spelled = _spelled.GetOrAdd(symbol, Spelled(symbol, cancellationToken));
        }

        return (spelled & mask) != 0;
    }

    /// <summary>The mask bits of every name the declarations of <paramref name="symbol"/> may spell (an escape: every bit).</summary>
    private int Spelled(ISymbol symbol, CancellationToken cancellationToken) => Walk(symbol, null, cancellationToken);

    /// <summary>
    /// Every occurrence of a searched name inside the declarations of <paramref name="symbol"/>, in the order of its
    /// declaring references and of position, as (position, mask bit); an escape's bit is every bit (<c>~0</c>).
    /// </summary>
    internal List<(int Position, int Bit)> OccurrencesOf(ISymbol symbol, CancellationToken cancellationToken)
    {
        var found = new List<(int, int)>();
        Walk(symbol, found, cancellationToken);
        return found;
    }

    /// <summary>
    /// The one walk of the occurrences inside the declarations of <paramref name="symbol"/>: their mask bits, each added
    /// to <paramref name="found"/> when there is one (a loop rather than an iterator: every source type is asked about).
    /// </summary>
    private int Walk(ISymbol symbol, List<(int, int)>? found, CancellationToken cancellationToken)
    {
        var spelled = 0;
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var occurrences = OccurrencesIn(reference.SyntaxTree, cancellationToken);
            var span = reference.Span;
            for (var i = FirstAtOrAfter(occurrences, span.Start); i < occurrences.Length && occurrences[i].Position < span.End; i++)
            {
                var bit = occurrences[i].Name == Escape ? ~0 : 1 << occurrences[i].Name;
                spelled |= bit;
                found?.Add((occurrences[i].Position, bit));
            }
        }

        return spelled;
    }

    /// <summary>
    /// Whether the text of <paramref name="tree"/> may name a type of the runtime: it spells the runtime's namespace, or
    /// it has a <c>\u</c> escape inside an identifier (one in a string, a character literal or a comment spells no name).
    /// </summary>
    public static bool MayNameTheRuntimeIn(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (NamesTheRuntime.TryGetValue(tree, out var known))
        {
            return ReferenceEquals(known, Yes);
        }

        var names = SpellsTheRuntime(tree, cancellationToken);
        return ReferenceEquals(NamesTheRuntime.GetValue(tree, _ => names ? Yes : No), Yes);
    }

    private static bool SpellsTheRuntime(SyntaxTree tree, CancellationToken cancellationToken)
    {
        SyntaxNode? root = null;
        foreach (var occurrence in Scan(tree.GetText(cancellationToken), RuntimeSpellings))
        {
            if (occurrence.Name != Escape)
            {
                return true;
            }

            root ??= tree.GetRoot(cancellationToken);
            var token = root.FindToken(occurrence.Position);
            if (token.Span.Contains(occurrence.Position) && token.IsKind(SyntaxKind.IdentifierToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the declarations of <paramref name="symbol"/> spell one of <paramref name="names"/> (a plain search of their
    /// text, for names known only once the compilation is bound; a caller that must count <c>\u</c> escapes asks
    /// <see cref="MayName"/> first).
    /// </summary>
    public static bool SpellsAny(ISymbol symbol, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (SpellsAnyIn(reference.SyntaxTree, reference.Span, names, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="span"/> of <paramref name="tree"/> spells one of <paramref name="names"/> (a plain search, as <see cref="SpellsAny"/>).</summary>
    private static bool SpellsAnyIn(SyntaxTree tree, TextSpan span, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var searched = new (string Text, int Index)[names.Count];
        for (var i = 0; i < searched.Length; i++)
        {
            searched[i] = (names[i], 0);
        }

        return Scan(tree.GetText(cancellationToken), span, searched).Count > 0;
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
        if (Occurrences.TryGetValue(tree, out var known))
        {
            return known;
        }

        var found = Scan(tree.GetText(cancellationToken), Searched);
        found.Sort((a, b) => a.Position.CompareTo(b.Position));
        var occurrences = found.ToArray();
        return Occurrences.GetValue(tree, _ => occurrences);
    }

    /// <summary>The occurrences of <paramref name="searched"/> in the whole of <paramref name="text"/> (see the other overload).</summary>
    private static List<Occurrence> Scan(SourceText text, (string Text, int Index)[] searched) => Scan(text, new TextSpan(0, text.Length), searched);

    /// <summary>
    /// The occurrences of <paramref name="searched"/> in <paramref name="span"/> of <paramref name="text"/>, in no
    /// particular order: the thread's own list, which the next scan on the thread empties (read it before scanning again).
    /// </summary>
    private static List<Occurrence> Scan(SourceText text, TextSpan span, (string Text, int Index)[] searched)
    {
        // The text is searched through a reused buffer, a chunk at a time, rather than as one string: a string of every
        // file's text would be the largest allocation of the analysis. Each chunk but the last one records only the
        // names that start before the part the next chunk repeats (the longest name but one character), so that no
        // name is cut in two.
        var overlap = 0;
        foreach (var (name, _) in searched)
        {
            overlap = Math.Max(overlap, name.Length - 1);
        }

        var chunk = t_chunk ??= new char[ChunkLength];
        var found = t_found ??= new List<Occurrence>();
        found.Clear();
        for (var offset = span.Start; offset < span.End;)
        {
            var count = Math.Min(chunk.Length, span.End - offset);
            text.CopyTo(offset, chunk, 0, count);
            var isLast = offset + count >= span.End;
            var limit = isLast ? count : count - overlap;
            foreach (var (name, index) in searched)
            {
                Find(chunk, count, limit, name, offset, index, found);
            }

            offset += limit;
        }

        return found;
    }

    /// <summary>Records the occurrences of <paramref name="name"/> in <c>chunk[0..count)</c> that start before <paramref name="limit"/>.</summary>
    private static void Find(char[] chunk, int count, int limit, string name, int offset, int index, List<Occurrence> found)
    {
        if (name.Length == 0)
        {
            return; // an empty name (of a declaration being typed) occurs nowhere, and would never move the search on
        }

        var span = new ReadOnlySpan<char>(chunk, 0, count);
        var value = name.AsSpan();
        for (var start = 0; start < limit;)
        {
            var at = span.Slice(start).IndexOf(value);
            if (at < 0 || start + at >= limit)
            {
                return;
            }

            found.Add(new Occurrence(offset + start + at, index));
            start += at + value.Length;
        }
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
