using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// End to end, as users run the fixes: a consumer (the files of <c>FormatAllFixesConsumer/</c>, one per rule group)
/// with several violations of every fixable rule, fixed by <c>dotnet format analyzers</c> with no
/// <c>--diagnostics</c> at <c>--severity info</c> and at <c>--severity warn</c> (and at <c>--severity error</c>, which
/// fixes the errors only), and with <c>--diagnostics</c> for each ID alone. After a whole run the project compiles, a rebuild reports none of the fixed diagnostics, and a
/// program over the fixed code runs its invalidations: every reader sees them, every pooled finish is back in its
/// pool, every reader NTF010's fix wrapped maps, loses its mapping to an invalidation and maps again, each change of
/// its mapping under the lock its callback takes, and each fix that leaves the user a body to write (NTF003's
/// <c>Invalidate</c>, NTF001's <c>InvalidateFinish</c> without a pool) throws <c>NotImplementedException</c> naming it
/// instead of hiding the bug.
/// One consumer project, restored once, serves every run; each run starts from the original sources.
/// </summary>
/// <remarks>
/// To add a shape: put the ops type in the file of its rule group (or a new file in that folder); the program finds
/// every ops type by reflection. An ops type with a reader (NTF010's shapes) implements <c>IReader</c>, and the program
/// maps through it. Mark a type whose fix is expected to throw with <c>[FailsLoudly]</c> and add its
/// line to <see cref="Loud"/>. A newly fixable rule goes into <see cref="Fixed"/>.
/// </remarks>
[Collection(PackageCollection.Name)]
public sealed class FormatAllFixesTests
{
    /// <summary>The rules the consumer breaks at least twice, each with a fix for every one of its violations there.</summary>
    private static readonly string[] Fixed = { "NTF001", "NTF002", "NTF003", "NTF004", "NTF005", "NTF006", "NTF007", "NTF008", "NTF010", "NTF014" };

    /// <summary>What the program prints for each [FailsLoudly] type: the fix's NotImplementedException, naming what to write.</summary>
    private static readonly string[] Loud =
    {
        "LOUD FenceFinishOps: FenceFinishOps.InvalidateStart: start the slow work that InvalidateFinish waits for, create a FenceFinish, fill its Fence (what InvalidateFinish reads)",
        "LOUD NewFinishOps: NewFinishOps.InvalidateFinish: wait for the work InvalidateStart started for this finish",
        "LOUD PatternFenceOps: PatternFenceOps.InvalidateStart: start the slow work that InvalidateFinish waits for, call notifier.SetSequence(currentSequence), create a FenceFinish, fill its Fence (what InvalidateFinish reads)",
        "LOUD NoCallbackOps: NoCallbackOps.Invalidate: stop the device's access to the range, call notifier.SetSequence(currentSequence)",
        "LOUD StartOnlyOps: StartOnlyOps.InvalidateFinish: wait for the work InvalidateStart started for this finish (it carries Ticket); the finish is returned to '_pool' below",
        "LOUD TokenFinishOps: TokenFinishOps.InvalidateFinish: wait for the work InvalidateStart started for this finish (TlbSyncToken carries nothing: wait for what TokenFinishOps itself keeps, e.g. what the start does when '_tokens' is empty: _cmdq.Sync()); the finish is returned to '_tokens' below",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string Root, Consumer Consumer, IReadOnlyList<BuildDiagnostic> Before)? _prepared;

    private readonly PackageFixture _package;
    private readonly ITestOutputHelper _output;

