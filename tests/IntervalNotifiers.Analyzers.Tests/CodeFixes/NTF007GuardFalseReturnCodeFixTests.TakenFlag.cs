using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on the <c>ref bool taken</c> forms of <c>Monitor.TryEnter</c>: the try takes the lock blocking on a blockable
/// range; a flag that a lock call sets gets no guard (going on past it would run without the lock).
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
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

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Driver));
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
        Assert.Equal(HeldOutcome, FixHarness.Run(Taken(TimeoutFixed), Driver));
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

    /// <summary>A try-lock whose result is kept in a local: its timeout becomes infinite on a blockable range.</summary>
    [Theory]
    [InlineData("var entered = Monitor.TryEnter(Lock);", "var entered = Monitor.TryEnter(Lock, range.IsBlockable ? Timeout.Infinite : 0);")]
    [InlineData("bool entered = Monitor.TryEnter(Lock, 10 + Zapped);", "bool entered = Monitor.TryEnter(Lock, range.IsBlockable ? Timeout.Infinite : (10 + Zapped));")]
    [InlineData("var entered = Monitor.TryEnter(Lock, System.TimeSpan.FromMilliseconds(1)); // try", "var entered = Monitor.TryEnter(Lock, range.IsBlockable ? Timeout.InfiniteTimeSpan : System.TimeSpan.FromMilliseconds(1)); // try")]
    public async Task TryLockResultInALocal_WaitsForeverWhenBlockable(string trying, string waiting)
    {
        const string body = """
                    TRY
                    if (!entered)
                    {
                        RETURN
                    }

            """;
        var source = Head + body.Replace("TRY", trying).Replace("RETURN", "{|NTF007:return false;|}") + Tail;
        var fixedSource = Head + body.Replace("TRY", waiting).Replace("RETURN", "return false;") + Tail;
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);
        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public Task SemaphoreWaitResultInALocal_WaitsForeverWhenBlockable() => VerifyFix(
        Head + """
                var entered = Gate.Wait(0);
                if (!entered) {|NTF007:return false;|}
                Gate.Release();
                Monitor.Enter(Lock);

        """ + Tail,
        Head + """
                var entered = Gate.Wait(range.IsBlockable ? Timeout.Infinite : 0);
                if (!entered) return false;
                Gate.Release();
                Monitor.Enter(Lock);

        """ + Tail,
        NTF007GuardFalseReturnCodeFix.TakeLockKey);

    /// <summary>
    /// A wait the fix cannot make infinite (it also takes a token), or a try assigned later (the rule does not follow
    /// it there): no fix, and no guard that would go on without the lock.
    /// </summary>
    [Theory]
    [InlineData("var entered = Gate.Wait(0, CancellationToken.None);")]
    [InlineData("bool entered;\n        entered = Gate.Wait(0);")]
    public Task TryResultTheFixCannotWaitFor_NoFix(string trying) => VerifyFlow.NoCodeFixAsync(Head + """
                TRY
                if (!entered)
                {
                    {|NTF007:return false;|}
                }

                Gate.Release();
                Monitor.Enter(Lock);

        """.Replace("TRY", trying) + Tail);

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
            Assert.Equal(HeldOutcome, FixHarness.Run(text, Driver));
        }
    }
}
