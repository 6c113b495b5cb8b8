using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on a busy flag of another object the ops type holds (amdkfd's <c>_pinfo.Migrating</c>): the flag wait is
/// offered when the holder is a readonly field, a get-only auto-property or a get-only property that only returns a
/// readonly field, so the wait reads the very flag the test read; the fixed program runs while the flag is held. A
/// holder that may be replaced, a flag the callback sets itself, or a flag that nothing in sight clears get no fix.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    /// <summary>The process info whose flag the migration worker sets and clears; the ops type holds it as HOLDER (its declaration).</summary>
    private const string HolderOps = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class ProcessInfo
        {
            public int Migrating;

            public void BeginMigration() => Interlocked.Exchange(ref Migrating, 1);

            public void EndMigration() => Volatile.Write(ref Migrating, 0);
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            HOLDER
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                IF
                {
                    RETURN   // the migration worker owns the range right now
                }

                notifier.SetSequence(currentSequence);
                Interlocked.Increment(ref Zapped);
                return true;
            }
        }
        """;

    private static string Holder(string holder, string flag, string ret)
        => HolderOps.Replace("HOLDER", holder).Replace("IF", "if (Volatile.Read(ref " + flag + ") != 0)").Replace("RETURN", ret);

    private static string HolderFixed(string holder, string flag)
        => HolderOps.Replace("HOLDER", holder)
                    .Replace("IF", "if (range.IsBlockable)\n        {\n            SpinWait.SpinUntil(() => Volatile.Read(ref " + flag
                                   + ") == 0);\n        }\n        else if (Volatile.Read(ref " + flag + ") != 0)")
                    .Replace("RETURN", "return false;");

    private static readonly string MigrationHolds = Held("ops.Pinfo.BeginMigration();", "ops.Pinfo.EndMigration();");

    /// <summary>amdkfd's shape: the flag of the process info, held in a readonly field; the fixed program waits for the migration.</summary>
    [Theory]
    [InlineData("public readonly ProcessInfo Pinfo = new ProcessInfo();", "Pinfo.Migrating")]
    [InlineData("public readonly ProcessInfo Pinfo = new ProcessInfo();", "this.Pinfo.Migrating")]
    [InlineData("public ProcessInfo Pinfo { get; } = new ProcessInfo();", "Pinfo.Migrating")]
    [InlineData("private readonly ProcessInfo _pinfo = new ProcessInfo();\n    public ProcessInfo Pinfo => _pinfo;", "Pinfo.Migrating")]
    [InlineData("private readonly ProcessInfo _pinfo = new ProcessInfo();\n    public ProcessInfo Pinfo { get { return _pinfo; } }", "_pinfo.Migrating")]
    public async Task FlagOfAnObjectTheOpsTypeHolds_WaitsWhenBlockable(string holder, string flag)
    {
        var fixedSource = HolderFixed(holder, flag);
        await VerifyFix(Holder(holder, flag, "{|NTF007:return false;|}"), fixedSource, NTF007GuardFalseReturnCodeFix.WaitForFlagKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, MigrationHolds));
    }

    /// <summary>
    /// The realistic amdkfd port: nothing in the program ever sets the flag (the migration worker is not written yet),
    /// and nothing outside the compilation can (the type is internal): the test never fails, so the wait never waits.
    /// </summary>
    [Fact]
    public Task FlagNothingEverWrites_InternalType_WaitsWhenBlockable()
    {
        static string NeverSet(string text) => text.Replace("    public void BeginMigration() => Interlocked.Exchange(ref Migrating, 1);\n\n", string.Empty)
                                                   .Replace("    public void EndMigration() => Volatile.Write(ref Migrating, 0);\n", string.Empty);
        const string holder = "public readonly ProcessInfo Pinfo = new ProcessInfo();";
        return VerifyFix(NeverSet(Holder(holder, "Pinfo.Migrating", "{|NTF007:return false;|}")), NeverSet(HolderFixed(holder, "Pinfo.Migrating")),
                         NTF007GuardFalseReturnCodeFix.WaitForFlagKey);
    }

    /// <summary>
    /// No fix: a holder field that may be replaced (the wait could read another object's flag), a computed holder, a
    /// flag the callback sets itself (a test-then-set), a public flag nothing in sight writes (another assembly may set
    /// it and never clear it), a flag whose first value already fails the test and nothing clears.
    /// </summary>
    [Theory]
    [InlineData("public ProcessInfo Pinfo = new ProcessInfo();", "Pinfo.Migrating", "", "")]
    [InlineData("private readonly ProcessInfo[] _infos = { new ProcessInfo() };\n    public ProcessInfo Pinfo => _infos[0];", "Pinfo.Migrating", "", "")]
    [InlineData("public readonly ProcessInfo Pinfo = new ProcessInfo();", "Pinfo.Migrating", "Pinfo.Migrating = 1;", "")]
    [InlineData("public readonly ProcessInfo Pinfo = new ProcessInfo();", "Pinfo.Migrating", "", "public")]
    [InlineData("public readonly ProcessInfo Pinfo = new ProcessInfo();", "Pinfo.Migrating", "", "dead")]
    public Task FlagOfAnotherObject_NoFix(string holder, string flag, string take, string variant)
    {
        var source = Holder(holder, flag, "{|NTF007:return false;|}").Replace("notifier.SetSequence", take + "notifier.SetSequence");
        if (variant != string.Empty)
        {
            source = source.Replace("    public void BeginMigration() => Interlocked.Exchange(ref Migrating, 1);\n\n", string.Empty)
                           .Replace("    public void EndMigration() => Volatile.Write(ref Migrating, 0);\n", string.Empty)
                           .Replace("sealed class ProcessInfo", variant == "public" ? "public sealed class ProcessInfo" : "sealed class ProcessInfo")
                           .Replace("public int Migrating;", variant == "dead" ? "public int Migrating = 1;" : "public int Migrating;");
        }

        return VerifyFlow.NoCodeFixAsync(source);
    }
}
