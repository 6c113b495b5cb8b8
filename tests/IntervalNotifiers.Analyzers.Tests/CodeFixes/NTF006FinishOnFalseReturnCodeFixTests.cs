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

    /// <summary>
    /// Ten non-blockable invalidations (each start rents, then gives up), then rents what the pool has left; CREATE
    /// makes the ops type, whose <c>Pool</c> is its pool of CAPACITY finishes. With EMPTYFIRST true the driver first
    /// rents the whole pool, runs ten invalidations that find it empty, gives it back, then runs the ten. NTF014's
    /// fix tests use it too.
    /// </summary>
    private const string Driver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = CREATE;
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);
                var held = new System.Collections.Generic.Stack<System.Action>();
                while (EMPTYFIRST && ops.Pool.TryRent(out var h))
                {
                    held.Push(() => ops.Pool.Return(h));
                }

                var failed = 0;
                var rounds = held.Count > 0 ? 20 : 10;
                for (var i = 0; i < rounds; i++)
                {
                    while (i == 10 && held.Count > 0)
                    {
                        held.Pop()();
                    }

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

                return failed + " failed, rented " + rented + " of CAPACITY";
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
        Assert.Equal("10 failed, rented 3 of 3", FixHarness.Run(fixedSource, DriverOf("new DeviceOps()")));
    }

    internal static string DriverOf(string create, int capacity = 3, bool emptyFirst = false)
        => Driver.Replace("CREATE", create).Replace("CAPACITY", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture))
                 .Replace("EMPTYFIRST", emptyFirst ? "true" : "false");

    private static Task VerifyNoFix(string source)
    {
        var test = new VerifyFlow.Test { TestCode = source, FixedCode = source };
        test.DisabledDiagnostics.AddRange(new[] { "NTF007", "NTF008" });
        return test.RunAsync();
    }

    /// <summary>
    /// A start that rents from <paramref name="pool"/>, hands the finish out, then gives up on a non-blockable range
    /// (the shape of a generic fence ops type: <c>FenceOps&lt;TFinish&gt;</c>); RETURN marks the false return.
    /// </summary>
    private static string PooledStart(string pool) => $$"""
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!{{pool}}.TryRent(out var f))
                {
                    return range.IsBlockable;
                }

                f.Ticket = 1;
                finish = f;

                // Atomic context: let the core retry.
                if (!range.IsBlockable)
                {
                    RETURN
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        """;

    private static string Diagnosed(string source) => source.Replace("RETURN", "{|NTF006:return false;|}");

    private static string Fixed(string source, string finishType, string pool) => source.Replace(
        "RETURN",
        "if (finish is " + finishType + " rented)\n"
        + "            {\n"
        + "                " + pool + ".Return(rented);\n"
        + "            }\n"
        + "            finish = null;\n"
        + "            return false;");

    private const string Finishes = """
        using IntervalNotifiers;

        class FlushFinish : NotifierFinish
        {
            public int Ticket;
        }

        sealed class TaggedFinish<TTag> : NotifierFinish
        {
            public int Ticket;
            public TTag? Tag;
        }

        """;

    /// <summary>Runs the fixed program: ten starts give up on a non-blockable range, and the pool is still whole.</summary>
    private static async Task VerifyPoolWhole(string source, string finishType, string pool, string create)
    {
        var fixedSource = Fixed(source, finishType, pool);
        await VerifyFix(Diagnosed(source), fixedSource);
        Assert.Equal("10 failed, rented 3 of 3", FixHarness.Run(fixedSource, DriverOf(create)));
    }

    [Fact]
    public Task PoolOfATypeParameter_GenericFenceOps() => VerifyPoolWhole(Finishes + """
        class FenceOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()
        {
            private readonly NotifierFinishPool<TFinish> _pool = new(capacity: 3);

            public NotifierFinishPool<TFinish> Pool => _pool;

        """ + PooledStart("_pool") + """

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((TFinish)finish);
        }
        """, "TFinish", "_pool", "new FenceOps<FlushFinish>()");

    [Fact]
    public Task PoolOfAGenericInstantiation_ThatMentionsTheTypeParameter() => VerifyPoolWhole(Finishes + """
        sealed class TaggedOps<TTag> : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<TaggedFinish<TTag>> _tagged = new NotifierFinishPool<TaggedFinish<TTag>>(3);

            public NotifierFinishPool<TaggedFinish<TTag>> Pool => _tagged;

        """ + PooledStart("this._tagged") + """

            public override void InvalidateFinish(NotifierFinish finish) => _tagged.Return((TaggedFinish<TTag>)finish);
        }
        """, "TaggedFinish<TTag>", "_tagged", "new TaggedOps<string>()");

    [Fact]
    public Task PoolExposedThroughAProperty() => VerifyPoolWhole(Finishes + """
        sealed class DeviceOps : IntervalNotifierOps
        {
            public NotifierFinishPool<FlushFinish> Pool { get; } = new(3);

        """ + PooledStart("Pool") + """

            public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((FlushFinish)finish);
        }
        """, "FlushFinish", "Pool", "new DeviceOps()");

    [Fact]
    public Task StaticPoolField_QualifiedByItsType() => VerifyPoolWhole(Finishes + """
        sealed class DeviceOps : IntervalNotifierOps
        {
            private static readonly NotifierFinishPool<FlushFinish> s_flushes = new(3);

            public NotifierFinishPool<FlushFinish> Pool => s_flushes;

        """ + PooledStart("DeviceOps.s_flushes") + """

            public override void InvalidateFinish(NotifierFinish finish) => s_flushes.Return((FlushFinish)finish);
        }
        """, "FlushFinish", "s_flushes", "new DeviceOps()");

    [Fact]
    public Task StaticPoolOfAnotherClass_IsNamedThroughThatClass() => VerifyPoolWhole(Finishes + """
        static class Pools
        {
            public static readonly NotifierFinishPool<FlushFinish> Flushes = new(3);
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            public NotifierFinishPool<FlushFinish> Pool => Pools.Flushes;

        """ + PooledStart("Pools.Flushes") + """

            public override void InvalidateFinish(NotifierFinish finish) => Pools.Flushes.Return((FlushFinish)finish);
        }
        """, "FlushFinish", "Pools.Flushes", "new DeviceOps()");

    [Fact]
    public Task PoolInABaseClass_OfAGenericBase() => VerifyPoolWhole(Finishes + """
        abstract class PooledOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()
        {
            protected readonly NotifierFinishPool<TFinish> Flushes = new(3);

            public NotifierFinishPool<TFinish> Pool => Flushes;

            public override void InvalidateFinish(NotifierFinish finish) => Flushes.Return((TFinish)finish);
        }

        sealed class DeviceOps : PooledOps<FlushFinish>
        {
        """ + PooledStart("base.Flushes") + """

        }
        """, "FlushFinish", "Flushes", "new DeviceOps()");

    [Fact]
    public Task PoolInABaseClass_RentedThroughALocalCopy() => VerifyPoolWhole(Finishes + """
        abstract class PooledOps : IntervalNotifierOps
        {
            protected NotifierFinishPool<FlushFinish> Flushes { get; } = new(3);

            public NotifierFinishPool<FlushFinish> Pool => Flushes;

            public override void InvalidateFinish(NotifierFinish finish) => Flushes.Return((FlushFinish)finish);
        }

        sealed class DeviceOps : PooledOps
        {
        """ + PooledStart("Flushes").Replace("finish = f;", "var handed = f;\n        finish = handed;") + """

        }
        """, "FlushFinish", "Flushes", "new DeviceOps()");

    private const string NewFinishOps = """
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
            public int Ticket;
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _pool = new(3);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var created = new FlushFinish { Ticket = 1 };
                finish = created;
                if (!range.IsBlockable)
                {
                    RETURN
                }

                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """;

    [Fact]
    public Task NewFinish_IsOnlyCleared() => VerifyFix(
        Diagnosed(NewFinishOps),
        NewFinishOps.Replace("RETURN", "finish = null;\n            return false;"));

    /// <summary>A rented finish whose pool the fix cannot name for sure: no fix rather than one that leaks.</summary>
    [Theory]
    [InlineData("_device.Pool", "")]                                                  // another object's pool
    [InlineData("pool", "var pool = _device.Pool;")]                                  // a pool in a local
    [InlineData("_own", "finish = range.Owner is null ? new FlushFinish() : null;")]  // new and rented, same type
    public Task RentedFromAPoolTheFixCannotName_NoFix(string pool, string before) => VerifyNoFix(Finishes + """
        sealed class Device
        {
            public NotifierFinishPool<FlushFinish> Pool { get; } = new(3);
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly Device _device = new();
            private readonly NotifierFinishPool<FlushFinish> _own = new(3);

        """ + PooledStart(pool).Replace("finish = null;", "finish = null;\n        " + before).Replace("RETURN", "{|NTF006:return false;|}") + """

            public override void InvalidateFinish(NotifierFinish finish) => _device.Pool.Return((FlushFinish)finish);
        }
        """);

    [Fact]
    public Task NewFinishOfTheGenericPoolsType_AndRented_NoFix() => VerifyNoFix(Finishes + """
        class FenceOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()
        {
            private readonly NotifierFinishPool<TFinish> _pool = new(capacity: 3);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = _pool.TryRent(out var f) ? f : new TFinish();
                if (!range.IsBlockable)
                {
                    {|NTF006:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);
}
