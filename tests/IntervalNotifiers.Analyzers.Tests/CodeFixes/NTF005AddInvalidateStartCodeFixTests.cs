using System.Linq;
using System.Threading.Tasks;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF005AddInvalidateStartCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF005's "add InvalidateStart": the start hands out the finish the finish pass reads; the fixed program runs its
/// invalidations with every finish finished (and every pooled one returned), and no other rule fires on it.
/// </summary>
public class NTF005AddInvalidateStartCodeFixTests
{
    /// <summary>
    /// Five invalidations of one <c>DeviceOps</c>; a loud start's exception ends the run with the ops' report after it.
    /// </summary>
    private const string Driver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);
                try
                {
                    for (var i = 0; i < 5; i++)
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    }

                    // then
                }
                catch (System.NotImplementedException e)
                {
                    return "threw NotImplementedException: " + e.Message + " | " + Report(ops);
                }

                return Report(ops);
            }

            private static string Report(DeviceOps ops) => ops.Report();

            private static int Rented<TFinish>(NotifierFinishPool<TFinish> pool) where TFinish : NotifierFinish, new()
            {
                var rented = 0;
                while (rented < 10 && pool.TryRent(out _))
                {
                    rented++;
                }

                return rented;
            }
        }
        """;

    /// <summary><see cref="Driver"/> that also reports how many finishes <c>DeviceOps.Pool</c> (of capacity 2) still has.</summary>
    private static readonly string PooledDriver = Driver.Replace("=> ops.Report();", "=> ops.Report() + \", rented \" + Rented(ops.Pool) + \" of 2\";");

    /// <summary>
    /// Checks that the fix turns <paramref name="source"/> into <paramref name="fixedSource"/> (Fix All included; NTF003,
    /// which a type without <c>Invalidate</c> also gets, left out).
    /// </summary>
    private static async Task VerifyAsync(string source, string fixedSource)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource };
        test.DisabledDiagnostics.Add("NTF003");
        await test.RunAsync();
    }

    /// <summary>Runs the fixed program (<see cref="Driver"/> or another) and checks what it says and that no rule fires on it.</summary>
    private static async Task AssertRunsAsync(string expected, string fixedSource, string driver)
    {
        Assert.Equal(expected, FixHarness.Run(fixedSource, driver));
        await AssertNoRuleFiresAsync(fixedSource);
    }

    private static async Task AssertNoRuleFiresAsync(string fixedSource)
    {
        var diagnostics = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource));
        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));
    }

    [Fact]
    public async Task PooledFinish_WithInvalidate_TheStartRunsInvalidateAndRentsFromThePool()
    {
        const string head = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
                public int Ticket;
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                private int _invalidated;
                private int _finished;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    _invalidated++;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (FlushFinish)finish;
                    _finished++;
                    Pool.Return(f);
                }
            """;
        const string tail = """

                public string Report() => _invalidated + " invalidated, " + _finished + " finished";
            }
            """;
        const string start = """


                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    if (!Invalidate(notifier, range, currentSequence))
                    {
                        finish = null;
                        return false;
                    }

                    if (!Pool.TryRent(out var rented))
                    {
                        throw new System.NotImplementedException("DeviceOps.InvalidateStart: the pool 'Pool' is empty; do the whole invalidation here (what InvalidateFinish does), then set finish = null and return true");
                    }

                    finish = rented;
                    return true;
                }
            """;
        var source = (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}");
        var fixedSource = head + start + tail;
        await VerifyAsync(source, fixedSource);

        await AssertRunsAsync("5 invalidated, 5 finished, rented 2 of 2", fixedSource, PooledDriver);
    }

    [Fact]
    public async Task CastFinish_WithoutInvalidate_TheStartSetsTheSequenceAndCreatesThatFinish()
    {
        const string head = """
            using IntervalNotifiers;

            sealed class WaitFinish : NotifierFinish
            {
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                private int _finished;

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    if (finish is WaitFinish wait)
                    {
                        _finished++;
                    }
                }
            """;
        const string tail = """

                public string Report() => _finished + " finished";
            }
            """;
        const string start = """


                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new WaitFinish();
                    return true;
                }
            """;
        await VerifyAsync((head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), head + start + tail);

        await AssertRunsAsync("5 finished", head + start + tail, Driver);
    }

    /// <summary>A fence the device signals when its work is done: the finish pass waits on it (bounded).</summary>
    private const string FenceTypes = """
        using IntervalNotifiers;

        sealed class Fence
        {
            private readonly System.Threading.ManualResetEventSlim _signaled = new System.Threading.ManualResetEventSlim(false);

            public void Signal() => _signaled.Set();

            public bool Wait(int milliseconds) => _signaled.Wait(milliseconds);
        }

        sealed class GpuFinish : NotifierFinish
        {
            public Fence Fence = null!;
            public int Ticket;
        }

        """;

    /// <summary>A single-pass <c>Invalidate</c> that sets the sequence, as a member of an ops type written at four spaces.</summary>
    private const string SetsSequence = """
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        """;

    /// <summary>The start the fix writes for a type with an <c>Invalidate</c> when a new <paramref name="finishType"/> is all the finish pass needs.</summary>
    private static string WorkingStart(string finishType) => """


            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!Invalidate(notifier, range, currentSequence))
                {
                    finish = null;
                    return false;
                }

                finish = new TYPE();
                return true;
            }
        """.Replace("TYPE", finishType);

    /// <summary>The start the fix writes when it cannot fill the finish: it throws <paramref name="message"/>.</summary>
    private static string LoudStart(string message, bool hasInvalidate, string indent = "    ")
    {
        var lines = new System.Collections.Generic.List<string>
        {
            "",
            "",
            "public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)",
            "{",
        };
        if (hasInvalidate)
        {
            lines.AddRange(new[]
            {
                "    if (!Invalidate(notifier, range, currentSequence))",
                "    {",
                "        finish = null;",
                "        return false;",
                "    }",
                "",
            });
        }

        lines.Add("    throw new System.NotImplementedException(\"" + message + "\");");
        lines.Add("}");
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : indent + l));
    }

    /// <summary>The loud start's message for <c>DeviceOps</c>.</summary>
    private static string FillMessage(string get, string fill, bool hasInvalidate, string type = "DeviceOps")
        => type + ".InvalidateStart: start the slow work that InvalidateFinish waits for, "
           + (hasInvalidate ? "" : "call notifier.SetSequence(currentSequence), ")
           + get + fill + ", hand it out with finish = ..., then return true";

    [Fact]
    public async Task AmdgpuLike_TheFinishPassWaitsOnAFence_TheStartThrowsNamingTheFence_NotANullReference()
    {
        // amdgpu-like: Invalidate stops the queues; the finish pass waits on the fence of the flush the start issued.
        const string head = """
            sealed class DeviceOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();
                private int _invalidated;
                private int _finished;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }

                    _invalidated++;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (GpuFinish)finish;
                    if (!f.Fence.Wait(2000))
                    {
                        throw new System.TimeoutException("the flush did not complete");
                    }

                    _finished++;
                }
            """;
        const string tail = """

                public string Report() => _invalidated + " invalidated, " + _finished + " finished";
            }
            """;
        var message = FillMessage("create a GpuFinish", ", fill its Fence (what InvalidateFinish reads)", hasInvalidate: true);
        var fixedSource = FenceTypes + head + LoudStart(message, hasInvalidate: true) + tail;
        await VerifyAsync(FenceTypes + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);

        // The first invalidation fails loudly, naming what to write; a start that handed out an unfilled finish (what
        // the fix wrote before) would have made the finish pass throw NullReferenceException instead.
        await AssertRunsAsync("threw NotImplementedException: " + message + " | 1 invalidated, 0 finished", fixedSource, Driver);
        var unfilled = fixedSource.Replace("throw new System.NotImplementedException(\"" + message + "\");",
                                           "finish = new GpuFinish();\n        return true;");
        Assert.StartsWith("threw NullReferenceException", FixHarness.Run(unfilled, Driver));
    }

    [Fact]
    public async Task ReadThroughAnInlineCast_NoInvalidate_TheStartThrowsNamingTheSequenceAndTheFence()
    {
        const string head = """
            sealed class DeviceOps : IntervalNotifierOps
            {
                public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait(2000);
            """;
        const string tail = """

                public string Report() => "ran";
            }
            """;
        var message = FillMessage("create a GpuFinish", ", fill its Fence (what InvalidateFinish reads)", hasInvalidate: false);
        var fixedSource = FenceTypes + head + LoudStart(message, hasInvalidate: false) + tail;
        await VerifyAsync(FenceTypes + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);

        await AssertRunsAsync("threw NotImplementedException: " + message + " | ran", fixedSource, Driver);
    }

    [Fact]
    public async Task ReadThroughATypePattern_TheStartThrows_AndTheFixedProgramFailsWithThat()
    {
        const string head = $$"""
            sealed class DeviceOps : IntervalNotifierOps
            {
                private int _finished;

                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    if (finish is GpuFinish g && g.Fence.Wait(2000))
                    {
                        _finished += g.Ticket;
                    }
                }
            """;
        const string tail = """

                public string Report() => _finished + " finished";
            }
            """;
        var message = FillMessage("create a GpuFinish", ", fill its Fence, Ticket (what InvalidateFinish reads)", hasInvalidate: true);
        var fixedSource = FenceTypes + head + LoudStart(message, hasInvalidate: true) + tail;
        await VerifyAsync(FenceTypes + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);

        await AssertRunsAsync("threw NotImplementedException: " + message + " | 0 finished", fixedSource, Driver);
    }

    /// <summary>Shapes of a finish pass that reads the finish's state; each gets the loud start naming what it reads.</summary>
    public static TheoryData<string, string> ReadingShapes => new()
    {
        // as, then a null-conditional read
        { "(finish as GpuFinish)?.Fence.Wait(2000);", ", fill its Fence (what InvalidateFinish reads)" },
        // a property pattern
        { "if (finish is GpuFinish { Fence: { } fence }) { fence.Wait(2000); }", ", fill its Fence (what InvalidateFinish reads)" },
        // a switch statement on the finish
        { "switch (finish) { case GpuFinish g: g.Fence.Wait(g.Ticket); break; }", ", fill its Fence, Ticket (what InvalidateFinish reads)" },
        // a switch expression
        { "var ok = finish switch { GpuFinish g => g.Fence.Wait(2000), _ => true };", ", fill its Fence (what InvalidateFinish reads)" },
        // a local assigned later, then a compound read
        { "GpuFinish f; f = (GpuFinish)finish; f.Ticket += 1;", ", fill its Ticket (what InvalidateFinish reads)" },
        // a private helper of the ops type (followed through source)
        { "WaitFor((GpuFinish)finish);", ", fill its Fence (what InvalidateFinish reads)" },
        // an extension method (followed through source)
        { "((GpuFinish)finish).WaitForFence();", ", fill its Fence (what InvalidateFinish reads)" },
        // a local function
        { "Wait((GpuFinish)finish); static void Wait(GpuFinish g) => g.Fence.Wait(2000);", ", fill its Fence (what InvalidateFinish reads)" },
        // a delegate the fix cannot follow: it names what the finish carries
        { "_wait((GpuFinish)finish);", ", fill what InvalidateFinish reads of it (it carries Fence, Ticket)" },
        // a virtual helper (an override may read anything)
        { "Complete((GpuFinish)finish);", ", fill what InvalidateFinish reads of it (it carries Fence, Ticket)" },
        // two finish types: the fix cannot tell which one to create
        { "if (finish is GpuFinish g) { g.Fence.Wait(2000); } else if (finish is OtherFinish o) { o.Pages.Clear(); }",
          ", fill its Fence, Pages (what InvalidateFinish reads)" },
    };

    [Theory]
    [MemberData(nameof(ReadingShapes))]
    public async Task AFinishPassThatReadsTheFinish_InAnyShape_GetsTheLoudStart(string body, string fill)
    {
        const string helpers = """
            sealed class OtherFinish : NotifierFinish
            {
                public System.Collections.Generic.List<int> Pages = new System.Collections.Generic.List<int>();
            }

            static class FinishExtensions
            {
                public static void WaitForFence(this GpuFinish finish) => finish.Fence.Wait(2000);
            }

            """;
        var head = $$"""
            class DeviceOps : IntervalNotifierOps
            {
                private readonly System.Action<GpuFinish> _wait = g => g.Fence.Wait(2000);

                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    BODY
                }
            """.Replace("BODY", body);
        const string tail = """

                private void WaitFor(GpuFinish finish) => finish.Fence.Wait(2000);

                protected virtual void Complete(GpuFinish finish) { }

                public string Report() => "ran";
            }
            """;
        var get = body.Contains("OtherFinish", System.StringComparison.Ordinal) ? "create the finish InvalidateFinish expects" : "create a GpuFinish";
        var message = FillMessage(get, fill, hasInvalidate: true);
        var fixedSource = FenceTypes + helpers + head + LoudStart(message, hasInvalidate: true) + tail;
        await VerifyAsync(FenceTypes + helpers + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"),
                                     fixedSource);
        await AssertRunsAsync("threw NotImplementedException: " + message + " | ran", fixedSource, Driver);
    }

    [Fact]
    public async Task NouveauLike_APooledFinishCarryingAChannelAndATicket_TheStartThrowsAndRentsNothing()
    {
        // nouveau-like: the finish pass waits on the channel for the ticket the start's flush got, then returns the
        // finish to the pool. The fix cannot know the channel or the ticket: it rents nothing and says what to write.
        const string head = """
            using IntervalNotifiers;

            sealed class Channel
            {
                private int _completed;

                public void Complete(int ticket) => _completed = ticket;

                public bool WaitFor(int ticket) => System.Threading.SpinWait.SpinUntil(() => _completed >= ticket, 2000);
            }

            sealed class NvFinish : NotifierFinish
            {
                public Channel? Channel;
                public int Ticket;
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<NvFinish> Pool = new NotifierFinishPool<NvFinish>(2);

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (NvFinish)finish;
                    try
                    {
                        f.Channel!.WaitFor(f.Ticket);
                    }
                    finally
                    {
                        f.Channel = null;
                        Pool.Return(f);
                    }
                }
            """;
        const string tail = """

                public string Report() => "started nothing";
            }
            """;
        var message = FillMessage("rent a NvFinish from 'Pool' (and return it there on any path that does not hand it out)",
                                  ", fill its Channel, Ticket (what InvalidateFinish reads)", hasInvalidate: false);
        var fixedSource = head + LoudStart(message, hasInvalidate: false) + tail;
        await VerifyAsync((head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);

        Assert.DoesNotContain("TryRent(out var", fixedSource);
        await AssertRunsAsync("threw NotImplementedException: " + message + " | started nothing, rented 2 of 2", fixedSource, PooledDriver);
    }

    [Fact]
    public async Task AFinishThatCarriesAFence_ButTheFinishPassReadsNoneOfIt_KeepsTheWorkingStart_AndTheProgramRuns()
    {
        // The finish pass only clears the fence (a write) and reads the runtime's Notifier: an unfilled finish is all it needs.
        const string head = """
            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<GpuFinish> Pool = new NotifierFinishPool<GpuFinish>(2);
                private int _finished;

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var g = (GpuFinish)finish;
                    if (g.Notifier is not null)
                    {
                        _finished++;
                    }

                    g.Fence = null!;
                    Pool.Return(g);
                }
            """;
        const string start = """


                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    if (!Pool.TryRent(out var rented))
                    {
                        throw new System.NotImplementedException("DeviceOps.InvalidateStart: the pool 'Pool' is empty; do the whole invalidation here (what InvalidateFinish does), then set finish = null and return true");
                    }

                    finish = rented;
                    return true;
                }
            """;
        const string tail = """

                public string Report() => _finished + " finished";
            }
            """;
        var fixedSource = FenceTypes + head + start + tail;
        await VerifyAsync(FenceTypes + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);

        await AssertRunsAsync("5 finished, rented 2 of 2", fixedSource, PooledDriver);
    }

    [Fact]
    public async Task GenericPartialOpsType_WithAGenericFinish_TheStartThrowsNamingWhatItReads()
    {
        // The finish pass lives in the second part of a generic partial type; its finish carries the device's pages.
        const string head = """
            using IntervalNotifiers;

            sealed class PageFinish<TPage> : NotifierFinish
            {
                public System.Collections.Generic.List<TPage> Pages = new System.Collections.Generic.List<TPage>();
            }

            partial class DeviceOps<TPage> : IntervalNotifierOps
            {
                public int Released;

                public string Report() => Released + " released";
            """;
        const string tail = """

            }

            partial class DeviceOps<TPage>
            {
                public override void InvalidateFinish(NotifierFinish finish)
                {
                    foreach (var page in ((PageFinish<TPage>)finish).Pages)
                    {
                        Released++;
                    }
                }
            }
            """;
        var message = FillMessage("create a PageFinish<TPage>", ", fill its Pages (what InvalidateFinish reads)", hasInvalidate: false);
        var fixedSource = head + LoudStart(message, hasInvalidate: false) + tail;
        await VerifyAsync((head + tail).Replace("partial class DeviceOps<TPage> : Interval", "partial class {|NTF005:DeviceOps|}<TPage> : Interval"), fixedSource);

        await AssertRunsAsync("threw NotImplementedException: " + message + " | 0 released", fixedSource,
                              Driver.Replace("DeviceOps", "DeviceOps<long>"));
    }

    [Fact]
    public async Task FixAll_TwoTypesInOneDocument_TheFenceReaderGetsTheLoudStart_TheOtherTheWorkingOne()
    {
        const string fenceOps = $$"""
            sealed class FenceOps : IntervalNotifierOps
            {
                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    ((GpuFinish)finish).Fence.Wait(2000);
                }
            """;
        const string countOps = $$"""
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                private int _finished;

                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish) => _finished++;
            """;
        const string tail = """

                public string Report() => _finished + " finished";
            }
            """;
        var message = FillMessage("create a GpuFinish", ", fill its Fence (what InvalidateFinish reads)", hasInvalidate: true, type: "FenceOps");
        var source = FenceTypes + (fenceOps + "\n" + countOps + tail).Replace("class FenceOps", "class {|NTF005:FenceOps|}")
                                                              .Replace("class DeviceOps", "class {|NTF005:DeviceOps|}");
        var fixedSource = FenceTypes + fenceOps + LoudStart(message, hasInvalidate: true) + "\n" + countOps + WorkingStart("NotifierFinish") + tail;
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource };
        test.NumberOfFixAllIterations = 1;
        test.NumberOfFixAllInDocumentIterations = 1;
        await test.RunAsync();

        // Five invalidations of DeviceOps run; then the first one of FenceOps throws, naming what to write.
        var driver = Driver.Replace("// then", "new IntervalNotifier(new FenceOps()).Insert(space, 0x4000, 0x1000);\n"
                                               + "space.InvalidateRangeStart(new NotifierRange(0x4000, 0x5000));");
        await AssertRunsAsync("threw NotImplementedException: " + message + " | 5 finished", fixedSource, driver);

        // dotnet format's way (Fix All for the ID over the solution) gives the same text.
        var (formatted, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(
            FixHarness.CreateProject(FenceTypes + fenceOps + "\n" + countOps + tail), new[] { "NTF005" });
        Assert.Empty(noFixAll);
        Assert.Equal(fixedSource, (await FixHarness.TextsAsync(formatted))[0]);
    }

    [Fact]
    public async Task RulePageExample_APooledFinishWhoseFenceTheFinishPassWaitsOn_WithInvalidate_GetsTheLoudStart()
    {
        // docs/rules/NTF005.md's second before/after: the pooled start is not written, so the pool stays whole.
        const string head = $$"""
            sealed class FlushFinish : NotifierFinish
            {
                public Fence Fence = null!;
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);

                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (FlushFinish)finish;
                    f.Fence.Wait(2000);
                    Pool.Return(f);
                }
            """;
        const string tail = """

                public string Report() => "loud";
            }
            """;
        var message = FillMessage("rent a FlushFinish from 'Pool' (and return it there on any path that does not hand it out)",
                                  ", fill its Fence (what InvalidateFinish reads)", hasInvalidate: true);
        var fixedSource = FenceTypes.Replace("GpuFinish", "UnusedFinish") + head + LoudStart(message, hasInvalidate: true) + tail;
        await VerifyAsync(FenceTypes.Replace("GpuFinish", "UnusedFinish") + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"),
                          fixedSource);
        await AssertRunsAsync("threw NotImplementedException: " + message + " | loud, rented 2 of 2", fixedSource, PooledDriver);
    }

    /// <summary>Finish passes that read nothing of the finish, and the finish type the working start creates for each.</summary>
    public static TheoryData<string, string> NonReadingShapes => new()
    {
        // the IDE's override template calls the runtime's (empty) InvalidateFinish
        { "base.InvalidateFinish(finish); _finished++;", "NotifierFinish" },
        // a type test without a variable
        { "if (finish is GpuFinish) { _finished++; }", "GpuFinish" },
        // a helper of the ops type that reads nothing of it (followed through source)
        { "Count(finish);", "NotifierFinish" },
        // a write only: the finish pass clears the fence
        { "var g = finish as GpuFinish; g!.Fence = null!; _finished++;", "GpuFinish" },
    };

    [Theory]
    [MemberData(nameof(NonReadingShapes))]
    public async Task AFinishPassThatReadsNothingOfTheFinish_KeepsTheWorkingStart_AndTheProgramRuns(string body, string finishType)
    {
        var head = $$"""
            sealed class DeviceOps : IntervalNotifierOps
            {
                private int _finished;

                {{SetsSequence}}

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    BODY
                }
            """.Replace("BODY", body);
        var start = WorkingStart(finishType);
        const string tail = """

                private void Count(NotifierFinish finish) => _finished++;

                public string Report() => _finished + " finished";
            }
            """;
        var fixedSource = FenceTypes + head + start + tail;
        await VerifyAsync(FenceTypes + (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);
        await AssertRunsAsync("5 finished", fixedSource, Driver);
    }

    /// <summary>
    /// mlx5-implicit-ODP-like (realistic code): the single-pass <c>Invalidate</c> returns false while a child is being
    /// populated, on any range (an NTF007 violation on a blockable range), and the finish pass waits for the UMR.
    /// </summary>
    private const string PopulatingOps = """
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            public bool Populating;
            private int _invalidated;
            private int _finished;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (Populating)
                {
                    return false;
                }

                notifier.SetSequence(currentSequence);
                _invalidated++;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                _finished++;
            }

            public string Report() => _invalidated + " invalidated, " + _finished + " finished";
        }
        """;

    /// <summary>
    /// Three blockable invalidations, the second while <c>Populating</c>: what the ops report, and the contract
    /// violations the runtime reported.
    /// </summary>
    private const string PopulatingDriver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var space = new AddressSpace();
                var violations = "";
                space.ContractViolation += (_, e) => violations += e.Kind + ";";
                new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                for (var i = 0; i < 3; i++)
                {
                    ops.Populating = i == 1;
                    var range = new NotifierRange(0x1000, 0x2000);
                    if (space.InvalidateRangeStart(range))
                    {
                        space.InvalidateRangeEnd(range);
                    }
                    else
                    {
                        violations += "failed;";
                    }
                }

                return ops.Report() + ", violations: " + violations;
            }
        }
        """;

    [Fact]
    public async Task AFalseOnABlockableRange_FromInvalidate_IsPassedOn_AndTheRuntimeStillReportsIt()
    {
        // The start the fix wrote before ('&& !range.IsBlockable') turned that false into a true with a finish: the
        // runtime saw a successful start and the violation it reports for the unfixed program became silent.
        var fixedSource = PopulatingOps.Replace("        _finished++;\n    }", "        _finished++;\n    }" + WorkingStart("NotifierFinish"));
        var test = new VerifyFix.Test
        {
            TestCode = PopulatingOps.Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"),
            FixedCode = fixedSource,
        };
        test.DisabledDiagnostics.Add("NTF007");
        await test.RunAsync();
        Assert.Contains("if (!Invalidate(notifier, range, currentSequence))\n", fixedSource);

        // Unfixed, the finish never runs; fixed, it runs for the two starts that succeeded. Both report the false on
        // the blockable range, once.
        Assert.Equal("2 invalidated, 0 finished, violations: FalseOnBlockableRange;", FixHarness.Run(PopulatingOps, PopulatingDriver));
        Assert.Equal("2 invalidated, 2 finished, violations: FalseOnBlockableRange;", FixHarness.Run(fixedSource, PopulatingDriver));

        // What the fix wrote before hid it: same program, no violation reported.
        var hiding = fixedSource.Replace("if (!Invalidate(notifier, range, currentSequence))",
                                         "if (!Invalidate(notifier, range, currentSequence) && !range.IsBlockable)");
        Assert.Equal("2 invalidated, 3 finished, violations: ", FixHarness.Run(hiding, PopulatingDriver));

        // NTF007 still points at the user's false return, in Invalidate, not at the generated start.
        var left = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource));
        var only = Assert.Single(left);
        Assert.Equal("NTF007", only.Id);
        Assert.True(only.Location.SourceSpan.Start < fixedSource.IndexOf("InvalidateFinish", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANonBlockableFalse_FromInvalidate_StillEndsTheStartWithoutAFinish()
    {
        // gntdev-like: Invalidate may return false only when the range cannot block (correct code): the start gives up
        // with no finish on that range and hands out one on the blockable ones.
        var ops = PopulatingOps.Replace("if (Populating)", "if (Populating && !range.IsBlockable)");
        var fixedSource = ops.Replace("        _finished++;\n    }", "        _finished++;\n    }" + WorkingStart("NotifierFinish"));
        await VerifyAsync(ops.Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);
        var driver = PopulatingDriver.Replace("new NotifierRange(0x1000, 0x2000)",
                                              "new NotifierRange(0x1000, 0x2000, NotifierEvent.Unmap, blockable: i != 1)");
        Assert.Equal("2 invalidated, 2 finished, violations: failed;", FixHarness.Run(fixedSource, driver));
        await AssertNoRuleFiresAsync(fixedSource);
    }

    /// <summary>A finish pass that counts what it finishes; <c>START</c> stands for what the user wrote as the start.</summary>
    private const string CountingOps = """
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            private int _finished;

            public override void InvalidateFinish(NotifierFinish finish) => _finished++;

            START

            public string Report() => _finished + " finished";
        }
        """;

    [Fact]
    public async Task AStartWrittenWithoutOverride_BecomesTheOverride_ItsBodyKept_AndTheFinishRuns()
    {
        // Before: a second InvalidateStart with the same signature (CS0111).
        const string written = "public bool InvalidateStart(IntervalNotifier n, in NotifierRange r, ulong s, out NotifierFinish? finish) { n.SetSequence(s); finish = new NotifierFinish(); return true; }";
        var fixedSource = CountingOps.Replace("START", written.Replace("public bool", "public override bool"));
        await VerifyAsync(CountingOps.Replace("class DeviceOps", "class {|NTF005:DeviceOps|}").Replace("START", written), fixedSource);
        await AssertRunsAsync("5 finished", fixedSource, Driver);
    }

    [Theory]
    [InlineData("public static bool InvalidateStart(IntervalNotifier n, in NotifierRange r, ulong s, out NotifierFinish? finish) { finish = null; return true; }")]
    [InlineData("public bool InvalidateStart(IntervalNotifier n, in NotifierRange r, ulong s) => true;")]
    [InlineData("public bool InvalidateStart(IntervalNotifier n, NotifierRange r, ulong s, out NotifierFinish? finish) { System.Func<ulong> f = () => r.End; finish = null; return f() > 0; }")]
    public Task AMemberNamedInvalidateStart_ThatCannotBecomeTheOverride_GetsNoFix(string written)
    {
        var source = CountingOps.Replace("class DeviceOps", "class {|NTF005:DeviceOps|}").Replace("START", written);
        var test = new VerifyFix.Test { TestCode = source, FixedCode = source };
        test.DisabledDiagnostics.Add("NTF003");
        return test.RunAsync();
    }

    [Fact]
    public async Task AnInvalidateWrittenWithoutOverride_IsRunByTheNewStart()
    {
        // hfi1-like: the user's single-pass work, written without 'override' and without 'in', is what the start runs;
        // a start that only set the sequence would drop it (the device would keep using the pages) without a word.
        const string written = """
            public bool Invalidate(IntervalNotifier mni, NotifierRange range, ulong cur_seq)
                {
                    mni.SetSequence(cur_seq);
                    Zapped++;
                    return true;
                }

                public int Zapped;
            """;
        var source = CountingOps.Replace("START", written);
        const string finishPass = "public override void InvalidateFinish(NotifierFinish finish) => _finished++;";
        var fixedSource = source.Replace(finishPass, finishPass + WorkingStart("NotifierFinish"));
        await VerifyAsync(source.Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"), fixedSource);
        var driver = Driver.Replace("=> ops.Report();", "=> ops.Report() + \", zapped \" + ops.Zapped;");
        await AssertRunsAsync("5 finished, zapped 5", fixedSource, driver);
    }
}
