using System;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Speed;

/// <summary>
/// Speed/SourceMemberNames.cs answers <c>Compilation.ContainsSymbolsWithName(name, SymbolFilter.Member)</c> from one
/// walk: for every identifier spelled in a project, and for the compiler's special member names, it says "declared" exactly
/// when the declaration table does, so CallSyntax never proves a call harmless that the table would have counted; and the
/// types it gives for a name hold every source member of that name.
/// </summary>
public sealed class SourceMemberNamesTests
{
    private const string Shapes = """
        using System;
        using System.Collections.Generic;

        namespace Outer.Inner
        {
            public partial class Split { public void FromFirstPart() { } }
            public record Point(int X, int Y) { public int Sum => X + Y; }
            public record struct Size(int Width, int Height);
            public enum Color { Red, Green }
            public interface IShape { double Area(); event EventHandler Changed; }
            public class Square : IShape
            {
                private readonly double _side;
                public Square(double side) => _side = side;
                double IShape.Area() => _side * _side;
                event EventHandler IShape.Changed { add { } remove { } }
                public int this[int i] => i;
                public static Square operator +(Square a, Square b) => new Square(a._side + b._side);
                public static implicit operator double(Square s) => s._side;
                ~Square() { }
                public class Nested { public struct Deeper { public void DeepestMember() { } } }
                public delegate void OnResize(double side);
            }
        }

        namespace Outer.Inner
        {
            public partial class Split { public int FromSecondPart; }
        }

        public static class Extensions
        {
            extension(string text)
            {
                public int WordCount() => text.Split(' ').Length;
                public bool IsBlank => text.Trim().Length == 0;
            }

            public static int Twice(this int x) => x * 2;
        }

        file class OnlyInThisFile { public void FileLocal() { } }
        """;

    [Fact]
    public void SameAnswersAsTheDeclarationTable_OnTheValidCodeProject()
        => AssertSameAnswers(ValidCodeTests.CompileValidCode());

    [Fact]
    public void SameAnswersAsTheDeclarationTable_OnNestedPartialRecordAndExtensionShapes()
    {
        var compilation = ValidCodeTests.Compile("Shapes", LanguageVersion.Preview, ("Shapes.cs", Shapes));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var names = new SourceMemberNames(compilation);

        // The shapes' own members are found (a set that answered false for everything would fail here).
        foreach (var member in new[] { "FromFirstPart", "FromSecondPart", "Sum", "Red", "Area", "DeepestMember", "WordCount",
                                       "IsBlank", "Twice", "FileLocal", "op_Addition" })
        {
            Assert.True(compilation.ContainsSymbolsWithName(member, SymbolFilter.Member), member);
            Assert.True(names.Contains(member, CancellationToken.None), member);
        }

        Assert.False(names.Contains("WriteLine", CancellationToken.None)); // a framework method, not declared in source
        AssertSameAnswers(compilation);
    }

    [Fact]
    public void TypesDeclaring_FindsTheTypeOfEveryMemberOfThatName()
    {
        var compilation = ValidCodeTests.Compile("Declaring", LanguageVersion.Preview, ("Shapes.cs", Shapes));
        var names = new SourceMemberNames(compilation);
        Assert.Equal(new[] { "Split" }, names.TypesDeclaring("FromSecondPart", CancellationToken.None).Select(t => t.Name));
        Assert.Equal(new[] { "Deeper" }, names.TypesDeclaring("DeepestMember", CancellationToken.None).Select(t => t.Name));
        // The C# 14 extension block, and the static class that holds its implementation method.
        var wordCount = names.TypesDeclaring("WordCount", CancellationToken.None);
        Assert.Contains(wordCount, t => t.TypeKind == TypeKind.Extension && t.ContainingType?.Name == "Extensions");
        Assert.Empty(names.TypesDeclaring("WriteLine", CancellationToken.None));
        Assert.Same(names.TypesDeclaring("Area", CancellationToken.None), names.TypesDeclaring("Area", CancellationToken.None));

        AssertTypesDeclaring(compilation);
        AssertTypesDeclaring(ValidCodeTests.CompileValidCode());
    }

    /// <summary>For every name asked, the types hold the containing type of every source member of that name (CallSummaries' search by name looks in no other type).</summary>
    private static void AssertTypesDeclaring(Compilation compilation)
    {
        var names = new SourceMemberNames(compilation);
        var withMembers = 0;
        foreach (var name in AskedNames(compilation))
        {
            var types = names.TypesDeclaring(name, CancellationToken.None);
            foreach (var member in compilation.GetSymbolsWithName(name, SymbolFilter.Member))
            {
                Assert.Contains(member.ContainingType, types, SymbolEqualityComparer.Default);
                withMembers++;
            }
        }

        Assert.True(withMembers > 10, $"{withMembers} members checked");

        // The first names asked are scanned, the later ones mapped: asked in the opposite order, each name gets the same types.
        var declared = AskedNames(compilation).Where(n => names.Contains(n, CancellationToken.None)).ToArray();
        var reversed = new SourceMemberNames(compilation);
        var answers = declared.Reverse().ToDictionary(n => n, n => reversed.TypesDeclaring(n, CancellationToken.None), StringComparer.Ordinal);
        Assert.True(declared.Length > 2 * SourceTypeIndex.ScannedBeforeGrouping);
        foreach (var name in declared)
        {
            Assert.Equal(names.TypesDeclaring(name, CancellationToken.None).ToHashSet(SymbolEqualityComparer.Default),
                         answers[name].ToHashSet(SymbolEqualityComparer.Default));
        }
    }

    private static void AssertSameAnswers(Compilation compilation)
    {
        var names = new SourceMemberNames(compilation);
        var found = 0;
        var notFound = 0;
        foreach (var name in AskedNames(compilation))
        {
            var expected = compilation.ContainsSymbolsWithName(name, SymbolFilter.Member);
            Assert.True(expected == names.Contains(name, CancellationToken.None), $"'{name}': the table says {expected}, the set does not");
            found += expected ? 1 : 0;
            notFound += expected ? 0 : 1;
        }

        // Both answers occur: most identifiers of a project are locals, parameters and framework names.
        Assert.True(found > 0 && notFound > 0, $"{found} found, {notFound} not found");
    }

    /// <summary>Every identifier spelled in the project, and the compiler's special member names.</summary>
    internal static string[] AskedNames(Compilation compilation)
    {
        var asked = compilation.SyntaxTrees
                               .SelectMany(t => t.GetRoot().DescendantTokens())
                               .Where(t => t.IsKind(SyntaxKind.IdentifierToken))
                               .Select(t => t.ValueText)
                               .Concat(new[]
                               {
                                   WellKnownMemberNames.InstanceConstructorName, WellKnownMemberNames.StaticConstructorName,
                                   WellKnownMemberNames.AdditionOperatorName, WellKnownMemberNames.ImplicitConversionName,
                                   WellKnownMemberNames.DestructorName, WellKnownMemberNames.Indexer, "this[]", "Item",
                                   "<Main>$", "Add", "GetPinnableReference", "AppendLiteral", "Select", "NoSuchNameAnywhere",
                               })
                               .Distinct(StringComparer.Ordinal)
                               .ToArray();
        Assert.True(asked.Length > 20);
        return asked;
    }
}
