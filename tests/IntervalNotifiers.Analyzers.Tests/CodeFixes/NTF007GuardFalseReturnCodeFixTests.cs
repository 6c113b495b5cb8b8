using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on the kernel's shapes: a failed try-lock takes the lock blocking on a blockable range (the try and its
/// <c>return false</c> stay for the range that cannot block), comments staying where they were; the fixed program
/// is run on both kinds of range while another thread holds the lock.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    private static Task VerifyFix(string source, string fixedSource, string key)
    {
        var test = new VerifyFlow.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = key };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF008" });
        return test.RunAsync();
    }

    private const string Head = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            public readonly object Lock = new object();
            public readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {

        """;

    private const string Tail = """
                try
                {
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                }
                finally
                {
                    Monitor.Exit(Lock);
                }

                return true;
            }
        }
        """;

    /// <summary>
    /// A program over <c>DeviceOps</c> (whose <c>Zapped</c> counts the work its callback did): another thread runs HOLD,
    /// holds until the non-blockable range has been tried (it gives up), notes how much work was done while it held
    /// (none, for a correct fix) and runs UNHOLD 100 ms after the blockable range started (which waits, then does the
    /// work once). The blockable invalidation runs on its own thread with a bounded wait. A correct fix gives the same
    /// answer however the threads are scheduled.
    /// </summary>
    private const string HeldDriver = """
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);

                using var held = new ManualResetEventSlim();
                using var release = new ManualResetEventSlim();
                var whileHeld = -1;
                var holder = Task.Run(() =>
                {
                    HOLD
                    try
                    {
                        held.Set();
                        release.Wait(5000);
                        whileHeld = Volatile.Read(ref ops.Zapped);
                    }
                    finally
                    {
                        UNHOLD
                    }
                });
                if (!held.Wait(5000))
                {
                    return "holder did not start";
                }

                var atomic = new NotifierRange(0x1000, 0x2000, blockable: false);
                var atomicOk = space.InvalidateRangeStart(atomic);
                var blockableRun = Task.Run(() =>
                {
                    var blockable = new NotifierRange(0x1000, 0x2000);
                    var ok = space.InvalidateRangeStart(blockable);
                    space.InvalidateRangeEnd(blockable);
                    return ok;
                });
                Thread.Sleep(100);
                release.Set();
                if (!blockableRun.Wait(10000))
                {
                    return "the blockable invalidation did not finish";
                }

                if (!holder.Wait(5000))
                {
                    return "holder did not finish";
                }

                return "non-blockable " + atomicOk + ", blockable " + blockableRun.Result + ", zapped " + ops.Zapped + ", while held " + whileHeld;
            }
        }
        """;

    private const string HeldOutcome = "non-blockable False, blockable True, zapped 1, while held 0";

    private static string Held(string hold, string unhold) => HeldDriver.Replace("UNHOLD", unhold).Replace("HOLD", hold);

    /// <summary>The fixed program's run while another thread holds <c>ops.Lock</c> (see <see cref="HeldDriver"/>).</summary>
    private static readonly string Driver = Held("Monitor.Enter(ops.Lock);", "Monitor.Exit(ops.Lock);");

    [Fact]
    public async Task FailedMonitorTryEnter_TakesTheLockWhenBlockable_AndKeepsTheComments()
    {
        const string body = """
                    // Never sleep in an atomic context.
                    if (!Monitor.TryEnter(Lock)) // busy
                    {
                        // retry later
                        RETURN
                    }

            """;
        const string fixedBody = """
                    // Never sleep in an atomic context.
                    if (range.IsBlockable)
                    {
                        Monitor.Enter(Lock);
                    }
                    else if (!Monitor.TryEnter(Lock)) // busy
                    {
                        // retry later
                        return false;
                    }

            """;
        var source = Head + body.Replace("RETURN", "{|NTF007:return false;|}") + Tail;
        var fixedSource = Head + fixedBody + Tail;
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public Task FailedSemaphoreWait_WaitsWhenBlockable() => VerifyFix(
        Head + """
                    if (!Gate.Wait(0))
                        {|NTF007:return false;|}
                    Gate.Release();
                    Monitor.Enter(Lock);

            """ + Tail,
        Head + """
                    if (range.IsBlockable)
                    {
                        Gate.Wait();
                    }
                    else if (!Gate.Wait(0))
                        return false;
                    Gate.Release();
                    Monitor.Enter(Lock);

            """ + Tail,
        NTF007GuardFalseReturnCodeFix.TakeLockKey);

    /// <summary>Fix All in solution scope over two files, one try-lock shape in each: both take the lock when blockable.</summary>
    [Fact]
    public async Task SolutionScope_TwoFiles_EachTryLockShapeFixed()
    {
        const string body = """
                    var taken = false;
                    Monitor.TryEnter(Lock, ref taken);
                    if (!taken) return false;

            """;
        var project = FixHarness.CreateProject(
            Head + body + Tail.Replace("Monitor.Exit(Lock);", "if (taken) Monitor.Exit(Lock);"),
            Head.Replace("DeviceOps", "OtherOps") + "        var entered = Monitor.TryEnter(Lock, 1);\n        if (!entered) return false;\n" + Tail);
        Assert.Equal(2, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF007"));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, new[] { "NTF007" });
        Assert.Empty(noFixAll);
        Assert.Empty(await FixHarness.DiagnosticsAsync(fixedProject));
        var texts = await FixHarness.TextsAsync(fixedProject);
        Assert.Contains("Monitor.Enter(Lock, ref taken);", texts[0]);
        Assert.Contains("Monitor.TryEnter(Lock, range.IsBlockable ? Timeout.Infinite : 1);", texts[1]);
        Assert.Equal(HeldOutcome, FixHarness.Run(texts[0], Driver));
        Assert.Equal(HeldOutcome, FixHarness.Run(texts[1], Driver.Replace("DeviceOps", "OtherOps")));
    }
}
