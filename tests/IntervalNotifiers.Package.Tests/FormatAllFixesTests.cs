using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// End to end, as users run the fixes: a consumer with violations of every fixable rule (several shapes each),
/// <c>dotnet format analyzers --severity info</c> with no <c>--diagnostics</c>; then the project builds, a rebuild
/// reports none of the fixed diagnostics, and a program over the fixed code runs its invalidations with every
/// pooled finish back in its pool.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class FormatAllFixesTests
{
    private const string OpsSource = """
        using System.Threading;
        using IntervalNotifiers;

        namespace Consumer
        {
            public sealed class FlushFinish : NotifierFinish
            {
                public int Ticket;
            }

            public interface IPooled
            {
                string Audit();
            }

            // NTF001 (pooled start): the new InvalidateFinish returns the finish to the pool.
            public sealed class StartOnlyOps : IntervalNotifierOps, IPooled
            {
                private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    if (!_pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    f.Ticket = 1;
                    finish = f;
                    return true;
                }

                public string Audit() => Pools.Audit(_pool, 2);
            }

            // NTF001 (a start that hands out no finish): gets the default fix, an InvalidateFinish that is never called.
            public sealed class NeverHandsOutOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = null;
                    return true;
                }
            }

            // NTF003: gets an Invalidate.
            public sealed class NoCallbackOps : IntervalNotifierOps
            {
            }

            // NTF004: the dead Invalidate goes.
            public sealed class DeadInvalidateOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                }
            }

            // NTF005 (pooled finish, with an Invalidate): the new start runs Invalidate and rents from the pool.
            public sealed class FinishOnlyOps : IntervalNotifierOps, IPooled
            {
                private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (FlushFinish)finish;
                    _pool.Return(f);
                }

                public string Audit() => Pools.Audit(_pool, 2);
            }

            // NTF005 (a cast finish, no Invalidate; NTF003 too): the new start creates that finish.
            public sealed class CastFinishOps : IntervalNotifierOps
            {
                public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = finish as FlushFinish;
                    Interlocked.Increment(ref Pools.Finished);
                }
            }

            // NTF006 (pooled): the rented finish goes back before finish = null; return false.
            public sealed class FinishOnFalseOps : IntervalNotifierOps, IPooled
            {
                private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(2);

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    if (!_pool.TryRent(out var f))
                    {
                        finish = null;
                        return range.IsBlockable;
                    }

                    finish = f;
                    if (!range.IsBlockable)
                        return false;
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);

                public string Audit() => Pools.Audit(_pool, 2);
            }

            // NTF007: a failed Monitor.TryEnter, and an in-use flag.
            public sealed class TryLockOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();
                private bool _inUse;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (_inUse)
                        return false;
                    if (!Monitor.TryEnter(_lock)) // the kernel's trylock
                    {
                        return false;
                    }

                    try
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    finally
                    {
                        Monitor.Exit(_lock);
                    }

                    return true;
                }
            }

            // NTF008: an early return without SetSequence, under the callback's lock.
            public sealed class SequenceOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (range.Start == 0)
                    {
                        return true;
                    }

                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }

                    return true;
                }
            }

            // NTF002: a direct InvalidateFinish call, and a cached finish handed out from a field.
            public sealed class CachedOps : IntervalNotifierOps
            {
                private FlushFinish _cached = null!;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = _cached;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    Interlocked.Increment(ref Pools.Finished);
                }

                public void FlushByHand(NotifierFinish finish)
                {
                    InvalidateFinish(finish);
                }
            }

            public static class Pools
            {
                public static int Finished;

                public static string Audit(NotifierFinishPool<FlushFinish> pool, int capacity)
                {
                    var rented = 0;
                    while (rented <= capacity && pool.TryRent(out _))
                    {
                        rented++;
                    }

                    return rented == capacity ? "ok" : "rented " + rented + " of " + capacity;
                }
            }
        }
        """;

    private const string ProgramSource = """
        using System;
        using IntervalNotifiers;

        namespace Consumer
        {
            public static class Program
            {
                public static int Main()
                {
                    var all = new IntervalNotifierOps[]
                    {
                        new StartOnlyOps(), new NeverHandsOutOps(), new NoCallbackOps(), new DeadInvalidateOps(), new FinishOnlyOps(),
                        new CastFinishOps(), new FinishOnFalseOps(), new TryLockOps(), new SequenceOps(), new CachedOps(),
                    };
                    var space = new AddressSpace();
                    ulong start = 0x1000;
                    foreach (var ops in all)
                    {
                        new IntervalNotifier(ops).Insert(space, start, 0x1000);
                        start += 0x1000;
                    }

                    for (var i = 0; i < 5; i++)
                    {
                        var atomic = new NotifierRange(0x1000, start, blockable: false);
                        if (space.InvalidateRangeStart(atomic))
                        {
                            space.InvalidateRangeEnd(atomic);
                        }

                        var range = new NotifierRange(0x1000, start);
                        if (!space.InvalidateRangeStart(range))
                        {
                            Console.WriteLine("a blockable invalidation failed");
                            return 1;
                        }

                        space.InvalidateRangeEnd(range);
                    }

                    var failed = 0;
                    foreach (var ops in all)
                    {
                        if (ops is IPooled pooled && pooled.Audit() is var audit && audit != "ok")
                        {
                            Console.WriteLine(ops.GetType().Name + ": " + audit);
                            failed++;
                        }
                    }

                    Console.WriteLine(failed == 0 ? "ALL POOLS WHOLE, finished " + Pools.Finished : "POOL LEAK");
                    return failed == 0 ? 0 : 1;
                }
            }
        }
        """;

    private static readonly string[] Fixed = { "NTF001", "NTF003", "NTF004", "NTF005", "NTF006", "NTF007", "NTF008" };

    private readonly PackageFixture _package;
    private readonly ITestOutputHelper _output;

    public FormatAllFixesTests(PackageFixture package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [Fact]
    public async Task DotnetFormatAnalyzers_NoDiagnosticsOption_FixesEveryFixableRule_AndTheProgramRunsWithItsPoolsWhole()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "format-all");
        File.WriteAllText(consumer.ProjectPath, File.ReadAllText(consumer.ProjectPath)
            .Replace("<TargetFramework>", "<OutputType>Exe</OutputType>\n    <TargetFramework>", StringComparison.Ordinal));
        consumer.WriteSource("Ops.cs", OpsSource);
        consumer.WriteSource("Program.cs", ProgramSource);

        var before = await consumer.BuildAsync();
        var beforeIds = Consumer.Diagnostics(before).Select(d => d.Id).ToHashSet();
        Assert.True(Fixed.Concat(new[] { "NTF002" }).All(beforeIds.Contains),
            $"the consumer does not break every fixable rule: [{string.Join(", ", beforeIds)}]{Environment.NewLine}{before}");

        var format = await ProcessRunner.DotNetAsync(consumer.Directory,
            ["format", "analyzers", consumer.ProjectPath, "--severity", "info", "-v", "diag"], TimeSpan.FromMinutes(8));
        Log(format);
        Assert.True(format.ExitCode == 0, "dotnet format analyzers failed:" + Environment.NewLine + format);
        Assert.DoesNotContain("didn't return a Fix All action", format.Output, StringComparison.Ordinal);

        var fixedOps = File.ReadAllText(consumer.SourcePath("Ops.cs"));
        _output.WriteLine("--- Ops.cs after dotnet format ---" + Environment.NewLine + fixedOps);

        var build = await consumer.BuildAsync();
        Log(build);
        var left = Consumer.Diagnostics(build);
        Assert.True(build.ExitCode == 0, $"the fixed consumer does not build:{Environment.NewLine}{fixedOps}{Environment.NewLine}{build}");
        Assert.True(!left.Any(d => Fixed.Contains(d.Id)),
            $"fixed diagnostics are still reported: [{string.Join("; ", left)}]{Environment.NewLine}{fixedOps}");
        Assert.DoesNotContain(left, d => d.Id == "NTF002" && d.Severity == "error");

        var dll = Path.Combine(consumer.Directory, "bin", "Debug", "net10.0", "Consumer.dll");
        var run = await ProcessRunner.DotNetAsync(consumer.Directory, [dll], TimeSpan.FromMinutes(2));
        Log(run);
        Assert.True(run.ExitCode == 0 && run.Output.Contains("ALL POOLS WHOLE", StringComparison.Ordinal),
            $"the fixed program did not run with its pools whole:{Environment.NewLine}{run}{Environment.NewLine}{fixedOps}");
    }

    private void Log(ProcessResult result) => _output.WriteLine(result.ToString());
}
