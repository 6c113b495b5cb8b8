using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF001AddInvalidateFinishCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF001's "add InvalidateFinish" leaves a program that works or fails loudly: the fixed code is compiled with the
/// real runtime and its invalidations are run.
/// </summary>
public class NTF001AddInvalidateFinishCodeFixTests
{
    /// <summary>Runs five invalidations over the notifier, then rents what the pool has left.</summary>
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

                var rented = 0;
                while (rented < 10 && ops.Pool.TryRent(out _))
                {
                    rented++;
                }

                return "rented " + rented + " of 2, " + ops.Started + " starts";
            }
        }
        """;

    [Fact]
    public async Task PooledStart_ATokenFinish_TheNewFinishReturnsItToThePool_AndThePoolIsWholeAfterwards()
    {
        // The finish carries nothing: giving it back is the whole finish pass.
        const string fixedSource = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    if (!this.Pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    finish = f;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    Pool.Return((FlushFinish)finish);
                }
            }
            """;
        var source = fixedSource.Replace(
            "\n\n    public override void InvalidateFinish(NotifierFinish finish)\n    {\n        Pool.Return((FlushFinish)finish);\n    }",
            "").Replace("class DeviceOps", "class {|NTF001:DeviceOps|}");
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        // Every invalidation rented a finish and the finish pass gave it back: the pool is whole.
        Assert.Equal("rented 2 of 2, 5 starts", FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public async Task PooledStart_AFinishThatCarriesState_TheNewFinishThrowsNamingWhatToWrite_AndStillGivesItBack()
    {
        // The start fills the finish (a ticket) for the finish pass, which only the user can write: loud, pool whole.
        const string source = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
                public int Ticket;
            }

            sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    if (!this.Pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    f.Ticket = 1;
                    finish = f;
                    return true;
                }
            }
            """;
        const string message = "DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish (it carries Ticket); "
                               + "the finish is returned to 'Pool' below";
        var fixedSource = source.Replace("{|NTF001:DeviceOps|}", "DeviceOps").Replace("""
                    finish = f;
                    return true;
                }
            }
            """, $$"""
                    finish = f;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    try
                    {
                        throw new System.NotImplementedException("{{message}}");
                    }
                    finally
                    {
                        Pool.Return((FlushFinish)finish);
                    }
                }
            }
            """);
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        const string loudDriver = """
            using IntervalNotifiers;

            public static class Program
            {
                public static string Run()
                {
                    var ops = new DeviceOps();
                    var space = new AddressSpace();
                    new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                    var loud = 0;
                    string? said = null;
                    for (var i = 0; i < 5; i++)
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        try
                        {
                            space.InvalidateRangeStart(range);
                            space.InvalidateRangeEnd(range);
                        }
                        catch (System.NotImplementedException e)
                        {
                            loud++;
                            said = e.Message;
                        }
                    }

                    var rented = 0;
                    while (rented < 10 && ops.Pool.TryRent(out _))
                    {
                        rented++;
                    }

                    return loud + " loud (" + said + "), rented " + rented + " of 2";
                }
            }
            """;
        Assert.Equal("5 loud (" + message + "), rented 2 of 2", FixHarness.Run(fixedSource, loudDriver));
    }

    [Fact]
    public async Task StartWithoutPool_TheNewFinishThrowsNamingWhatToWrite_SoTheFirstInvalidationFailsLoudly()
    {
        const string source = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    finish = new FlushFinish();
                    return true;
                }
            }
            """;
        const string fixedSource = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    finish = new FlushFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    throw new System.NotImplementedException("DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
                }
            }
            """;
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        var outcome = FixHarness.Run(fixedSource, Driver);
        Assert.StartsWith("threw NotImplementedException: DeviceOps.InvalidateFinish: wait for the work", outcome);
    }

    [Fact]
    public Task StartRentingFromTwoPools_GetsTheThrowingBody() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
        }

        sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _fast = new NotifierFinishPool<FlushFinish>(2);
            private readonly NotifierFinishPool<FlushFinish> _slow = new NotifierFinishPool<FlushFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_fast.TryRent(out var f) || _slow.TryRent(out f))
                {
                    finish = f;
                    return true;
                }

                finish = null;
                return true;
            }
        }
        """, """
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _fast = new NotifierFinishPool<FlushFinish>(2);
            private readonly NotifierFinishPool<FlushFinish> _slow = new NotifierFinishPool<FlushFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_fast.TryRent(out var f) || _slow.TryRent(out f))
                {
                    finish = f;
                    return true;
                }

                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                throw new System.NotImplementedException("DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);
}
