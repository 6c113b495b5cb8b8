using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF003AddInvalidateCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF003's "add Invalidate" leaves a program that fails loudly where the user must decide: the new
/// <c>Invalidate</c> throws <c>NotImplementedException</c> naming what to write (never a silent <c>return true</c>).
/// A type that already has a finish pass gets NTF005's start instead, and its program runs.
/// </summary>
public class NTF003AddInvalidateCodeFixTests
{
    private const string Message =
        "GpuOps.Invalidate: stop the device's access to the range, call notifier.SetSequence(currentSequence) under the lock "
        + "the read side holds around ReadRetry, then return true (return false only when !range.IsBlockable)";

    /// <summary>Inserts the ops type and runs one invalidation over it; reports what happened.</summary>
    private const string Driver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new GpuOps();
                var space = new AddressSpace();
                new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                var range = new NotifierRange(0x1000, 0x2000);
                space.InvalidateRangeStart(range);
                space.InvalidateRangeEnd(range);
                return "invalidated";
            }
        }
        """;

    [Fact]
    public async Task AddInvalidate_TheNewInvalidateThrowsNamingWhatToWrite_AndTheProgramFailsLoudly()
    {
        const string source = """
            using IntervalNotifiers;

            sealed class {|NTF003:GpuOps|} : IntervalNotifierOps
            {
                private readonly object _lock = new object();
            }
            """;
        const string fixedSource = $$"""
            using IntervalNotifiers;

            sealed class GpuOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }
            """;
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF003AddInvalidateCodeFix.AddInvalidateKey);

        Assert.Equal("threw NotImplementedException: " + Message, FixHarness.Run(fixedSource, Driver));
    }

    /// <summary>
    /// An hfi1-tid-cover-like ops type (realistic code): the callback written without <c>override</c> and without
    /// <c>in</c> on the range (an overload: the type overrides nothing), under the driver's mutex. <c>INVALIDATE</c>
    /// stands for the user's method; the program checks that the invalidation ran it (the reader must retry).
    /// </summary>
    private const string TidCover = """
        using IntervalNotifiers;

        sealed class {|NTF003:TidCoverOps|} : IntervalNotifierOps
        {
            public readonly object CoverMutex = new object();
            public int Zapped;

            // tid_cover_invalidate()
            INVALIDATE
        }

        public static class Program
        {
            public static string Run()
            {
                var ops = new TidCoverOps();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);
                var seq = notifier.ReadBegin();
                var range = new NotifierRange(0x1000, 0x2000);
                space.InvalidateRangeStart(range);
                space.InvalidateRangeEnd(range);
                return "zapped " + ops.Zapped + ", retry " + notifier.CheckRetry(seq);
            }
        }
        """;

    /// <summary>The user's <c>Invalidate</c> methods that can become the override, and what each becomes.</summary>
    public static TheoryData<string, string> OverridableInvalidates => new()
    {
        // hfi1 as written: no 'override', no 'in', the driver's own parameter names
        {
            """
            public bool Invalidate(IntervalNotifier mni, NotifierRange range, ulong cur_seq)
                {
                    lock (CoverMutex)
                    {
                        mni.SetSequence(cur_seq);
                        Zapped += range.End > range.Start ? 1 : 0;
                    }

                    return true;
                }
            """,
            """
            public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong cur_seq)
                {
                    lock (CoverMutex)
                    {
                        mni.SetSequence(cur_seq);
                        Zapped += range.End > range.Start ? 1 : 0;
                    }

                    return true;
                }
            """
        },
        // the right signature, 'override' forgotten (CS0114)
        {
            "public bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { notifier.SetSequence(currentSequence); Zapped++; return true; }",
            "public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { notifier.SetSequence(currentSequence); Zapped++; return true; }"
        },
        // 'new', expression-bodied, the range passed on to a helper
        {
            "public new bool Invalidate(IntervalNotifier n, NotifierRange r, ulong s) => Zap(n, r, s);\n\n    private bool Zap(IntervalNotifier n, in NotifierRange r, ulong s) { n.SetSequence(s); Zapped++; return true; }",
            "public override bool Invalidate(IntervalNotifier n, in NotifierRange r, ulong s) => Zap(n, r, s);\n\n    private bool Zap(IntervalNotifier n, in NotifierRange r, ulong s) { n.SetSequence(s); Zapped++; return true; }"
        },
        // internal, no accessibility on the comment line above it
        {
            "internal bool Invalidate(IntervalNotifier notifier, NotifierRange range, ulong currentSequence)\n    {\n        notifier.SetSequence(currentSequence);\n        Zapped++;\n        return true;\n    }",
            "public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)\n    {\n        notifier.SetSequence(currentSequence);\n        Zapped++;\n        return true;\n    }"
        },
    };

    [Theory]
    [MemberData(nameof(OverridableInvalidates))]
    public async Task AnInvalidateWrittenWithoutOverride_BecomesTheOverride_ItsBodyKept_AndTheProgramRunsIt(string written, string fixedMethod)
    {
        // Before: no fix at all (a second Invalidate would clash), and the first Insert threw.
        var source = TidCover.Replace("INVALIDATE", written);
        var fixedSource = TidCover.Replace("{|NTF003:TidCoverOps|}", "TidCoverOps").Replace("INVALIDATE", fixedMethod);
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF003AddInvalidateCodeFix.AddInvalidateKey);

        Assert.StartsWith("threw InvalidOperationException", FixHarness.Run(TidCover.Replace("{|NTF003:TidCoverOps|}", "TidCoverOps").Replace("INVALIDATE", written)));
        Assert.Equal("zapped 1, retry True", FixHarness.Run(fixedSource));
        var left = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource));
        Assert.True(left.IsEmpty, string.Join("\n", left));
    }

    [Fact]
    public async Task DotnetFormat_OnTheHfi1Shape_MakesTheUsersInvalidateTheOverride()
    {
        var source = TidCover.Replace("{|NTF003:TidCoverOps|}", "TidCoverOps").Replace("INVALIDATE", OverridableInvalidates.First()[0].ToString()!);
        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(FixHarness.CreateProject(source));
        Assert.Empty(noFixAll);
        var text = Assert.Single(await FixHarness.TextsAsync(fixedProject));
        Assert.Contains("public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong cur_seq)", text);
        Assert.Equal("zapped 1, retry True", FixHarness.Run(text));
        Assert.Empty(await FixHarness.DiagnosticsAsync(fixedProject));
    }

    [Fact]
    public async Task DotnetFormat_AnInvalidateWithoutOverride_BesideAFinish_BecomesTheOverride_AndNTF005sStartRunsIt()
    {
        // NTF003 runs first: the user's Invalidate becomes the override; then NTF005's start runs it and hands out the
        // finish the finish pass counts. Nothing of the user's work is dropped, and the program compiles and runs.
        const string source = """
            using IntervalNotifiers;

            sealed class GpuOps : IntervalNotifierOps
            {
                public int Zapped;
                public int Finished;

                public bool Invalidate(IntervalNotifier mni, NotifierRange range, ulong cur_seq)
                {
                    mni.SetSequence(cur_seq);
                    Zapped++;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) => Finished++;
            }
            """;
        var project = FixHarness.CreateProject(source);
        Assert.Equal(new[] { "NTF003", "NTF005" }, (await FixHarness.DiagnosticsAsync(project)).Select(d => d.Id).OrderBy(id => id));
        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project);
        Assert.Empty(noFixAll);
        var text = Assert.Single(await FixHarness.TextsAsync(fixedProject));
        Assert.Contains("public override bool Invalidate(IntervalNotifier mni, in NotifierRange range, ulong cur_seq)", text);
        Assert.Contains("if (!Invalidate(notifier, range, currentSequence))", text);
        Assert.Empty(await FixHarness.DiagnosticsAsync(fixedProject));

        var driver = Driver.Replace("return \"invalidated\";", "return ops.Zapped + \" zapped, \" + ops.Finished + \" finished\";");
        Assert.Equal("1 zapped, 1 finished", FixHarness.Run(text, driver));
    }

    /// <summary>Members named like a callback that cannot become the override: no fix (adding one would clash, CS0111/CS0663).</summary>
    public static TheoryData<string> ClashingInvalidates => new()
    {
        // the range captured in a lambda: an 'in' parameter cannot be (CS1628)
        "public bool Invalidate(IntervalNotifier n, NotifierRange range, ulong s) { System.Func<ulong> end = () => range.End; n.SetSequence(s); return end() > 0; }",
        // the range assigned: an 'in' parameter cannot be
        "public bool Invalidate(IntervalNotifier n, NotifierRange range, ulong s) { range = new NotifierRange(1, 2); n.SetSequence(s); return true; }",
        // the range passed by ref
        "public bool Invalidate(IntervalNotifier n, NotifierRange range, ulong s) { Clip(ref range); n.SetSequence(s); return true; } private static void Clip(ref NotifierRange r) { }",
        // static
        "public static bool Invalidate(IntervalNotifier n, in NotifierRange range, ulong s) => true;",
        // other parameters: a helper of the driver, not the callback
        "public bool Invalidate(ulong start, ulong end) => start < end;",
        // another return type
        "public void Invalidate(IntervalNotifier n, in NotifierRange range, ulong s) { }",
        // generic
        "public bool Invalidate<T>(IntervalNotifier n, in NotifierRange range, ulong s) => true;",
        // two overloads that differ only by 'in': making either the override would clash with the other (CS0111)
        "public bool Invalidate(IntervalNotifier n, NotifierRange range, ulong s) => true; public bool Invalidate(IntervalNotifier n, in NotifierRange range, ulong s) => true;",
        // both callbacks' names written without override: the user decides which one is meant
        "public bool Invalidate(IntervalNotifier n, in NotifierRange range, ulong s) => true; "
        + "public bool InvalidateStart(IntervalNotifier n, in NotifierRange range, ulong s, out NotifierFinish? finish) { finish = null; return true; }",
        // a method group of it is used: adding 'in' would break the delegate
        "public bool Invalidate(IntervalNotifier n, NotifierRange range, ulong s) => true; public System.Func<IntervalNotifier, NotifierRange, ulong, bool> AsFunc() => Invalidate;",
        // a field
        "public System.Func<bool>? Invalidate;",
        // an InvalidateStart without its 'out'
        "public bool InvalidateStart(IntervalNotifier n, in NotifierRange range, ulong s, NotifierFinish? finish) => true;",
    };

    [Theory]
    [MemberData(nameof(ClashingInvalidates))]
    public Task AMemberNamedLikeACallback_ThatCannotBecomeTheOverride_GetsNoFix(string member)
        => VerifyFix.NoCodeFixAsync(TidCover.Replace("INVALIDATE", member));

    [Fact]
    public async Task AnInvalidateStartWrittenWithoutOverride_BesideAFinish_BecomesTheOverride_AndTheFinishRuns()
    {
        const string head = FinishOnlyHead + "\n\n";
        const string written = """
                internal bool InvalidateStart(IntervalNotifier notifier, NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new WaitFinish();
                    return true;
                }
            }
            """;
        var fixedSource = head + written.Replace("internal bool InvalidateStart(IntervalNotifier notifier, NotifierRange range",
                                                 "public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range");
        await VerifyFix.CodeFixAsync((head + written).Replace("class GpuOps", "class {|NTF003:{|NTF005:GpuOps|}|}"), fixedSource,
                                     NTF003AddInvalidateCodeFix.AddInvalidateStartKey);

        var driver = Driver.Replace("return \"invalidated\";", "return ops.Finished + \" finished\";");
        Assert.Equal("1 finished", FixHarness.Run(fixedSource, driver));
        Assert.Empty(await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource)));
    }

    [Fact]
    public Task AddInvalidate_FixAllAddsTheUsingOnce() => VerifyFix.CodeFixAsync("""
        namespace Drivers
        {
            sealed class {|NTF003:GpuOps|} : IntervalNotifiers.IntervalNotifierOps
            {
            }

            sealed class {|NTF003:NicOps|} : IntervalNotifiers.IntervalNotifierOps
            {
            }
        }
        """, $$"""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifiers.IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }

            sealed class NicOps : IntervalNotifiers.IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message.Replace("GpuOps", "NicOps")}}");
                }
            }
        }
        """, NTF003AddInvalidateCodeFix.AddInvalidateKey);

    [Theory]
    [MemberData(nameof(Rules.NTF003Tests.LanguageVersions), MemberType = typeof(Rules.NTF003Tests))]
    public Task AddInvalidate_WorksInEveryLanguageVersion(LanguageVersion version) => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF003:GpuOps|} : IntervalNotifierOps
            {
            }
        }
        """, $$"""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }
        }
        """, NTF003AddInvalidateCodeFix.AddInvalidateKey, version);

    /// <summary>An ops type with a finish pass that counts the finishes it gets, cut after <c>InvalidateFinish</c>.</summary>
    private const string FinishOnlyHead = """
        using IntervalNotifiers;

        sealed class WaitFinish : NotifierFinish
        {
        }

        sealed class GpuOps : IntervalNotifierOps
        {
            public int Finished;

            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is WaitFinish wait)
                {
                    Finished++;
                }
            }
        """;

    [Fact]
    public async Task FinishOnly_GetsNTF005sStart_NotAThrowingInvalidate_AndTheProgramRuns()
    {
        const string head = FinishOnlyHead;
        const string start = """


                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new WaitFinish();
                    return true;
                }
            """;
        const string tail = """

            }
            """;
        await VerifyFix.CodeFixAsync((head + tail).Replace("class GpuOps", "class {|NTF003:{|NTF005:GpuOps|}|}"), head + start + tail,
                                     NTF003AddInvalidateCodeFix.AddInvalidateStartKey);

        Assert.Equal("invalidated", FixHarness.Run(head + start + tail, Driver));
        var left = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(head + start + tail));
        Assert.True(left.IsEmpty, string.Join("\n", left));
    }

    [Fact]
    public async Task DotnetFormatOrder_NTF003ThenNTF005_TheFinishOnlyTypeRuns_AndTheEmptyTypeThrows()
    {
        const string ops = """
            using IntervalNotifiers;

            public sealed class FlushFinish : NotifierFinish { }

            public sealed class EmptyOps : IntervalNotifierOps
            {
            }

            public sealed class FinishOnlyOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Finished;

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    Finished++;
                    Pool.Return((FlushFinish)finish);
                }
            }
            """;
        const string driver = """
            using IntervalNotifiers;

            public static class Program
            {
                public static string Run()
                {
                    var finishOnly = new FinishOnlyOps();
                    var space = new AddressSpace();
                    new IntervalNotifier(finishOnly).Insert(space, 0x1000, 0x1000);
                    for (var i = 0; i < 3; i++)
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    }

                    var rented = 0;
                    while (rented < 10 && finishOnly.Pool.TryRent(out _))
                    {
                        rented++;
                    }

                    var result = finishOnly.Finished + " finished, rented " + rented + " of 2";
                    var empty = new AddressSpace();
                    new IntervalNotifier(new EmptyOps()).Insert(empty, 0x1000, 0x1000);
                    try
                    {
                        empty.InvalidateRangeStart(new NotifierRange(0x1000, 0x2000));
                        return result + "; EmptyOps did not throw";
                    }
                    catch (System.NotImplementedException e)
                    {
                        return result + "; " + e.Message;
                    }
                }
            }
            """;
        var project = FixHarness.CreateProject(ops);
        var before = (await FixHarness.DiagnosticsAsync(project)).Select(d => d.Id).ToArray();
        Assert.Equal(new[] { "NTF003", "NTF003", "NTF005" }, before.OrderBy(id => id));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project);
        Assert.Empty(noFixAll);
        var text = (await FixHarness.TextsAsync(fixedProject))[0];
        var after = await FixHarness.DiagnosticsAsync(fixedProject);
        Assert.True(after.IsEmpty, string.Join("\n", after) + "\n" + text);
        Assert.DoesNotContain("override bool Invalidate(", text.Substring(text.IndexOf("class FinishOnlyOps", System.StringComparison.Ordinal)));

        Assert.Equal("3 finished, rented 2 of 2; " + Message.Replace("GpuOps", "EmptyOps"), FixHarness.Run(text, driver));
    }

    [Fact]
    public async Task AStaleDiagnostic_OnATypeThatHasACallbackNow_GetsNoFix()
    {
        // Fix All runs on diagnostics computed before the earlier fixes: a type that got its callback since has nothing to fix.
        var project = FixHarness.CreateProject("""
            using IntervalNotifiers;

            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
            }
            """);
        var document = project.Documents.Single();
        var root = (await document.GetSyntaxRootAsync())!;
        var identifier = root.DescendantTokens().First(t => t.ValueText == "GpuOps");
        var stale = Diagnostic.Create(Descriptors.NTF003, identifier.GetLocation(), "GpuOps");
        var actions = new List<CodeAction>();
        await new NTF003AddInvalidateCodeFix().RegisterCodeFixesAsync(
            new CodeFixContext(document, stale, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.Empty(actions);
    }
}
