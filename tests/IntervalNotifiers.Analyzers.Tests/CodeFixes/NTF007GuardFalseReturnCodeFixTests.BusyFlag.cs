using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on a busy flag tested through <c>Volatile</c> / <c>Interlocked</c>: on a blockable range the fix waits until
/// the test lets the callback go on (it takes the flag, or sees the device idle), never goes on past it; the fixed
/// program runs while another thread holds the flag, and does the work once, after the holder let go. A test the
/// wait cannot repeat safely (an exchange that writes on failure, a flag the callback sets itself) gets no fix.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    /// <summary>
    /// A driver with busy flags that its completion path clears (and two that nothing clears: <c>Dead</c>, set once,
    /// and <c>Claimed</c>), its Invalidate body BODY.
    /// </summary>
    private const string FlagOps = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            public int Busy;
            public bool DmaActive;
            public long InFlight;
            public bool Dead;
            public int Claimed;
            public int Zapped;

            public void Idle()
            {
                System.Threading.Volatile.Write(ref Busy, 0);
                DmaActive = false;
                System.Threading.Interlocked.Decrement(ref InFlight);
            }

            public void Die() => Dead = true;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        BODY
            }
        }
        """;

    private static string Flag(string body) => FlagOps.Replace("BODY", body.TrimEnd('\n'));

    /// <summary>Another thread takes the busy flag with the same exchange the callback uses.</summary>
    private static readonly string BusyHolds = Held(
        "while (Interlocked.CompareExchange(ref ops.Busy, 1, 0) != 0) { }", "Volatile.Write(ref ops.Busy, 0);");

    /// <summary>An acquiring exchange: the blockable range spins until it has taken the flag, then releases it as before.</summary>
    [Fact]
    public async Task AcquiringCompareExchange_SpinsUntilTakenWhenBlockable_AndKeepsTheComments()
    {
        const string body = """
                    // Fast path without the notifier lock: take the device.
                    if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) // someone is submitting
                    {
                        RETURN // the core retries
                    }

                    try
                    {
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                    }
                    finally
                    {
                        Volatile.Write(ref Busy, 0);
                    }

                    return true;
            """;
        var source = Flag(body.Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = Flag(body.Replace("RETURN", "return false;").Replace("""
                    if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) // someone is submitting
            """, """
                    if (range.IsBlockable)
                    {
                        SpinWait.SpinUntil(() => Interlocked.CompareExchange(ref Busy, 1, 0) == 0);
                    }
                    else if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) // someone is submitting
            """));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, BusyHolds));
    }

    /// <summary>Other spellings of an acquiring exchange and of a read-only busy flag; each fixed program runs with the flag held.</summary>
    [Theory]
    [InlineData("Interlocked.CompareExchange(ref this.Busy, 1, 0) == 1", "Interlocked.CompareExchange(ref this.Busy, 1, 0) != 1", true)]
    [InlineData("0 != Interlocked.CompareExchange(ref Busy, 1, 0)", "0 == Interlocked.CompareExchange(ref Busy, 1, 0)", true)]
    [InlineData("Volatile.Read(ref Busy) != 0", "Volatile.Read(ref Busy) == 0", false)]
    [InlineData("(Volatile.Read(ref Busy) == 1)", "Volatile.Read(ref Busy) != 1", false)]
    public async Task BusyFlagThroughACall_WaitsWhenBlockable(string test, string cleared, bool acquires)
    {
        var release = acquires ? "Volatile.Write(ref Busy, 0);\n        " : string.Empty;
        const string body = """
                    if (TEST)
                        RETURN
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    RELEASEreturn true;
            """;
        var source = Flag(body.Replace("TEST", test).Replace("RELEASE", release).Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = Flag(body.Replace("TEST", test).Replace("RELEASE", release).Replace("RETURN", "return false;")
            .Replace("if (" + test, "if (range.IsBlockable)\n        {\n            SpinWait.SpinUntil(() => " + cleared + ");\n        }\n        else if (" + test));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        // The holder sets the flag as a submission does; a read-only test waits for it to clear.
        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, BusyHolds));
    }

    /// <summary>
    /// The device's DMA flag, set and cleared by the submission path (another method), read without a lock: on a
    /// blockable range the callback waits until no DMA is active instead of zapping under it.
    /// </summary>
    [Fact]
    public async Task DeviceBusyFlagSetElsewhere_WaitsForTheDeviceWhenBlockable()
    {
        const string body = """
                    if (Volatile.Read(ref DmaActive))
                    {
                        RETURN
                    }

                    notifier.SetSequence(currentSequence);
                    Interlocked.Increment(ref Zapped);
                    return true;
                }

                public void Submit() => Volatile.Write(ref DmaActive, true);

                public void Complete()
                {
                    Volatile.Write(ref DmaActive, false);
            """;
        var source = Flag(body.Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = Flag(body.Replace("RETURN", "return false;").Replace("""
                    if (Volatile.Read(ref DmaActive))
            """, """
                    if (range.IsBlockable)
                    {
                        SpinWait.SpinUntil(() => !Volatile.Read(ref DmaActive));
                    }
                    else if (Volatile.Read(ref DmaActive))
            """));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Held("ops.Submit();", "ops.Complete();")));
    }

    /// <summary>An in-flight count read with <c>Interlocked.Read</c>, the flag qualified and the namespace written out.</summary>
    [Fact]
    public async Task InFlightCount_QualifiedInterlockedRead_WaitsWhenBlockable()
    {
        const string body = """
                    if (System.Threading.Interlocked.Read(ref this.InFlight) != 0L) RETURN
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    return true;
            """;
        var source = Flag(body.Replace("RETURN", "{|NTF007:return false;|}")).Replace("using System.Threading;\n", string.Empty);
        var fixedSource = Flag(body.Replace("RETURN", "return false;").Replace("if (System", """
                    if (range.IsBlockable)
                    {
                        System.Threading.SpinWait.SpinUntil(() => System.Threading.Interlocked.Read(ref this.InFlight) == 0L);
                    }
                    else if (System
            """.TrimStart().TrimEnd('\n'))).Replace("using System.Threading;\n", string.Empty);
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        var driver = Held("Interlocked.Increment(ref ops.InFlight);", "Interlocked.Decrement(ref ops.InFlight);");
        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, driver));
    }

    /// <summary>
    /// Tests the wait cannot repeat safely, whose flag the callback sets itself, or whose flag nothing clears: no fix, and
    /// not the guard either (going on past them on a blockable range would work without the flag, or while the device is busy).
    /// </summary>
    [Theory]
    // A test-then-set: callbacks waiting for the flag would all see it clear at once and go on together.
    [InlineData("Volatile.Read(ref Busy) != 0", "Volatile.Write(ref Busy, 1);", "Volatile.Write(ref Busy, 0);")]
    [InlineData("Volatile.Read(ref DmaActive)", "DmaActive = true;", "DmaActive = false;")]
    [InlineData("Volatile.Read(ref Busy) == 1", "MarkBusy();", "")]
    // Writes on every try (a failed exchange may overwrite the flag; an increment counts every try).
    [InlineData("Interlocked.Exchange(ref Busy, 1) != 0", "", "Volatile.Write(ref Busy, 0);")]
    [InlineData("Interlocked.Increment(ref Busy) != 1", "", "Interlocked.Decrement(ref Busy);")]
    // True when the exchange happened: the test does not say 'busy'.
    [InlineData("Interlocked.CompareExchange(ref Busy, 1, 0) == 0", "", "Volatile.Write(ref Busy, 0);")]
    // A flag nothing clears: the wait would never end.
    [InlineData("Volatile.Read(ref Dead)", "", "")]
    [InlineData("Interlocked.CompareExchange(ref Claimed, 1, 0) != 0", "", "")]
    // A value that is not a constant, a flag of another object.
    [InlineData("Interlocked.CompareExchange(ref Busy, Zapped + 1, 0) != 0", "", "Volatile.Write(ref Busy, 0);")]
    [InlineData("Volatile.Read(ref Other.Busy) != 0", "", "")]
    public Task FlagTheWaitCannotRepeat_NoFix(string test, string take, string release) => VerifyFlow.NoCodeFixAsync(Flag("""
                    if (TEST)
                    {
                        {|NTF007:return false;|}
                    }

                    TAKE
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    RELEASE
                    return true;
                }

                public DeviceOps Other => this;

                private void MarkBusy() => Volatile.Write(ref Busy, 1);

                private void Unused()
                {
            """.Replace("TEST", test).Replace("TAKE", take).Replace("RELEASE", release)));

    /// <summary>
    /// A plain in-use flag the callback sets after testing it (directly, through a property, through a helper): the
    /// guard would let a blockable range take the flag while another thread holds it and clear it under that thread,
    /// so it is not offered.
    /// </summary>
    [Theory]
    [InlineData("_inUse", "_inUse = true;", "_inUse = false;")]
    [InlineData("this._inUse", "Claim();", "_inUse = false;")]
    [InlineData("InUse", "InUse = true;", "InUse = false;")]
    public Task TestThenSetPlainFlag_NoGuard(string test, string take, string release) => VerifyFlow.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            private bool _inUse;

            public bool InUse { get; set; }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (TEST)
                {
                    {|NTF007:return false;|}
                }

                TAKE
                notifier.SetSequence(currentSequence);
                RELEASE
                return true;
            }

            private void Claim() => _inUse = true;
        }
        """.Replace("TEST", test).Replace("TAKE", take).Replace("RELEASE", release));

    /// <summary>
    /// The guard where it is right: a fence the code after the test waits for. The blockable range goes on to that
    /// wait; the fixed program runs while the fence is pending.
    /// </summary>
    [Fact]
    public async Task PendingFenceWaitedForBelow_GetsTheGuard()
    {
        const string ops = """
            using System.Threading;
            using IntervalNotifiers;

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly ManualResetEventSlim Fence = new ManualResetEventSlim(true);
                public int Zapped;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (TEST) // the GPU still reads the pages
                        RETURN
                    Fence.Wait();
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    return true;
                }
            }
            """;
        var fixedSource = ops.Replace("TEST", "!range.IsBlockable && !Fence.IsSet").Replace("RETURN", "return false;");
        await VerifyFix(ops.Replace("TEST", "!Fence.IsSet").Replace("RETURN", "{|NTF007:return false;|}"), fixedSource,
            NTF007GuardFalseReturnCodeFix.EquivalenceKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Held("ops.Fence.Reset();", "ops.Fence.Set();")));
    }

    [Fact]
    public Task BusyFlagReadIntoALocal_NoFix() => VerifyFlow.NoCodeFixAsync(Flag("""
                    var busy = Volatile.Read(ref DmaActive);
                    if (busy)
                    {
                        {|NTF007:return false;|}
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
            """));

    /// <summary>
    /// As <c>dotnet format analyzers</c> runs it, over one file with every new shape and a test-then-set flag that gets
    /// no fix: each gets its own fix (the first diagnostic's key is the flag wait, the others take their own default),
    /// the test-then-set stays reported, and each fixed type's program runs.
    /// </summary>
    [Fact]
    public async Task DotnetFormat_FixesEachShapeWithItsOwnFix_AndLeavesTheTestThenSet()
    {
        const string casBody = """
                    if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) return false;
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    Volatile.Write(ref Busy, 0);
                    return true;
            """;
        const string writeLockBody = """
                    if (!PageTable.TryEnterWriteLock(System.TimeSpan.Zero)) return false;
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    PageTable.ExitWriteLock();
                    return true;
            """;
        const string readLockBody = """
                    var ok = PageTable.TryEnterReadLock(0);
                    if (!ok) return false;
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    PageTable.ExitReadLock();
                    return true;
            """;
        const string testThenSet = """
            sealed class RacyOps : IntervalNotifierOps
            {
                private int _busy;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (Volatile.Read(ref _busy) != 0) return false;
                    Volatile.Write(ref _busy, 1);
                    notifier.SetSequence(currentSequence);
                    Volatile.Write(ref _busy, 0);
                    return true;
                }
            }

            """;
        var pageTable = PageTable(writeLockBody).Replace("DeviceOps", "WriteLockOps");
        var source = Flag(casBody) + "\n" + Strip(pageTable) + "\n" + Strip(PageTable(readLockBody).Replace("DeviceOps", "ReadLockOps"))
                     + "\n" + testThenSet;
        var project = FixHarness.CreateProject(source);
        Assert.Equal(4, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF007"));

        foreach (var ids in new[] { null, new[] { "NTF007" } })
        {
            var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, ids);
            Assert.Empty(noFixAll);
            var left = Assert.Single(await FixHarness.DiagnosticsAsync(fixedProject), d => d.Id == "NTF007");
            var text = (await FixHarness.TextsAsync(fixedProject))[0];
            Assert.True(left.Location.SourceSpan.Start > text.IndexOf("sealed class RacyOps", System.StringComparison.Ordinal), left.ToString());
            Assert.Contains("SpinWait.SpinUntil(() => Interlocked.CompareExchange(ref Busy, 1, 0) == 0);", text);
            Assert.Contains("PageTable.EnterWriteLock();", text);
            Assert.Contains("PageTable.TryEnterReadLock(range.IsBlockable ? Timeout.Infinite : 0);", text);
            Assert.Contains("if (Volatile.Read(ref _busy) != 0) return false;", text);
            Assert.Equal(HeldOutcome, FixHarness.Run(text, BusyHolds));
            var writer = WriterHolds.Replace("new DeviceOps()", "new WriteLockOps()");
            Assert.Equal(HeldOutcome, FixHarness.Run(text, writer));
            Assert.Equal(HeldOutcome, FixHarness.Run(text, writer.Replace("new WriteLockOps()", "new ReadLockOps()")));
        }

        static string Strip(string ops) => ops.Substring(ops.IndexOf("sealed class", System.StringComparison.Ordinal));
    }
}
