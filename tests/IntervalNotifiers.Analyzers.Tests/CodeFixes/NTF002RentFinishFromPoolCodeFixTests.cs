using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using static IntervalNotifiers.Analyzers.Tests.CodeFixes.NTF002NewFinishPerInvocationCodeFixTests;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer, IntervalNotifiers.CodeFixes.NTF002KeepFinishInListCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF002's pool variant for a cached finish (same ops type and driver as
/// <see cref="NTF002NewFinishPerInvocationCodeFixTests"/>): rent from the type's pool when the finish returns to it
/// (the only fix then), or as the alternative to <c>new</c> with the <c>Return</c> added; never with a construction
/// the pool cannot make or a start that hands out something else after renting.
/// </summary>
public class NTF002RentFinishFromPoolCodeFixTests
{
    private const string PoolState = """
            public string PoolState()
            {
                var rented = 0;
                while (rented < 10 && _pool.TryRent(out _))
                {
                    rented++;
                }

                return ", pool " + rented + " of 4";
            }

        """;

    private const string Pool = "private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(4);";

    private const string Rented = """
                if (!_pool.TryRent(out var flushFinish))
                {
                    throw new System.NotImplementedException("DeviceOps.InvalidateStart: the pool '_pool' is empty; do the whole invalidation here (what InvalidateFinish does), then set finish = null and return true");
                }
                flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                finish = flushFinish;
        """;

    [Fact]
    public async Task FinishReturnsToThePool_RentsFromIt_AndOffersNoNew()
    {
        var source = Source(Pool + "\n    private readonly FlushFinish _finish = {|NTF002:new FlushFinish()|};", HandOutCached,
                            "_pool.Return(f);", PoolState);
        var fixedSource = Source(Pool, Rented, "_pool.Return(f);", PoolState);
        await Verify(source, fixedSource, NTF002KeepFinishInListCodeFix.RentFromPoolKey);
        await VerifyFix.NoCodeFixAsync(source, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

        // The cached finish is no pool's: Return threw. Rented, both finishes went back.
        var unfixed = FixHarness.Run(Unmarked(source), Driver);
        Assert.True(unfixed.StartsWith("threw", System.StringComparison.Ordinal) && unfixed.Contains("pool"), unfixed);
        Assert.Equal("finished 20,10, pool 4 of 4", FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public async Task UnusedPool_NewByDefault_OrRentWithTheReturnAdded()
    {
        var source = Source(Pool + "\n    private readonly FlushFinish _finish = {|NTF002:new()|};", HandOutCached, string.Empty, PoolState);
        var newFixed = Source(Pool, """
                    var flushFinish = new FlushFinish();
                    flushFinish.Ticket = Interlocked.Increment(ref _tickets);
                    finish = flushFinish;
            """, string.Empty, PoolState);
        var rentFixed = Source(Pool, Rented, "_pool.Return((FlushFinish)finish);", PoolState);
        await Verify(source, newFixed, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);
        await Verify(source, rentFixed, NTF002KeepFinishInListCodeFix.RentFromPoolKey);

        Assert.Equal("finished 20,10, pool 4 of 4", FixHarness.Run(newFixed, Driver));
        Assert.Equal("finished 20,10, pool 4 of 4", FixHarness.Run(rentFixed, Driver));
    }

    [Fact]
    public Task ConstructionThePoolCannotMake_NoPoolVariant() => VerifyFix.NoCodeFixAsync(
        Source(Pool + "\n    private readonly FlushFinish _finish = {|NTF002:new FlushFinish(3)|};", HandOutCached, string.Empty, PoolState),
        NTF002KeepFinishInListCodeFix.RentFromPoolKey);

    [Fact]
    public Task StartThatAlsoHandsOutNull_AfterTheFirstUse_NoPoolVariant() => VerifyFix.NoCodeFixAsync(
        Source(Pool + "\n    private readonly FlushFinish _finish = {|NTF002:new FlushFinish()|};", """
                    _finish.Ticket = Interlocked.Increment(ref _tickets);
                    if (range.Start == 0)
                    {
                        finish = null;
                        return true;
                    }

                    {|NTF002:finish = _finish|};
            """, string.Empty, PoolState),
        NTF002KeepFinishInListCodeFix.RentFromPoolKey);
}
