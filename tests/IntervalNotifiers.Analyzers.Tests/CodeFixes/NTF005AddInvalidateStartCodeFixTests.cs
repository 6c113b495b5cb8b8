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
                for (var i = 0; i < 5; i++)
                {
                    var range = new NotifierRange(0x1000, 0x2000);
                    space.InvalidateRangeStart(range);
                    space.InvalidateRangeEnd(range);
                }

                return ops.Report();
            }
        }
        """;

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

                public string Report()
                {
                    var rented = 0;
                    while (rented < 10 && Pool.TryRent(out _))
                    {
                        rented++;
                    }

                    return _invalidated + " invalidated, " + _finished + " finished, rented " + rented + " of 2";
                }
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
        await VerifyFix.CodeFixAsync(source, fixedSource);

        Assert.Equal("5 invalidated, 5 finished, rented 2 of 2", FixHarness.Run(fixedSource, Driver));
        await AssertNoRuleFiresAsync(fixedSource);
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
        var test = new VerifyFix.Test
        {
            TestCode = (head + tail).Replace("class DeviceOps", "class {|NTF005:DeviceOps|}"),
            FixedCode = head + start + tail,
        };
        test.DisabledDiagnostics.Add("NTF003");
        await test.RunAsync();

        Assert.Equal("5 finished", FixHarness.Run(head + start + tail, Driver));
        await AssertNoRuleFiresAsync(head + start + tail);
    }
}