    public FormatAllFixesTests(PackageFixture package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    /// <summary>The consumer's original sources, by file name.</summary>
    private static IReadOnlyDictionary<string, string> Sources { get; } = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "FormatAllFixesConsumer"), "*.cs")
        .OrderBy(f => f, StringComparer.Ordinal)
        .ToDictionary(f => new FileInfo(f).Name, File.ReadAllText);

    [Fact]
    public async Task NoDiagnosticsOption_SeverityInfo_FixesEveryFixableRule_AndTheProgramRuns()
    {
        var consumer = await PrepareAsync();
        var fixedSources = await FormatAndCheckAsync(consumer, "info");
        await RunProgramAsync(consumer, fixedSources);
    }

    [Fact]
    public async Task NoDiagnosticsOption_SeverityWarn_FixesEveryFixableRule_AndTheProgramRuns()
    {
        // Every rule the consumer breaks is a warning or an error: --severity warn fixes them all too.
        var consumer = await PrepareAsync();
        var fixedSources = await FormatAndCheckAsync(consumer, "warn");
        await RunProgramAsync(consumer, fixedSources);
    }

    [Fact]
    public async Task NoDiagnosticsOption_SeverityError_FixesTheErrors_AndLeavesTheWarnings()
    {
        var consumer = await PrepareAsync();
        var before = _prepared!.Value.Before;
        var errors = before.Where(d => d.Severity == "error").Select(d => d.Id).Distinct().ToArray();
        var warnings = before.Where(d => d.Severity == "warning" && Fixed.Contains(d.Id)).Select(d => d.Id).Distinct().ToArray();
        Reset(consumer);
        var format = await consumer.FormatAnalyzersAsync("error");
        Log(format);
        Assert.True(format.ExitCode == 0 && !GaveUp(format), "dotnet format analyzers --severity error failed:" + Environment.NewLine + format);

        var build = await consumer.BuildAsync();
        Log(build);
        var left = Consumer.Diagnostics(build);
        Assert.True(build.ExitCode == 0 && !left.Any(d => errors.Contains(d.Id)),
            $"errors [{string.Join(", ", errors)}] are still reported or the consumer does not build:{Environment.NewLine}{build}{Environment.NewLine}{Texts(consumer)}");

        // The warnings were not asked for: the ones no error fix touches are still there.
        Assert.True(left.Any(d => d.Id == "NTF008") && left.Any(d => d.Id == "NTF014") && left.Any(d => d.Id == "NTF007")
                    && left.Any(d => d.Id == "NTF010"),
            $"--severity error changed warnings [{string.Join(", ", warnings)}]:{Environment.NewLine}{build}");
    }

    [Fact]
    public async Task DiagnosticsOption_EachIdAlone_FixesEveryViolationOfThatId()
    {
        var consumer = await PrepareAsync();
        var failures = new List<string>();
        foreach (var id in Fixed)
        {
            Reset(consumer);
            var format = await consumer.FormatAnalyzersAsync("info", id);
            Log(format);
            var build = await consumer.BuildAsync();
            var diagnostics = Consumer.Diagnostics(build);
            var left = diagnostics.Where(d => d.Id == id).ToArray();
            var compilerErrors = diagnostics.Where(d => d is { Severity: "error" } && d.Id.StartsWith("CS", StringComparison.Ordinal)).ToArray();
            if (format.ExitCode != 0 || GaveUp(format) || left.Length > 0 || compilerErrors.Length > 0)
            {
                Log(build);
                failures.Add($"--diagnostics {id}: exit code {format.ExitCode}, gave up: {GaveUp(format)}, "
                             + $"left [{string.Join("; ", left.AsEnumerable())}], compiler errors [{string.Join("; ", compilerErrors.AsEnumerable())}]"
                             + Environment.NewLine + Texts(consumer));
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// The consumer, written and restored once for the class: its first build must report every fixable rule at
    /// least twice and no compiler error.
    /// </summary>
    private async Task<Consumer> PrepareAsync()
    {
        _package.AssertPacked();
        await Gate.WaitAsync();
        try
        {
            if (_prepared is not { } prepared || prepared.Root != _package.TempRoot)
            {
                var consumer = new Consumer(_package, "format-all");
                File.WriteAllText(consumer.ProjectPath, File.ReadAllText(consumer.ProjectPath)
                    .Replace("<TargetFramework>", "<OutputType>Exe</OutputType>\n    <TargetFramework>", StringComparison.Ordinal));
                Reset(consumer);
                var before = await consumer.BuildAsync();
                consumer.NoRestore = true;
                prepared = (_package.TempRoot, consumer, Consumer.Diagnostics(before));
                _prepared = prepared;
                Log(before);
            }

            var counts = prepared.Before.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(Fixed.All(id => counts.GetValueOrDefault(id) >= 2),
                "the consumer does not break every fixable rule at least twice: "
                + string.Join(", ", Fixed.Select(id => $"{id} x{counts.GetValueOrDefault(id)}")));
            Assert.DoesNotContain(prepared.Before, d => d is { Severity: "error" } && d.Id.StartsWith("CS", StringComparison.Ordinal));
            return prepared.Consumer;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Runs <c>dotnet format analyzers --severity <paramref name="severity"/></c> (no <c>--diagnostics</c>) on the
    /// original sources; then the project must build with none of the fixed diagnostics left. Returns the fixed texts.
    /// </summary>
    private async Task<string> FormatAndCheckAsync(Consumer consumer, string severity)
    {
        Reset(consumer);
        var format = await consumer.FormatAnalyzersAsync(severity);
        Log(format);
        Assert.True(format.ExitCode == 0, "dotnet format analyzers failed:" + Environment.NewLine + format);
        Assert.False(GaveUp(format), "dotnet format gave up on a fix:" + Environment.NewLine + format);

        var fixedSources = Texts(consumer);
        _output.WriteLine($"--- the consumer after dotnet format --severity {severity} ---" + Environment.NewLine + fixedSources);

        var build = await consumer.BuildAsync();
        Log(build);
        var left = Consumer.Diagnostics(build);
        Assert.True(build.ExitCode == 0, $"the fixed consumer does not build:{Environment.NewLine}{fixedSources}{Environment.NewLine}{build}");
        Assert.True(!left.Any(d => Fixed.Contains(d.Id)),
            $"fixed diagnostics are still reported: [{string.Join("; ", left)}]{Environment.NewLine}{fixedSources}");
        return fixedSources;
    }

    /// <summary>Runs the program built from the fixed sources; it checks the pools, the sequences and the loud fixes.</summary>
    private async Task RunProgramAsync(Consumer consumer, string fixedSources)
    {
        var dll = Path.Combine(consumer.Directory, "bin", "Debug", "net10.0", "Consumer.dll");
        var run = await ProcessRunner.DotNetAsync(consumer.Directory, [dll], TimeSpan.FromMinutes(2));
        Log(run);
        var context = Environment.NewLine + run + Environment.NewLine + fixedSources;
        Assert.True(run.ExitCode == 0 && run.Output.Contains("ALL POOLS WHOLE", StringComparison.Ordinal),
            "the fixed program did not run with its pools whole and its sequences set:" + context);

        // NTF010's fixed readers ran, one IReader per NTF010 of the original build, and NTF007's populating reader
        // (PopulatingReaderOps, whose callback gave up while the reader looked up): each mapped, lost the mapping to an
        // invalidation, and mapped again under the lock.
        Assert.Contains("class PopulatingReaderOps : IntervalNotifierOps, IReader", Sources["FalseReturns.cs"], StringComparison.Ordinal);
        var readers = Regex.Match(run.Output, @", (\d+) readers,");
        var checks = _prepared!.Value.Before.Count(d => d.Id == "NTF010") + 1;
        Assert.True(readers.Success && int.Parse(readers.Groups[1].Value) == checks,
            $"the program did not exercise one reader (IReader) per NTF010 of the original build and the populating reader ({checks}):" + context);

        // The fixes that leave a body to write fail loudly, each naming what to write; no other type throws.
        var loud = run.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("LOUD ", StringComparison.Ordinal)).ToArray();
        Assert.True(loud.Length == Loud.Length && Loud.All(expected => loud.Any(l => l.StartsWith(expected, StringComparison.Ordinal))),
            $"expected exactly these loud fixes:{Environment.NewLine}{string.Join(Environment.NewLine, Loud)}{context}");
    }

    /// <summary>Puts the original sources back (every other file of the consumer, bin and obj included, stays).</summary>
    private static void Reset(Consumer consumer)
    {
        foreach (var file in Directory.GetFiles(consumer.Directory, "*.cs"))
        {
            File.Delete(file);
        }

        foreach (var (name, text) in Sources)
        {
            consumer.WriteSource(name, text);
        }
    }

    /// <summary>The consumer's current sources, each under its file name.</summary>
    private static string Texts(Consumer consumer)
        => string.Join(Environment.NewLine, Sources.Keys.Select(name =>
            $"// ===== {name}{Environment.NewLine}{File.ReadAllText(consumer.SourcePath(name))}"));

    /// <summary>Whether dotnet format reports that it could not fix one of the package's IDs.</summary>
    private static bool GaveUp(ProcessResult format)
        => format.Output.Contains("didn't return a Fix All action", StringComparison.Ordinal)
           || format.Output.Contains("Unable to fix NTF", StringComparison.Ordinal);

    private void Log(ProcessResult result) => _output.WriteLine(result.ToString());
}
