using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on a <c>return false</c> that ends a block of statements which cannot leave it: the form NTF006's fix writes
/// (<c>{ finish = null; return false; }</c>) and the one users write when they count a skipped invalidation. The fixes
/// keep the block and change only when it runs, so the order in which <c>dotnet format</c> applies NTF006's and NTF007's
/// fixes no longer decides whether NTF007 is fixed (on realistic code the NTF006 fix ran first and NTF007 stayed).
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    private const string TwoPassHead = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
            public int Ticket;
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            public readonly object Lock = new object();
            public int Zapped;
            public int Skipped;
            public bool Busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = new FlushFinish { Ticket = Zapped + 1 };

        """;

    private const string TwoPassTail = """
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

            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (((FlushFinish)finish).Ticket <= 0)
                {
                    throw new System.InvalidOperationException("a finish without a ticket");
                }
            }
        }
        """;

    [Fact]
    public async Task FailedMonitorTryEnter_WhoseBlockClearsTheFinish_TakesTheLockWhenBlockable()
    {
        var source = TwoPassHead + """
                    if (!Monitor.TryEnter(Lock))
                    {
                        finish = null;
                        {|NTF007:return false;|}
                    }

            """ + TwoPassTail;
        var fixedSource = TwoPassHead + """
                    if (range.IsBlockable)
                    {
                        Monitor.Enter(Lock);
                    }
                    else if (!Monitor.TryEnter(Lock))
                    {
                        finish = null;
                        return false;
                    }

            """ + TwoPassTail;
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public Task PlainCondition_WhoseBlockCountsTheSkip_IsGuardedAsAWhole() => VerifyFix(
        TwoPassHead + """
                    if (Busy)
                    {
                        Skipped++;
                        finish = null;
                        {|NTF007:return false;|}
                    }

                    Monitor.Enter(Lock);

            """ + TwoPassTail,
        TwoPassHead + """
                    if (!range.IsBlockable && Busy)
                    {
                        Skipped++;
                        finish = null;
                        return false;
                    }

                    Monitor.Enter(Lock);

            """ + TwoPassTail,
        NTF007GuardFalseReturnCodeFix.EquivalenceKey);

    /// <summary>A block that can leave (here by a throw) before its last <c>return false</c> is not one body the fixes may keep whole.</summary>
    [Fact]
    public Task BlockThatCanReturnEarlier_NoFix() => VerifyFlow.NoCodeFixAsync(TwoPassHead + """
                    if (!Monitor.TryEnter(Lock))
                    {
                        if (Skipped > 3)
                        {
                            throw new System.InvalidOperationException("the device stopped answering");
                        }

                        finish = null;
                        {|NTF007:return false;|}
                    }

            """ + TwoPassTail);
}
