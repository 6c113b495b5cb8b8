using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Infrastructure;

/// <summary>
/// The text pre-filter that lets the analyzers skip types which never spell a runtime method's name. It reads a
/// tree's text in chunks: a name must be found once, wherever it lies against a chunk's end.
/// </summary>
public class SourceNamesTests
{
    private const int Chunk = 16 * 1024;

    public static IEnumerable<object[]> PositionsAroundChunkEnds()
    {
        // The first chunk ends at Chunk; the second chunk starts a few characters before that (the overlap) and ends
        // that many characters before 2 * Chunk.
        foreach (var end in new[] { Chunk, 2 * Chunk - 10 })
        {
            for (var position = end - 14; position <= end + 2; position++)
            {
                yield return new object[] { position };
            }
        }
    }

    [Theory]
    [MemberData(nameof(PositionsAroundChunkEnds))]
    public void A_name_is_found_once_wherever_it_lies_against_a_chunk_end(int position)
    {
        var (names, type) = TypeWithName("SetSequence", position, tail: 3 * Chunk - position);

        Assert.True(names.MayName(type, SourceNames.SetSequence, default));
        Assert.False(names.MayName(type, SourceNames.ReadRetry | SourceNames.Remove, default));
        Assert.Equal(new[] { (position, SourceNames.SetSequence) }, Occurrences(names, type));
    }

    [Theory]
    [MemberData(nameof(PositionsAroundChunkEnds))]
    public void The_runtime_namespace_is_found_wherever_it_lies_against_a_chunk_end(int position)
    {
        var (_, spelled) = TypeWithName("IntervalNotifiers", position, tail: 3 * Chunk - position);
        var (_, cut) = TypeWithName("IntervalNotifier_s", position, tail: 3 * Chunk - position);

        Assert.True(SourceNames.MayNameTheRuntimeIn(spelled.DeclaringSyntaxReferences[0].SyntaxTree, default));
        Assert.False(SourceNames.MayNameTheRuntimeIn(cut.DeclaringSyntaxReferences[0].SyntaxTree, default));
    }

    [Theory]
    [MemberData(nameof(PositionsAroundChunkEnds))]
    public void A_name_known_only_once_bound_is_found_wherever_it_lies_against_a_chunk_end(int position)
    {
        var (_, type) = TypeWithName("Shootdown", position, tail: 3 * Chunk - position);

        Assert.True(SourceNames.SpellsAny(type, new[] { "TlbFlush", "Shootdown" }, default));
        Assert.False(SourceNames.SpellsAny(type, new[] { "Shootdowns", "TlbFlush" }, default));
        Assert.False(SourceNames.SpellsAny(type, new[] { string.Empty }, default)); // the name of a half-typed declaration: no hang
    }

    [Theory]
    [MemberData(nameof(PositionsAroundChunkEnds))]
    public void A_name_among_many_is_found_as_a_whole_word_wherever_it_lies_against_a_chunk_end(int position)
    {
        var (_, type) = TypeWithName(" Shootdown", position - 1, tail: 3 * Chunk - position);
        var (_, longer) = TypeWithName("xShootdown", position - 1, tail: 3 * Chunk - position);

        Assert.True(Spells(type, "TlbFlush", "Shootdown"));
        Assert.False(Spells(type, "Shootdowns", "Shoot", "down"));
        Assert.False(Spells(longer, "Shootdown")); // part of a longer word
    }

    [Fact]
    public void Beyond_ascii_a_formatting_character_is_left_out_of_a_word_and_any_other_ends_it()
    {
        // The compiler leaves a formatting character (a soft hyphen) out of an identifier: Shoot\u00ADdown is Shootdown.
        // Any other character beyond ASCII ends the word: a name inside a longer identifier is found (maybe), as is a
        // name right after one; and Shoot\u00E9down is two words, neither the name.
        var compilation = CSharpCompilation.Create("t", new[]
        {
            CSharpSyntaxTree.ParseText("class Joined { int Shoot\u00ADdown; }"),
            CSharpSyntaxTree.ParseText("class After { int \u00E9Shootdown; }"),
            CSharpSyntaxTree.ParseText("class Split { int Shoot\u00E9down; }"),
        });

        Assert.True(Spells(compilation.GetTypeByMetadataName("Joined")!, "Shootdown"));
        Assert.True(Spells(compilation.GetTypeByMetadataName("After")!, "Shootdown"));
        Assert.False(Spells(compilation.GetTypeByMetadataName("Split")!, "Shootdown"));
    }

