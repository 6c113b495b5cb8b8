using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// mlx5 implicit ODP's populating flag, set by a fault path that is a read-side section (docs/rules/NTF007.md, "Code
/// fix"): waiting for the flag would deadlock (the fault waits in <c>ReadBegin</c>), and the sequence already protects
/// what the flag guarded, so the fix is the guard. It is offered only when every setter of the flag also clears it and
/// commits under <c>ReadRetry</c> inside the lock the callback holds around <c>SetSequence</c>; the fixed program runs an
/// invalidation in the middle of a fault, and the fault retries instead of keeping a stale mapping.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    /// <summary>The ops, whose callback tests the flag with TEST; the fault path sets it (SET / CLEAR) around a read section READ.</summary>
    private const string ReaderFlagOps = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        sealed class ChildMr : IntervalNotifier
        {
            public ChildMr(IntervalNotifierOps ops) : base(ops) { }

            public int Populating;
            public bool Busy;
            public readonly object UmemMutex = new object();
            public readonly object OtherMutex = new object();
            public int Mapped;
            public int Zapped;
        }

        sealed class OdpOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var mr = (ChildMr)notifier;
        TEST
                lock (mr.UmemMutex)
                {
                    mr.SetSequence(currentSequence);
                    mr.Mapped = 0;
                    mr.Zapped++;
                }

                return true;
            }
        }

        static class Fault
        {
            public static int Populate(ChildMr child, Action? afterLookup)
            {
                SET
                try
                {
                    var attempts = 0;
                    while (true)
                    {
                        attempts++;
        READ
                    }
                }
                finally
                {
                    CLEAR
                }
            }
        }
        """;

    /// <summary>The fault's read section as mlx5 writes it: the commit under the lock, after ReadRetry.</summary>
    private const string CommitUnderTheLock = """
                        var seq = child.ReadBegin();
                        afterLookup?.Invoke();
                        lock (child.UmemMutex)
                        {
                            if (child.ReadRetry(seq))
                            {
                                continue;
                            }

                            child.Mapped = 1;
                            return attempts;
                        }
        """;

    private const string IntSet = "Interlocked.Increment(ref child.Populating);";
    private const string IntClear = "Interlocked.Decrement(ref child.Populating);";

    private static string ReaderFlag(string test, string read = CommitUnderTheLock, string set = IntSet, string clear = IntClear)
        => ReaderFlagOps.Replace("TEST", test).Replace("READ", read).Replace("SET", set).Replace("CLEAR", clear);

    private static string FlagTest(string condition, string ret) => $$"""
                // The fault is writing this child's translation right now.
                if ({{condition}})
                {
                    {{ret}}
                }

        """;

    /// <summary>
    /// A fault that stops after its lookup (its ReadBegin done, the flag set) while a non-blockable and then a blockable
    /// invalidation run; then it goes on. The mapping must end up committed by a second attempt, after the zap.
    /// </summary>
    private const string FaultDuringInvalidation = """
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new OdpOps();
                var space = new AddressSpace();
                var mr = new ChildMr(ops);
                mr.Insert(space, 0x1000, 0x1000);

                using var inLookup = new ManualResetEventSlim();
                using var go = new ManualResetEventSlim();
                var first = 1;
                var fault = Task.Run(() => Fault.Populate(mr, () =>
                {
                    if (Interlocked.Exchange(ref first, 0) == 1)
                    {
                        inLookup.Set();
                        go.Wait(5000);
                    }
                }));
                if (!inLookup.Wait(5000))
                {
                    return "the fault did not start";
                }

                var atomic = new NotifierRange(0x1000, 0x2000, blockable: false);
                var atomicOk = space.InvalidateRangeStart(atomic);
                var blockable = new NotifierRange(0x1000, 0x2000);
                var ok = space.InvalidateRangeStart(blockable);
                space.InvalidateRangeEnd(blockable);
                go.Set();
                if (!fault.Wait(5000))
                {
                    return "the fault did not finish";
                }

                return "non-blockable " + atomicOk + ", blockable " + ok + ", zapped " + mr.Zapped + ", fault attempts " + fault.Result
                       + ", mapped " + mr.Mapped;
            }
        }
        """;

    [Fact]
    public async Task PopulatingFlagOfAReadSection_GetsTheGuard_AndTheFaultRetries()
    {
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}"));
        var fixedSource = ReaderFlag(FlagTest("!range.IsBlockable && Volatile.Read(ref mr.Populating) != 0", "return false;"));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.EquivalenceKey);

        // Before the fix the blockable invalidation gave up (a contract violation the runtime reports) and the fault
        // committed a mapping of the old pages; after it, the zap happens and the fault's commit waits for a new lookup.
        Assert.Equal("non-blockable False, blockable True, zapped 1, fault attempts 2, mapped 1",
                     FixHarness.Run(fixedSource, FaultDuringInvalidation));
    }

    /// <summary>The flag as a bool set and cleared with Volatile.Write, tested negated through Interlocked's cousin.</summary>
    [Fact]
    public async Task BoolFlagOfAReadSection_GetsTheGuard_AndTheFaultRetries()
    {
        const string set = "Volatile.Write(ref child.Busy, true);";
        const string clear = "Volatile.Write(ref child.Busy, false);";
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Busy)", "{|NTF007:return false;|}"), set: set, clear: clear);
        var fixedSource = ReaderFlag(FlagTest("!range.IsBlockable && Volatile.Read(ref mr.Busy)", "return false;"), set: set, clear: clear);
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.EquivalenceKey);

        Assert.Equal("non-blockable False, blockable True, zapped 1, fault attempts 2, mapped 1",
                     FixHarness.Run(fixedSource, FaultDuringInvalidation));
    }

    /// <summary>The range test before the flag test makes the guard's first half redundant there; the fix still only adds it.</summary>
    [Fact]
    public Task PopulatingFlag_AfterANonBlockableReturn_GetsTheGuard() => VerifyFix(
        ReaderFlag("        if (!range.IsBlockable)\n        {\n            return false;\n        }\n\n"
                   + FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}")),
        ReaderFlag("        if (!range.IsBlockable)\n        {\n            return false;\n        }\n\n"
                   + FlagTest("!range.IsBlockable && Volatile.Read(ref mr.Populating) != 0", "return false;")),
        NTF007GuardFalseReturnCodeFix.EquivalenceKey);

    /// <summary>The fault checks ReadRetry before it takes the lock: its commit can race with the zap.</summary>
    private const string RetryOutsideTheLock = """
                        var seq = child.ReadBegin();
                        afterLookup?.Invoke();
                        if (child.ReadRetry(seq))
                        {
                            continue;
                        }

                        lock (child.UmemMutex)
                        {
                            child.Mapped = 1;
                            return attempts;
                        }
        """;

    /// <summary>Shapes where the sequence does not protect what the flag guards, or the search cannot tell: no fix.</summary>
    [Theory]
    [InlineData("retry outside the lock")]
    [InlineData("retry under another lock")]
    [InlineData("no ReadBegin")]
    [InlineData("ReadBegin in a lambda")]
    public Task FlagNotProtectedByTheSequence_NoGuard(string shape)
    {
        var read = shape switch
        {
            "retry outside the lock" => RetryOutsideTheLock,
            "retry under another lock" => CommitUnderTheLock.Replace("lock (child.UmemMutex)", "lock (child.OtherMutex)"),
            "no ReadBegin" => CommitUnderTheLock.Replace("var seq = child.ReadBegin();", "var seq = 0UL;"),
            _ => CommitUnderTheLock.Replace("var seq = child.ReadBegin();", "Func<ulong> begin = () => child.ReadBegin();\n                var seq = 0UL;"),
        };
        Assert.NotEqual(CommitUnderTheLock, read);
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}"), read: read);
        return VerifyFlow.NoCodeFixAsync(source, NTF007GuardFalseReturnCodeFix.EquivalenceKey);
    }

    /// <summary>The setter sets the flag and a helper of another member clears it: the flag outlives the read section.</summary>
    [Fact]
    public Task FlagClearedInAnotherMember_NoGuard()
    {
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}"), clear: "Done(child);")
            .Replace("    public static int Populate(", "    private static void Done(ChildMr child) => Interlocked.Decrement(ref child.Populating);\n\n    public static int Populate(");
        return VerifyFlow.NoCodeFixAsync(source, NTF007GuardFalseReturnCodeFix.EquivalenceKey);
    }

    /// <summary>A public flag of a public type in a library: another assembly may set it outside any read section.</summary>
    [Fact]
    public Task FlagAnotherAssemblyCanWrite_NoGuard()
    {
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}"))
            .Replace("sealed class ChildMr : IntervalNotifier", "public sealed class ChildMr : IntervalNotifier");
        Assert.Contains("public sealed class ChildMr", source);
        return VerifyFlow.NoCodeFixAsync(source, NTF007GuardFalseReturnCodeFix.EquivalenceKey);
    }

    /// <summary>The callback sets the sequence outside the lock the reader commits under: no guard.</summary>
    [Fact]
    public Task SetSequenceOutsideTheLock_NoGuard()
    {
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}"))
            .Replace("        lock (mr.UmemMutex)\n        {\n            mr.SetSequence(currentSequence);",
                     "        mr.SetSequence(currentSequence);\n        lock (mr.UmemMutex)\n        {");
        Assert.Contains("mr.SetSequence(currentSequence);\n        lock (mr.UmemMutex)", source.Replace("\r\n", "\n"));
        return VerifyFlow.NoCodeFixAsync(source, NTF007GuardFalseReturnCodeFix.EquivalenceKey);
    }

    /// <summary>The callback takes the flag itself after testing it (test-then-set): no guard.</summary>
    [Fact]
    public Task CallbackWritesTheFlag_NoGuard()
    {
        var source = ReaderFlag(FlagTest("Volatile.Read(ref mr.Populating) != 0", "{|NTF007:return false;|}")
                                + "        Interlocked.Increment(ref mr.Populating);\n");
        return VerifyFlow.NoCodeFixAsync(source, NTF007GuardFalseReturnCodeFix.EquivalenceKey);
    }

    /// <summary>A comparison with a value that is not a constant, or a test that is not a plain read: no guard.</summary>
    [Theory]
    [InlineData("Volatile.Read(ref mr.Populating) != mr.Zapped")]
    [InlineData("Volatile.Read(ref mr.Populating) > 0")]
    [InlineData("Interlocked.Exchange(ref mr.Populating, 0) != 0")]
    public Task OtherFlagTests_NoGuard(string condition)
        => VerifyFlow.NoCodeFixAsync(ReaderFlag(FlagTest(condition, "{|NTF007:return false;|}")), NTF007GuardFalseReturnCodeFix.EquivalenceKey);
}
