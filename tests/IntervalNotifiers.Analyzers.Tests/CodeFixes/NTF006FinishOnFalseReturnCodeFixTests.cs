using System.Threading.Tasks;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF006FinishOnFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>NTF006's fix gives a rented finish back to its pool before clearing it; the fixed program is run.</summary>
public class NTF006FinishOnFalseReturnCodeFixTests
{
    private static Task VerifyFix(string source, string fixedSource)
    {
        var test = new VerifyFlow.Test { TestCode = source, FixedCode = fixedSource };
        test.DisabledDiagnostics.AddRange(new[] { "NTF007", "NTF008" });
        return test.RunAsync();
    }

    /// <summary>Ten non-blockable invalidations (each start rents, then gives up), then rents what the pool has left.</summary>
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
                var failed = 0;
                for (var i = 0; i < 10; i++)
                {
                    var range = new NotifierRange(0x1000, 0x2000, blockable: false);
                    if (!space.InvalidateRangeStart(range))
                    {
                        failed++;
                        continue;
                    }

                    space.InvalidateRangeEnd(range);
                }

                var rented = 0;
                while (rented < 10 && ops.Pool.TryRent(out _))
                {
                    rented++;
                }

                return failed + " failed, rented " + rented + " of 3";
            }
        }
        """;

    private const string Ops = """
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
            public int Ticket;
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(3);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!Pool.TryRent(out var f))
                {
                    finish = null;
                    return range.IsBlockable;
                }

                f.Ticket = 1;
                finish = f;
                if (!range.IsBlockable)
                    RETURN
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((FlushFinish)finish);
        }
        """;

    [Fact]
    public async Task RentedFinish_GoesBackToThePool_BeforeTheFalseReturn()
    {
        var source = Ops.Replace("RETURN", "{|NTF006:return false;|}\n");
        var fixedSource = Ops.Replace("""
                    if (!range.IsBlockable)
                        RETURN
            """, """
                    if (!range.IsBlockable)
                    {
                        if (finish is FlushFinish rented)
                        {
                            Pool.Return(rented);
                        }
                        finish = null;
                        return false;
                    }

            """);
        await VerifyFix(source, fixedSource);

        // Every start gave up on the non-blockable range; the pool still holds all three finishes.
        Assert.Equal("10 failed, rented 3 of 3", FixHarness.Run(fixedSource, Driver));
    }
}
