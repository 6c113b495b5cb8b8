using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer, IntervalNotifiers.CodeFixes.NTF002KeepFinishInListCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF002 on a cached finish in a field or auto-property with an initializer (the rule page's own "bad" example):
/// one finish per invocation, built as the initializer builds it, or rented from the type's pool (with its Return in
/// the finish); the member is deleted when that is clearly safe. The fixed programs run two overlapping
/// invalidations: with a shared finish the second start overwrites the data the first finish pass reads.
/// </summary>
public class NTF002NewFinishPerInvocationCodeFixTests
{
    internal const string Finish = """
        using System.Collections.Generic;
        using System.Threading;
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
            public FlushFinish() { }
            public FlushFinish(int engine) => Engine = engine;
            public int Engine;
            public int Ticket;
        }

        """;

    /// <summary>
    /// Two address spaces share the ops: the first invalidation's finish pass waits (bounded) until the second
    /// invalidation is over, then records what its finish carries (ticket * 10 + engine).
    /// </summary>
    internal const string Driver = """
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var first = new AddressSpace();
                var second = new AddressSpace();
                new IntervalNotifier(ops).Insert(first, 0x1000, 0x1000);
                new IntervalNotifier(ops).Insert(second, 0x1000, 0x1000);
                var range = new NotifierRange(0x1000, 0x2000);
                var a = Task.Run(() =>
                {
                    first.InvalidateRangeStart(range);
                    first.InvalidateRangeEnd(range);
                });
                if (!ops.InFinish.Wait(5000))
                {
                    return "the first finish pass did not start";
                }

                second.InvalidateRangeStart(range);
                second.InvalidateRangeEnd(range);
                ops.Gate.Set();
                if (!a.Wait(5000))
                {
                    return "the first invalidation did not end";
                }

                return "finished " + string.Join(",", ops.Finished) + ops.PoolState();
            }
        }
        """;

    /// <summary>The ops type; MEMBER declares the cached finish, START hands it out, FINISH_END ends the finish pass.</summary>
    internal const string Ops = """
        sealed class DeviceOps : IntervalNotifierOps
        {
            MEMBER
            private int _tickets;
            public readonly ManualResetEventSlim InFinish = new ManualResetEventSlim();
            public readonly ManualResetEventSlim Gate = new ManualResetEventSlim();
            public readonly List<int> Finished = new List<int>();

            public string PoolState() => "";

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
        START
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (FlushFinish)finish;
                if (f.Ticket == 1)
                {
                    InFinish.Set();
                    Gate.Wait(5000);
                }

                lock (Finished)
                {
                    Finished.Add(f.Ticket * 10 + f.Engine);
                }
                FINISH_END
            }
        }
        """;

    internal static string Source(string member, string start, string finishEnd = "", string extra = "")
        => Finish + Ops.Replace("    MEMBER\n", member.Length == 0 ? string.Empty : "    " + member + "\n")
                      .Replace("START", start.TrimEnd('\n'))
                      .Replace("        FINISH_END\n", finishEnd.Length == 0 ? string.Empty : "        " + finishEnd + "\n")
                      .Replace("    public string PoolState() => \"\";\n", extra.Length == 0 ? "    public string PoolState() => \"\";\n" : extra);

    internal const string HandOutCached = """
                _finish.Ticket = Interlocked.Increment(ref _tickets);
                {|NTF002:finish = _finish|};
        """;

    internal static string Unmarked(string source)
        => source.Replace("{|NTF002:", string.Empty).Replace("|}", string.Empty);

    /// <summary>Applies the fix with <paramref name="key"/>; markup in <paramref name="fixedSource"/> marks what stays reported.</summary>
    internal static Task Verify(string source, string fixedSource, string key)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = key };
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }

    [Fact]
    public async Task PageExample_InitializerWithArguments_NewPerInvocation_AndTheFieldGoes()
    {
        var source = Source("// One finish for every invocation.\n    private readonly FlushFinish _finish = {|NTF002:new FlushFinish(engine: 3)|};", HandOutCached);
        var fixedSource = Source("", """
                    var flushFinish = new FlushFinish(engine: 3);
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """);
        await Verify(source, fixedSource, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

        // Shared, the second start overwrote the ticket the first finish pass reads; per invocation, each reads its own.
        Assert.Equal("finished 23,23", FixHarness.Run(Unmarked(source), Driver));
        Assert.Equal("finished 23,13", FixHarness.Run(fixedSource, Driver));
    }

    /// <summary>The lightbulb on the initializer's own diagnostic offers the same fix, and it clears both lines.</summary>
    [Fact]
    public async Task FromTheInitializersDiagnostic_TheSameFix()
    {
        var project = FixHarness.CreateProject(Unmarked(Source("private readonly FlushFinish _finish = new FlushFinish(engine: 3);", HandOutCached)));
        var document = project.Documents.Single();
        var create = Assert.Single(await FixHarness.DiagnosticsAsync(project),
                                   d => d.Properties[FinishLifetimeAnalyzer.KindKey] == FinishLifetimeAnalyzer.KindCreate);
        var actions = new List<CodeAction>();
        await new NTF002KeepFinishInListCodeFix().RegisterCodeFixesAsync(
            new CodeFixContext(document, create, (action, _) => actions.Add(action), CancellationToken.None));
        var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetProject(project.Id)!;
        Assert.Equal(Source("", """
                    var flushFinish = new FlushFinish(engine: 3);
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """), (await FixHarness.TextsAsync(changed))[0]);
        Assert.Empty(await FixHarness.DiagnosticsAsync(changed));
    }

    [Fact]
    public Task ObjectInitializer_And_TargetTypedNew_AreBuiltTheSameWay() => Verify(
        Source("private readonly FlushFinish _finish = {|NTF002:new(2) { Ticket = -1 }|};", HandOutCached),
        Source("", """
                    var flushFinish = new FlushFinish(2) { Ticket = -1 };
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """),
        NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    [Fact]
    public Task StaticFieldAndConstants_AreReadFromTheStart() => Verify(
        Source("private static readonly FlushFinish s_finish = {|NTF002:new FlushFinish(DefaultEngine) { Ticket = Limits.First }|};\n    private const int DefaultEngine = 4;", """
                    s_finish.Ticket = Interlocked.Increment(ref _tickets);
                    {|NTF002:finish = DeviceOps.s_finish|};
            """) + "\nstatic class Limits { public const int First = 0; }\n",
        Source("private const int DefaultEngine = 4;", """
                    var flushFinish = new FlushFinish(DefaultEngine) { Ticket = Limits.First };
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """) + "\nstatic class Limits { public const int First = 0; }\n",
        NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    [Fact]
    public async Task AutoPropertyWithInitializer_NewPerInvocation()
    {
        var fixedSource = Source("", """
                    var cached = new FlushFinish(5);
                    cached.Ticket = Interlocked.Increment(ref _tickets);
                    finish = cached;
            """);
        await Verify(
            Source("private FlushFinish Cached { get; } = {|NTF002:new FlushFinish(5)|};", """
                    Cached.Ticket = Interlocked.Increment(ref _tickets);
                    {|NTF002:finish = this.Cached|};
            """),
            fixedSource,
            NTF002KeepFinishInListCodeFix.NewPerInvocationKey);
        Assert.Equal("finished 25,15", FixHarness.Run(fixedSource, Driver));
    }

    /// <summary>A private helper of the start that returns the cached finish gets its own local; the program runs.</summary>
    [Fact]
    public async Task HelperThatReturnsTheCachedFinish_NewPerInvocation()
    {
        const string helper = """
                private FlushFinish Prepare()
                {
                    _finish.Ticket = Interlocked.Increment(ref _tickets);
                    {|NTF002:return _finish;|}
                }

            """;
        const string fixedHelper = """
                private FlushFinish Prepare()
                {
                    var finish = new FlushFinish(engine: 3);
                    finish.Ticket = Interlocked.Increment(ref _tickets);
                    return finish;
                }

            """;
        var source = Source("private readonly FlushFinish _finish = {|NTF002:new FlushFinish(engine: 3)|};", "        finish = Prepare();")
            .Replace("    public override bool InvalidateStart", helper + "    public override bool InvalidateStart");
        var fixedSource = Source("", "        finish = Prepare();")
            .Replace("    public override bool InvalidateStart", fixedHelper + "    public override bool InvalidateStart");
        await Verify(source, fixedSource, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);
        Assert.Equal("finished 23,13", FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public Task InitializerWithACall_RunsPerInvocation_AndTheFieldStaysForTheUser() => Verify(
        Source("private readonly FlushFinish _finish = {|NTF002:new FlushFinish(PickEngine())|};\n    private static int PickEngine() => 6;", HandOutCached),
        Source("private readonly FlushFinish _finish = {|NTF002:new FlushFinish(PickEngine())|};\n    private static int PickEngine() => 6;", """
                    var flushFinish = new FlushFinish(PickEngine());
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """),
        NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    // ------------------------------------------------------------------------------------------------ no fix

    [Theory]
    [InlineData("private readonly FlushFinish _finish = Make();\n    private static FlushFinish Make() => {|NTF002:new FlushFinish()|};", "")]
    [InlineData("private readonly FlushFinish _finish = {|NTF002:new FlushFinish(Engine)|};\n    private const int Engine = 3;",
                "        var Engine = 7;\n        Finished.Add(Engine);\n")]
    [InlineData("private readonly FlushFinish _finish = {|NTF002:new FlushFinish()|};\n    public int Last => _finish.Ticket;", "")]
    [InlineData("private readonly FlushFinish _finish = {|NTF002:new FlushFinish()|};\n    public DeviceOps() => _finish = {|NTF002:new FlushFinish(1)|};", "")]
    [InlineData("internal readonly FlushFinish _finish = {|NTF002:new FlushFinish()|};", "")]
    public Task InitializerThatCannotMoveIntoTheStart_NoFix(string member, string startPrefix)
        => VerifyFix.NoCodeFixAsync(Source(member, startPrefix + HandOutCached), NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    /// <summary>
    /// dotnet format as users run it, with and without <c>--diagnostics NTF002</c>: the first NTF002 of the file has
    /// no fix (a finish stored in a list), the page's example after it is fixed, and the program runs.
    /// </summary>
    [Fact]
    public async Task DotnetFormat_FixesThePageExample_NextToAnUnfixableDiagnostic()
    {
        const string keeper = """
            sealed class KeeperOps : IntervalNotifierOps
            {
                private readonly List<NotifierFinish> _all = new List<NotifierFinish>();

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new FlushFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) => _all.Add(finish);
            }

            """;
        var source = Unmarked(Source("private readonly FlushFinish _finish = new FlushFinish(engine: 3);", HandOutCached))
            .Replace("sealed class DeviceOps", keeper + "sealed class DeviceOps");
        var project = FixHarness.CreateProject(source);
        Assert.Equal(3, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF002"));
        foreach (var ids in new[] { null, new[] { "NTF002" } })
        {
            var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, ids);
            Assert.Empty(noFixAll);
            var left = Assert.Single(await FixHarness.DiagnosticsAsync(fixedProject));
            Assert.Equal("NTF002", left.Id);
            Assert.Contains("_all.Add(finish)", left.Location.SourceTree!.GetText().GetSubText(left.Location.SourceSpan).ToString());
            var text = (await FixHarness.TextsAsync(fixedProject))[0];
            Assert.DoesNotContain("_finish", text);
            Assert.Equal("finished 23,13", FixHarness.Run(text, Driver));
        }
    }

    /// <summary>
    /// Fix All in solution scope over two files: an ops type in each, one of them partial with its field in the other
    /// file. Both starts get their own finish; the partial type's field is left (and still reported) because the fix
    /// cannot see the whole type in one file.
    /// </summary>
    [Fact]
    public async Task SolutionScope_TwoFiles_AndAPartialTypeWhoseFieldStays()
    {
        const string partialField = """
            using IntervalNotifiers;

            sealed partial class SplitOps
            {
                private readonly FlushFinish _finish = new FlushFinish(engine: 4);
            }
            """;
        var split = "using System.Collections.Generic;\nusing System.Threading;\nusing IntervalNotifiers;\n\n" + Unmarked(Ops
            .Replace("sealed class DeviceOps", "sealed partial class SplitOps").Replace("    MEMBER\n", string.Empty)
            .Replace("START", HandOutCached.TrimEnd('\n')).Replace("        FINISH_END\n", string.Empty));
        var whole = Unmarked(Source("private readonly FlushFinish _finish = new FlushFinish(engine: 3);", HandOutCached));
        var project = FixHarness.CreateProject(whole, split, partialField);
        Assert.Equal(4, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF002"));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, new[] { "NTF002" });
        Assert.Empty(noFixAll);
        var texts = await FixHarness.TextsAsync(fixedProject);
        Assert.Contains("var flushFinish = new FlushFinish(engine: 3);", texts[0]);
        Assert.DoesNotContain("_finish", texts[0]);
        Assert.Contains("var flushFinish = new FlushFinish(engine: 4);", texts[1]);
        Assert.DoesNotContain("_finish", texts[1]);
        Assert.Equal(partialField, texts[2]);
        var left = Assert.Single(await FixHarness.DiagnosticsAsync(fixedProject));
        Assert.Equal("/consumer/File2.cs", left.Location.SourceTree!.FilePath);
        Assert.Equal("finished 23,13", FixHarness.Run(texts[0], Driver));
        Assert.Equal("finished 24,14", FixHarness.Run(Finish, texts[1], texts[2], Driver.Replace("DeviceOps", "SplitOps")));
    }
}