    [Fact]
    public void A_word_set_holds_exactly_the_names_added()
    {
        var words = Words("Flush0001", "Flush0002", "Flush0001", string.Empty, "Zap");
        bool Holds(string word) => words.Contains(word.ToCharArray(), word.Length);

        Assert.Equal(3, words.Count);
        Assert.Equal(9, words.MaxLength);
        Assert.True(Holds("Flush0001") && Holds("Flush0002") && Holds("Zap"));
        Assert.False(Holds("Flush0003") || Holds("Flush000") || Holds("Za") || Holds("Zapp") || Holds(string.Empty));
    }

    [Fact]
    public void Every_occurrence_is_recorded_at_its_position_with_its_name()
    {
        var (names, type) = TypeWithName("ReadRetry", 100, tail: 40_000, trailer: "SetSequence ReadRetry Remove SetSequence");
        var text = type.DeclaringSyntaxReferences[0].SyntaxTree.GetText().ToString();
        var expected = new List<(int, int)>();
        foreach (var (name, bit) in new[] { ("ReadRetry", SourceNames.ReadRetry), ("SetSequence", SourceNames.SetSequence), ("Remove", SourceNames.Remove) })
        {
            for (var at = text.IndexOf(name, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + 1, System.StringComparison.Ordinal))
            {
                expected.Add((at, bit));
            }
        }

        Assert.Equal(expected.OrderBy(e => e.Item1), Occurrences(names, type));
    }

    [Fact]
    public void A_type_that_never_spells_a_name_is_skipped_and_a_unicode_escape_counts_as_every_name()
    {
        var compilation = CSharpCompilation.Create("t", new[]
        {
            CSharpSyntaxTree.ParseText("class Plain { void M() { Read(); } void Read() { } }"),
            CSharpSyntaxTree.ParseText("class Escaped { void M() { S\\u0065tSequence(); } void SetSequence() { } }"),
        });
        var names = SourceNames.For(compilation);
        const int all = SourceNames.ReadRetry | SourceNames.SetSequence | SourceNames.Remove;

        Assert.False(names.MayName(compilation.GetTypeByMetadataName("Plain")!, all, default));
        Assert.True(names.MayName(compilation.GetTypeByMetadataName("Escaped")!, SourceNames.Remove, default));
        Assert.Same(names, SourceNames.For(compilation));
    }

    /// <summary>
    /// A class whose text holds <paramref name="name"/> at <paramref name="position"/> (in a comment), then
    /// <paramref name="tail"/> characters of padding, then <paramref name="trailer"/>.
    /// </summary>
    private static (SourceNames Names, INamedTypeSymbol Type) TypeWithName(string name, int position, int tail, string trailer = "")
    {
        const string head = "class C\n{\n// ";
        var text = head + new string('x', position - head.Length) + name + "\n// " + new string('y', tail) + "\n// " + trailer + "\n}\n";
        var compilation = CSharpCompilation.Create("t", new[] { CSharpSyntaxTree.ParseText(text) });
        return (SourceNames.For(compilation), compilation.GetTypeByMetadataName("C")!);
    }

    private static bool Spells(INamedTypeSymbol type, params string[] names)
    {
        var compilation = CSharpCompilation.Create("index", new[] { type.DeclaringSyntaxReferences[0].SyntaxTree });
        return WordIndex.Build(compilation, Words(names), default).Spells(type);
    }

    private static WordSet Words(params string[] names)
    {
        var words = new WordSet();
        foreach (var name in names)
        {
            words.Add(name);
        }

        return words;
    }

    /// <summary>Every occurrence of ReadRetry, SetSequence or Remove inside the type's declarations, as (position, name bit), in order.</summary>
    private static List<(int, int)> Occurrences(SourceNames names, INamedTypeSymbol type)
    {
        const int mask = SourceNames.ReadRetry | SourceNames.SetSequence | SourceNames.Remove;
        return names.OccurrencesOf(type, default)
                    .Where(o => o.Bit != ~0 && (o.Bit & mask) != 0)
                    .Select(o => (o.Position, o.Bit))
                    .ToList();
    }
}
