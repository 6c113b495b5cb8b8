using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// mlx5 implicit ODP's shape (docs/rules/NTF007.md, "Code fix"): the fault path sets <c>Populating</c> and, while it is
/// set, calls <c>ReadBegin</c>, which waits for the invalidation in progress. A flag wait in that invalidation would
/// wait for the fault while the fault waits for it: a deadlock. The flag wait is declined when code that sets the flag
/// may wait for an invalidation (ReadBegin, ReadBeginAsync, directly or through a helper), takes a lock, or calls
/// something whose body is out of sight; and when the callback holds a lock at the test. A setter that only does its
/// work still gets the wait, and the fixed program runs.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    /// <summary>The ops type's flag FLAG (HOLDER declares what holds it); the fault path FAULT sets it around BODY.</summary>
    private const string OdpOps = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        sealed class OdpDev
        {
            public int Populating;
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            public int Populating;
            public readonly OdpDev Dev = new OdpDev();
            public readonly object UmemMutex = new object();
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        TEST
                notifier.SetSequence(currentSequence);
                Interlocked.Increment(ref Zapped);
                return true;
            }
        }

        sealed class OdpFault
        {
            private readonly DeviceOps _ops;
            private readonly IntervalNotifier _mr;
            public int NPages;
            public Action? AfterLookup;

            public OdpFault(DeviceOps ops, IntervalNotifier mr)
            {
                _ops = ops;
                _mr = mr;
            }

            public ASYNC Fault()
            {
                Interlocked.Increment(ref _ops.FLAG);
                try
                {
        BODY
                }
                finally
                {
                    Interlocked.Decrement(ref _ops.FLAG);
                }
            }

            private ulong Begin() => _mr.ReadBegin();
        }
        """;

    private static string OdpTest(string flag, string ret) => $$"""
                if (Volatile.Read(ref {{flag}}) != 0)
                {
                    {{ret}}
                }

        """;

    private static string Odp(string flag, string body, string test, bool isAsync = false)
        => OdpOps.Replace("TEST", test).Replace("BODY", body).Replace("ASYNC", isAsync ? "async Task" : "void").Replace("FLAG", flag);

    private const string ReadBeginUnderTheFlag = """
                    var seq = _mr.ReadBegin();
                    lock (_ops.UmemMutex)
                    {
                        if (!_mr.ReadRetry(seq))
                        {
                            NPages++;
                        }
                    }
        """;

    /// <summary>The fault waits for the invalidation while the flag is set: no flag wait, whatever holds the flag.</summary>
    [Theory]
    [InlineData("Populating", "Populating", ReadBeginUnderTheFlag, false)]
    [InlineData("Dev.Populating", "Dev.Populating", ReadBeginUnderTheFlag, false)]
    // ReadBegin without the lock, through a helper, or ReadBeginAsync.
    [InlineData("Populating", "Populating", "            var seq = _mr.ReadBegin();\n            NPages += _mr.ReadRetry(seq) ? 0 : 1;", false)]
    [InlineData("Populating", "Populating", "            var seq = Begin();\n            NPages += _mr.ReadRetry(seq) ? 0 : 1;", false)]
    [InlineData("Dev.Populating", "Dev.Populating", "            var seq = Begin();\n            NPages += _mr.ReadRetry(seq) ? 0 : 1;", false)]
    [InlineData("Populating", "Populating", "            var seq = await _mr.ReadBeginAsync();\n            NPages += _mr.ReadRetry(seq) ? 0 : 1;", true)]
    // A call whose body is out of sight (the lookup hook), or a lock taken while the flag is set.
    [InlineData("Populating", "Populating", "            AfterLookup?.Invoke();\n            NPages++;", false)]
    [InlineData("Populating", "Populating", "            lock (_ops.UmemMutex)\n            {\n                NPages++;\n            }", false)]
    public Task SetterWaitsForTheInvalidation_NoFlagWait(string tested, string set, string body, bool isAsync)
    {
        var source = Odp(set, body, OdpTest(tested, "{|NTF007:return false;|}"), isAsync);
        return VerifyFlow.NoCodeFixAsync(source);
    }

    /// <summary>The clear in a finally of a helper, the set in another helper, ReadBegin between them: still no wait.</summary>
    [Fact]
    public Task SetAndClearThroughHelpers_ReadBeginBetween_NoFlagWait()
    {
        var source = Odp("Populating", "            NPages++;", OdpTest("Populating", "{|NTF007:return false;|}"))
            .Replace("        Interlocked.Increment(ref _ops.Populating);\n        try",
                     "        MarkPopulating();\n        var seq = _mr.ReadBegin();\n        try")
            .Replace("            Interlocked.Decrement(ref _ops.Populating);", "            ClearPopulating();")
            .Replace("    private ulong Begin()", "    private void MarkPopulating() => Interlocked.Increment(ref _ops.Populating);\n\n"
                                               + "    private void ClearPopulating() => Interlocked.Decrement(ref _ops.Populating);\n\n    private ulong Begin()");
        Assert.Contains("MarkPopulating();", source);
        Assert.Contains("ClearPopulating();", source);
        return VerifyFlow.NoCodeFixAsync(source);
    }

    /// <summary>The callback tests the flag under the lock it takes: a setter that takes that lock would never get it.</summary>
    [Fact]
    public Task TheCallbackHoldsALockAtTheTest_NoFlagWait()
    {
        var source = Odp("Populating", "            NPages++;", """
                lock (UmemMutex)
                {
                    if (Volatile.Read(ref Populating) != 0)
                    {
                        {|NTF007:return false;|}
                    }
                }

        """);
        return VerifyFlow.NoCodeFixAsync(source);
    }

    /// <summary>A setter that only does its work (no wait, no lock, nothing out of sight): the flag wait, and the fixed program runs.</summary>
    [Theory]
    [InlineData("Populating")]
    [InlineData("Dev.Populating")]
    public async Task SetterThatDoesNotWait_StillWaitsWhenBlockable_AndRuns(string flag)
    {
        var source = Odp(flag, "            NPages++;", OdpTest(flag, "{|NTF007:return false;|}"));
        var fixedSource = Odp(flag, "            NPages++;", $$"""
                if (range.IsBlockable)
                {
                    SpinWait.SpinUntil(() => Volatile.Read(ref {{flag}}) == 0);
                }
                else if (Volatile.Read(ref {{flag}}) != 0)
                {
                    return false;
                }

        """);
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Held($"Interlocked.Increment(ref ops.{flag});", $"Interlocked.Decrement(ref ops.{flag});")));
    }
}
