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
/// walk: for every identifier spelled in a project, and for the compiler's special member names, it says "declared" whenever
/// the declaration table does (it may say so for more: a positional record's properties), so CallSyntax never proves a
/// call harmless that the table would have counted.
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
    public void SameAnswerAsTheDeclarationTable_OnTheValidCodeProject()
        => AssertSameAnswers(ValidCodeTests.CompileValidCode());

    [Fact]
    public void SameAnswerAsTheDeclarationTable_OnNestedPartialRecordAndExtensionShapes()
    {
        var compilation = ValidCodeTests.Compile("Shapes", LanguageVersion.Preview, ("Shapes.cs", Shapes));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var names = new SourceMemberNames(compilation);
        for (var i = 0; i <= SourceMemberNames.AskedBeforeGathering; i++)
        {
            Assert.False(names.Contains("NotDeclared" + i, CancellationToken.None));
        }

        // The shapes' own members are found (a set that answered false for everything would fail here).
        foreach (var member in new[] { "FromFirstPart", "FromSecondPart", "Sum", "Red", "Area", "DeepestMember", "WordCount",
                                       "IsBlank", "Twice", "FileLocal", "op_Addition" })
        {
            Assert.True(compilation.ContainsSymbolsWithName(member, SymbolFilter.Member), member);
            Assert.True(names.Contains(member, CancellationToken.None), member);
        }

        Assert.True(names.Contains("DeepestMember", CancellationToken.None));
        Assert.True(names.Contains("WordCount", CancellationToken.None));
        Assert.False(names.Contains("WriteLine", CancellationToken.None)); // a framework method, not declared in source
        AssertSameAnswers(compilation);
    }

    [Fact]
    public void GathersAtTheFirstName_WhenTheSourceTypesAreListedAlready()
    {
        var compilation = ValidCodeTests.Compile("Listed", LanguageVersion.Preview, ("Shapes.cs", Shapes));
        var beforeListing = new SourceMemberNames(compilation);
        Assert.True(beforeListing.Contains("Area", CancellationToken.None));
        Assert.False(beforeListing.Gathered); // the first names go to the declaration table

        _ = SourceTypes.ListOf(compilation, CancellationToken.None);
        var afterListing = new SourceMemberNames(compilation);
        Assert.True(afterListing.Contains("Area", CancellationToken.None));
        Assert.True(afterListing.Gathered);
        AssertSameAnswers(compilation, afterListing);
    }

    private static void AssertSameAnswers(Compilation compilation)
    {
        // As asked by CallSyntax (the first names from the table, the rest from the gathered set), and with every
        // answer from the gathered set (names nobody declares asked first, until the set is gathered).
        AssertSameAnswers(compilation, new SourceMemberNames(compilation));
        var gathered = new SourceMemberNames(compilation);
        for (var i = 0; i <= SourceMemberNames.AskedBeforeGathering; i++)
        {
            Assert.False(gathered.Contains("NotDeclared" + i, CancellationToken.None));
        }

        AssertSameAnswers(compilation, gathered);
    }

    private static void AssertSameAnswers(Compilation compilation, SourceMemberNames names)
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
        var found = 0;
        var notFound = 0;
        foreach (var name in asked)
        {
            var expected = compilation.ContainsSymbolsWithName(name, SymbolFilter.Member);
            var answer = names.Contains(name, CancellationToken.None);
            Assert.True(answer || !expected, $"'{name}' is a source member name, the set says it is not");
            found += expected ? 1 : 0;
            notFound += answer ? 0 : 1;
        }

        // Both answers occur: most identifiers of a project are locals, parameters and framework names.
        Assert.True(found > 0 && notFound > 0, $"{found} found, {notFound} not found");
    }
}
