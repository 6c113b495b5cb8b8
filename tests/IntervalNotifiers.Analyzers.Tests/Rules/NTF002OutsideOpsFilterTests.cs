using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.FinishLifetime.Speed;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF002 outside ops types is registered per type behind a text filter (Rules/NTF002.FinishLifetime/Speed/
/// NTF002.OutsideOpsTextFilter.cs): a finish created, or InvalidateFinish called, where the type's own text does not
/// spell "Finish" is still reported, once: a finish type named otherwise, a using alias, a target-typed new, a type
/// parameter constrained in the outer type, a nested type.
/// </summary>
public class NTF002OutsideOpsFilterTests
{
    [Fact]
    public Task AFinishTypeNamedOtherwise_IsCreatedInATypeThatNeverSpellsFinish() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Shootdown : NotifierFinish
        {
        }

        static class Spares
        {
            public static object Make() => {|NTF002:new Shootdown()|};
        }
        """);

    [Fact]
    public Task AFinishTypeDerivedFromOneNamedOtherwise_IsCreatedWhereNeitherNameNorFinishIsSpelled() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Zap : Shootdown
        {
        }

        class Shootdown : NotifierFinish
        {
        }

        static class Spares
        {
            public static object Make() => {|NTF002:new Zap()|};
        }
        """);

    /// <summary>
    /// The search for finish types named otherwise reads base lists only: a partial finish type whose base is named in
    /// one part (in another file), while the other part spells "Finish" nowhere, is still found.
    /// </summary>
    [Fact]
    public Task APartialFinishTypeNamedOtherwise_WithItsBaseInTheOtherPart_IsFound()
        => Verify.AnalyzerAsync(
            new[]
            {
                """
                using IntervalNotifiers;

                partial class Shootdown : NotifierFinish
                {
                }
                """,
                """
                partial class Shootdown
                {
                    public ulong Start;
                }

                sealed class Zap : Shootdown
                {
                }

                static class Spares
                {
                    public static object Make() => {|NTF002:new Zap()|};
                }
                """,
            },
            LanguageVersion.Latest);

    /// <summary>A base named through a qualified name, a nested type, or a <c>\u</c> escape in the base list is still followed.</summary>
    [Fact]
    public Task FinishTypesNamedOtherwise_ThroughQualifiedNestedAndEscapedBases_AreFound() => Verify.AnalyzerAsync("""
        namespace Driver
        {
            class Outer
            {
                public class Shootdown : IntervalNotifiers.NotifierFinish
                {
                }
            }

            sealed class Zap : Outer.Shootdown
            {
            }

            class Tlb : IntervalNotifiers.Notifier\u0046inish
            {
            }

            sealed class Ipi : Tlb
            {
            }

            static class Spares
            {
                public static object MakeZap() => {|NTF002:new Zap()|};

                public static object MakeIpi() => {|NTF002:new Ipi()|};
            }
        }
        """);

    /// <summary>
    /// A type whose body spells "Finish" but whose base list does not is no finish type, and its name does not make the
    /// types that spell it pass (only the finish types' names do).
    /// </summary>
    [Fact]
    public void ATypeThatSpellsFinishOnlyInItsBody_IsNoFinishTypeNamedOtherwise()
    {
        var passes = Filter(
            "using IntervalNotifiers;\nclass Shootdown : NotifierFinish { }",
            "class Tracker { public string Describe() => \"Finish\"; }",
            "static class UsesTracker { public static object Make() => new Tracker(); }",
            "static class UsesShootdown { public static object Make() => new Shootdown(); }");

        Assert.False(passes("UsesTracker"));
        Assert.True(passes("UsesShootdown"));
    }

    [Fact]
    public Task AnAliasOfAFinishTypeNamedOtherwise_CreatesOneInAnotherFile()
        => Verify.AnalyzerAsync(
            new[]
            {
                """
                global using Spare = Driver.Shootdown;
                """,
                """
                using IntervalNotifiers;

                namespace Driver
                {
                    public sealed class Shootdown : NotifierFinish
                    {
                    }
                }
                """,
                """
                static class Spares
                {
                    public static object Make() => {|NTF002:new Spare()|};
                }
                """,
            },
            LanguageVersion.Latest);

    [Fact]
    public Task ATypeParameterConstrainedToAFinishNamedOtherwise_CreatesOne() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Shootdown : NotifierFinish
        {
        }

        sealed class Spares<T> where T : Shootdown, new()
        {
            private sealed class Keeper
            {
                private readonly T _spare = {|NTF002:new T()|};
            }
        }
        """);

    [Fact]
    public Task AGlobalUsingAlias_CreatesAFinishElsewhere()
        => Verify.AnalyzerAsync(
            new[]
            {
                """
                global using Spare = Driver.GpuFinish;
                """,
                """
                using IntervalNotifiers;

                namespace Driver
                {
                    public sealed class GpuFinish : NotifierFinish
                    {
                    }

                    static class Spares
                    {
                        public static object Make() => {|NTF002:new Spare()|};
                    }
                }
                """,
            },
            LanguageVersion.Latest);

    [Fact]
    public Task AFileUsingAlias_CreatesAFinishInTheSameFile() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;
        using Spare = GpuFinish;

        sealed class GpuFinish : NotifierFinish
        {
        }

        static class Spares
        {
            public static object Make() => {|NTF002:new Spare()|};
        }
        """);

    [Fact]
    public Task AnAliasInsideANamespace_OfAFinishTypeNamedOtherwise_CreatesOneThere()
        => Verify.AnalyzerAsync(
            new[]
            {
                """
                using IntervalNotifiers;

                namespace Driver
                {
                    public sealed class Shootdown : NotifierFinish
                    {
                    }
                }
                """,
                """
                namespace Driver.Spares
                {
                    using Spare = Driver.Shootdown;

                    static class Pool
                    {
                        public static object Make() => {|NTF002:new Spare()|};
                    }
                }
                """,
            },
            LanguageVersion.Latest);

    [Fact]
    public Task ATargetTypedNew_IsReported()
        => Verify.AnalyzerAsync(
            new[]
            {
                """
                using IntervalNotifiers;

                sealed class GpuFinish : NotifierFinish
                {
                }

                static class Sink
                {
                    public static void Take(GpuFinish finish) { }
                }
                """,
                """
                static class Caller
                {
                    public static void Prime() => Sink.Take({|NTF002:new()|});
                }
                """,
            },
            LanguageVersion.Latest);

    [Fact]
    public Task ATypeParameterConstrainedInTheOuterType_IsReportedInTheNestedType() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Cache<T> where T : NotifierFinish, new()
        {
            public class Slot
            {
                private readonly T _spare = {|NTF002:new T()|};
            }
        }
        """);

    [Fact]
    public Task CreationsInNestedTypes_AreReportedOnceEach() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuFinish : NotifierFinish
        {
        }

        class Outer
        {
            private readonly GpuFinish _first = {|NTF002:new GpuFinish()|};

            class Inner
            {
                private readonly GpuFinish _second = {|NTF002:new GpuFinish()|};
            }
        }
        """);

    [Fact]
    public Task ADirectInvalidateFinishCallInTopLevelStatements_IsReported()
    {
        var test = new Verify.Test(LanguageVersion.Latest)
        {
            TestCode = """
                using IntervalNotifiers;

                IntervalNotifierOps ops = null!;
                NotifierFinish finish = null!;
                {|NTF002:ops.InvalidateFinish(finish)|};
                """,
        };
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task CodeThatNeverNamesAFinish_IsSilent() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        sealed class Registry
        {
            private readonly List<IntervalNotifier> _all = new List<IntervalNotifier>();
            public void Add(IntervalNotifier notifier) => _all.Add(notifier);
        }
        """);

    /// <summary>
    /// More finish types named otherwise than the filter searches for one by one (a generated driver set: Flush00 ...
    /// Flush19, and Zap derived from one of them): each is still found where it is created, by word.
    /// </summary>
    [Fact]
    public Task ManyFinishTypesNamedOtherwise_AreFoundWhereTheyAreCreated()
    {
        var test = new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    ManyFlushTypes,
                    """
                    sealed class Zap : Flush17
                    {
                    }
                    """,
                    """
                    static class Spares
                    {
                        public static object Make() => {|NTF002:new Flush18()|};

                        public static object MakeZap() => {|NTF002:new Zap()|};

                        public static object Flush180() => new object();
                    }
                    """,
                },
            },
        };
        return test.RunAsync();
    }

    /// <summary>
    /// With more finish types named otherwise than are searched for one by one, the filter still lets through only the
    /// types that spell one of them as a whole word (not a type that spells a longer name, nor one that spells none).
    /// </summary>
    [Fact]
    public void ManyFinishTypesNamedOtherwise_OnlyTypesThatSpellOneOfThemPass()
    {
        Assert.True(20 > OutsideOpsTextFilter.SearchedOneByOne);
        var passes = Filter(
            ManyFlushTypes,
            "sealed class Zap : Flush17 { }",
            "static class Spares { public static object Make() => new Flush18(); }",
            "static class Derived { public static object Make() => new Zap(); }",
            "static class Longer { public static object Flush180() => new object(); static object Flush18x() => null; }",
            "static class Registry { public static int Count; }");
        bool Passes(string name) => passes(name);

        Assert.True(Passes("Spares"));
        Assert.True(Passes("Derived"));
        Assert.False(Passes("Longer"));
        Assert.False(Passes("Registry"));
    }

    /// <summary>
    /// Among many finish types named otherwise, one named beyond ASCII: the names are searched one by one (no word
    /// index), and a type derived from that one, created where only its own name is spelled, is still found.
    /// </summary>
    [Fact]
    public void ManyFinishTypesNamedOtherwise_OneBeyondAscii_AreStillFoundTransitively()
    {
        var passes = Filter(
            ManyFlushTypes,
            "using IntervalNotifiers;\nclass Fl\u00fcsh : NotifierFinish { }",
            "sealed class Zap : Fl\u00fcsh { }",
            "static class Spares { public static object Make() => new Zap(); }",
            "static class Registry { public static int Count; }");

        Assert.True(passes("Spares"));
        Assert.False(passes("Registry"));
    }

    /// <summary>The filter of a compilation of <paramref name="sources"/> (which must compile), asked about a type by name.</summary>
    private static System.Func<string, bool> Filter(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "many",
            sources.Select(source => CSharpSyntaxTree.ParseText(source)),
            NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var filter = new OutsideOpsTextFilter(compilation, NotifierTypes.TryCreate(compilation)!);
        return name => filter.MayCreateOrFinish(compilation.GetTypeByMetadataName(name)!, default);
    }

    private static readonly string ManyFlushTypes = "using IntervalNotifiers;\n\n" + string.Join("\n", Enumerable.Range(0, 20).Select(i =>
        $"class Flush{i:00} : NotifierFinish {{ public ulong Start; }}"));
}
