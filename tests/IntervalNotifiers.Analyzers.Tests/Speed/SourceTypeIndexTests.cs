using System;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Speed;

/// <summary>
/// Speed/SourceTypeIndex.cs answers the first names asked by a scan of the source types and the later ones from one
/// grouping: whichever way a name is answered, the types are the same, in the same order. Checked for CallSyntax's types
/// by simple name here (SourceMemberNamesTests checks the types by member name).
/// </summary>
public sealed class SourceTypeIndexTests
{
    private const string Shapes = """
        namespace Drivers.Gpu
        {
            public class Engine { public class Queue { } public struct Ring { } }
            public partial class Device { }
            public partial class Device { public class Queue { } }
            public class Engine<T> { }
            public static class Fence { public sealed class Waiter { } }
            public abstract class Mmio { }
            public delegate void Doorbell(int slot);
        }

        namespace Drivers.Nic
        {
            public class Engine { }
            public interface IQueue { }
            public record Queue(int Depth);
            public struct Doorbell { }
        }

        public enum Ring { Small, Large }
        file class Hidden { }
        """;

    [Fact]
    public void TypesNamed_SameTypesScannedOrGrouped_OnTheValidCodeProject()
        => AssertTypesNamed(ValidCodeTests.CompileValidCode(), minimumNames: 20);

    [Fact]
    public void TypesNamed_SameTypesScannedOrGrouped_OnNestedPartialGenericAndSameNamedTypes()
    {
        var compilation = ValidCodeTests.Compile("TypesNamed", LanguageVersion.Latest, ("Shapes.cs", Shapes));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var syntax = new CallSyntax(compilation, NotifierTypes.TryCreate(compilation)!);

        // Same-named types of every kind and depth are all found, the partial type once, the generic one under its simple name.
        Assert.Equal(3, syntax.SourceTypesNamed("Queue", CancellationToken.None).Count); // not IQueue
        Assert.Equal(3, syntax.SourceTypesNamed("Engine", CancellationToken.None).Count);
        Assert.Single(syntax.SourceTypesNamed("Device", CancellationToken.None));
        Assert.Equal(2, syntax.SourceTypesNamed("Doorbell", CancellationToken.None).Count); // a delegate and a struct
        Assert.Equal(new[] { TypeKind.Struct, TypeKind.Enum }.OrderBy(k => k),
                     syntax.SourceTypesNamed("Ring", CancellationToken.None).Select(t => t.TypeKind).OrderBy(k => k));
        Assert.Empty(syntax.SourceTypesNamed("Console", CancellationToken.None)); // a framework type: no source type
        AssertTypesNamed(compilation, minimumNames: 9);
    }

    /// <summary>
    /// Every identifier of the project (and a few special names), asked in source order of one CallSyntax and in the opposite order of another (the
    /// first few of each are scanned, the rest grouped), gets the source types of that name in the order of the list of
    /// source types.
    /// </summary>
    private static void AssertTypesNamed(Compilation compilation, int minimumNames)
    {
        var types = NotifierTypes.TryCreate(compilation);
        Assert.NotNull(types);
        var names = SourceMemberNamesTests.AskedNames(compilation);
        var all = SourceTypes.ListOf(compilation, CancellationToken.None);
        var typeNames = names.Count(n => all.Any(t => t.Name == n));
        Assert.True(typeNames >= minimumNames, $"{typeNames} type names");
        Assert.True(typeNames > 2 * SourceTypeIndex.ScannedBeforeGrouping);

        var inOrder = new CallSyntax(compilation, types!);
        var reversed = new CallSyntax(compilation, types!);
        var reversedAnswers = names.Reverse().ToDictionary(n => n, n => reversed.SourceTypesNamed(n, CancellationToken.None), StringComparer.Ordinal);
        foreach (var name in names)
        {
            var expected = all.Where(t => t.Name == name).ToArray();
            Assert.Equal(expected, inOrder.SourceTypesNamed(name, CancellationToken.None), SymbolEqualityComparer.Default);
            Assert.Equal(expected, reversedAnswers[name], SymbolEqualityComparer.Default);
        }
    }
}
