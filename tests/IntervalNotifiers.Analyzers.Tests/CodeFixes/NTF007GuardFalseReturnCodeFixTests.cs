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
public class NTF007GuardFalseReturnCodeFixTests
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

    private const string Driver = """
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

                // Another thread holds the lock for a while: a non-blockable range gives up, a blockable one waits.
                using var held = new ManualResetEventSlim();
                var holder = Task.Run(() =>
                {
                    lock (ops.Lock)
                    {
                        held.Set();
                        Thread.Sleep(200);
                    }
                });
                if (!held.Wait(5000))
                {
                    return "holder did not start";
                }

                var atomic = new NotifierRange(0x1000, 0x2000, blockable: false);
                var atomicOk = space.InvalidateRangeStart(atomic);
                var blockable = new NotifierRange(0x1000, 0x2000);
                var blockableOk = space.InvalidateRangeStart(blockable);
                space.InvalidateRangeEnd(blockable);
                if (!holder.Wait(5000))
                {
                    return "holder did not finish";
                }

                return "non-blockable " + atomicOk + ", blockable " + blockableOk + ", zapped " + ops.Zapped;
            }
        }
        """;

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

        Assert.Equal("non-blockable False, blockable True, zapped 1", FixHarness.Run(fixedSource, Driver));
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

    // ------------------------------------------------------------ the 'ref bool taken' forms of Monitor.TryEnter

    /// <summary>An ops type whose Invalidate body is BODY; it exits the lock only when it took it.</summary>
    private const string TakenOps = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            public readonly object Lock = new object();
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var taken = false;
        BODY
            }
        }
        """;

    private static string Taken(string body) => TakenOps.Replace("BODY", body.TrimEnd('\n'));

    [Fact]
    public async Task TryEnterRefTaken_TakesTheLockWhenBlockable_AndKeepsTheComments()
    {
        var source = Taken("""
                    try
                    {
                        // Atomic context: never sleep.
                        Monitor.TryEnter(Lock, ref taken); // try once
                        if (!taken)
                        {
                            {|NTF007:return false;|} // retry later
                        }

                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        if (taken)
                        {
                            Monitor.Exit(Lock);
                        }
                    }
            """);
        var fixedSource = Taken("""
                    try
                    {
                        // Atomic context: never sleep.
                        if (range.IsBlockable)
                        {
                            Monitor.Enter(Lock, ref taken);
                        }
                        else
                        {
                            Monitor.TryEnter(Lock, ref taken); // try once
                        }
                        if (!taken)
                        {
                            return false; // retry later
                        }

                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        if (taken)
                        {
                            Monitor.Exit(Lock);
                        }
                    }
            """);
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal("non-blockable False, blockable True, zapped 1", FixHarness.Run(fixedSource, Driver));
    }

    /// <summary>The timeout form; the try sits before the try statement whose block tests the flag.</summary>
    private const string TimeoutSource = """
                    Monitor.TryEnter(Lock, 10, ref taken);
                    try
                    {
                        if (taken == false) {|NTF007:return false;|}
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Lock);
                    }
            """;

    private const string TimeoutFixed = """
                    if (range.IsBlockable)
                    {
                        Monitor.Enter(Lock, ref taken);
                    }
                    else
                    {
                        Monitor.TryEnter(Lock, 10, ref taken);
                    }
                    try
                    {
                        if (taken == false) return false;
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Lock);
                    }
            """;

    [Fact]
    public async Task TryEnterTimeoutRefTaken_BeforeTheTry_TakesTheLockWhenBlockable()
    {
        await VerifyFix(Taken(TimeoutSource), Taken(TimeoutFixed), NTF007GuardFalseReturnCodeFix.TakeLockKey);
        Assert.Equal("non-blockable False, blockable True, zapped 1", FixHarness.Run(Taken(TimeoutFixed), Driver));
    }

    [Fact]
    public Task TakenIsFalse_QualifiedMonitor_InANestedBlock() => VerifyFix(
        Taken("""
                    System.Threading.Monitor.TryEnter(Lock, System.TimeSpan.FromMilliseconds(5), ref taken);
                    {
                        if (taken is false)
                            {|NTF007:return false;|}
                        notifier.SetSequence(currentSequence);
                    }

                    Monitor.Exit(Lock);
                    return true;
            """),
        Taken("""
                    if (range.IsBlockable)
                    {
                        System.Threading.Monitor.Enter(Lock, ref taken);
                    }
                    else
                    {
                        System.Threading.Monitor.TryEnter(Lock, System.TimeSpan.FromMilliseconds(5), ref taken);
                    }
                    {
                        if (taken is false)
                            return false;
                        notifier.SetSequence(currentSequence);
                    }

                    Monitor.Exit(Lock);
                    return true;
            """),
        NTF007GuardFalseReturnCodeFix.TakeLockKey);

    [Fact]
    public Task RangeParameterWithAnotherName_IsNamedInTheFix()
    {
        const string ops = """
            using System.Threading;
            using IntervalNotifiers;

            sealed class DeviceOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange r, ulong currentSequence)
                {
                    bool taken = false;
                    TRY
                    if (!taken) {|NTF007:return false;|}
                    notifier.SetSequence(currentSequence);
                    Monitor.Exit(_lock);
                    return true;
                }
            }
            """;
        return VerifyFix(
            ops.Replace("TRY", "Monitor.TryEnter(_lock, ref taken);"),
            ops.Replace("TRY", """
                if (r.IsBlockable)
                        {
                            Monitor.Enter(_lock, ref taken);
                        }
                        else
                        {
                            Monitor.TryEnter(_lock, ref taken);
                        }
                """).Replace("{|NTF007:return false;|}", "return false;"),
            NTF007GuardFalseReturnCodeFix.TakeLockKey);
    }

    /// <summary>
    /// The flag is not set by a try just before its test (written in between, or set in a branch): no fix, and not
    /// the guard either, which would go on without the lock.
    /// </summary>
    [Theory]
    [InlineData("Monitor.TryEnter(Lock, ref taken);\n            taken = taken && Zapped < 10;")]
    [InlineData("if (Zapped >= 0)\n            {\n                Monitor.TryEnter(Lock, ref taken);\n            }")]
    public Task FlagNotSetJustBeforeItsTest_NoFix(string setting) => VerifyFlow.NoCodeFixAsync(Taken("""
                    SETTING

                    if (!taken)
                    {
                        {|NTF007:return false;|}
                    }

                    notifier.SetSequence(currentSequence);
                    Monitor.Exit(Lock);
                    return true;
            """).Replace("SETTING", setting));

    [Fact]
    public Task SpinLockTryEnter_NoFix() => VerifyFlow.NoCodeFixAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            private SpinLock _spin = new SpinLock(false);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var taken = false;
                _spin.TryEnter(ref taken);
                if (!taken)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                _spin.Exit();
                return true;
            }
        }
        """);

    [Fact]
    public Task TryLockResultInALocal_GetsNoGuard_ThatWouldGoOnWithoutTheLock() => VerifyFlow.NoCodeFixAsync(Head + """
                var entered = Gate.Wait(0);
                if (!entered)
                {
                    {|NTF007:return false;|}
                }

                Gate.Release();
                Monitor.Enter(Lock);

        """ + Tail);

    [Fact]
    public Task PlainFlag_StillGetsTheGuard() => VerifyFix(
        Taken("""
                    var busy = Zapped > 3;
                    if (busy)
                    {
                        {|NTF007:return false;|}
                    }

                    Monitor.Enter(Lock, ref taken);
                    notifier.SetSequence(currentSequence);
                    Monitor.Exit(Lock);
                    return true;
            """),
        Taken("""
                    var busy = Zapped > 3;
                    if (!range.IsBlockable && busy)
                    {
                        return false;
                    }

                    Monitor.Enter(Lock, ref taken);
                    notifier.SetSequence(currentSequence);
                    Monitor.Exit(Lock);
                    return true;
            """),
        NTF007GuardFalseReturnCodeFix.EquivalenceKey);

    /// <summary>
    /// Two ops types with the ref-taken try and one callback whose false return has no fix, reported first: Fix All as
    /// dotnet format runs it (no key) fixes both tries and leaves the other diagnostic; the program runs.
    /// </summary>
    [Fact]
    public async Task DotnetFormat_FixesEveryRefTakenTry_AndLeavesTheUnfixable()
    {
        const string unfixable = """
            sealed class GiveUpOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    var ok = false;
                    if (range.Start > 10)
                    {
                        return ok;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }

            """;
        var second = Taken(TimeoutSource).Replace("{|NTF007:return false;|}", "return false;")
            .Replace("DeviceOps", "OtherOps").Replace("using System.Threading;\nusing IntervalNotifiers;\n", string.Empty);
        var source = Taken("""
                    try
                    {
                        Monitor.TryEnter(Lock, ref taken);
                        if (!taken) return false;
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Lock);
                    }
            """).Replace("sealed class DeviceOps", unfixable + "sealed class DeviceOps") + second;
        var project = FixHarness.CreateProject(source);
        Assert.Equal(3, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF007"));

        foreach (var ids in new[] { null, new[] { "NTF007" } })
        {
            var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, ids);
            Assert.Empty(noFixAll);
            var ntf007 = Assert.Single((await FixHarness.DiagnosticsAsync(fixedProject)), d => d.Id == "NTF007");
            Assert.Contains("return ok;", ntf007.Location.SourceTree!.GetText().GetSubText(ntf007.Location.SourceSpan).ToString());
            var text = (await FixHarness.TextsAsync(fixedProject))[0];
            Assert.Equal(2, text.Split("Monitor.Enter(Lock, ref taken);").Length - 1);
            Assert.Equal("non-blockable False, blockable True, zapped 1", FixHarness.Run(text, Driver));
        }
    }
}
