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
                    if (!Invalidate(notifier, range, currentSequence) && !range.IsBlockable)
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
                if (!Invalidate(notifier, range, currentSequence) && !range.IsBlockable)
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
                "    if (!Invalidate(notifier, range, currentSequence) && !range.IsBlockable)",
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
}
