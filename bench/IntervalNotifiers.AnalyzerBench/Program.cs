using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>
/// The analyzer bench: compiles a directory of C# files once without analyzers and once with every IntervalNotifiers
/// analyzer (and, to compare, with a well-known analyzer package), and reports what the analyzers cost.
/// </summary>
public static class Program
{
    internal const int UsageError = 2;

    private const string Usage = """
        IntervalNotifiers analyzer bench

        usage:
          dotnet run -c Release --project bench/IntervalNotifiers.AnalyzerBench -- --corpus DIR [options]
          dotnet run -c Release --project bench/IntervalNotifiers.AnalyzerBench -- --generate DIR [--files N] [--seed S] [--unrelated-only]

        measure:
          --corpus DIR              every *.cs file under DIR (bin/, obj/ and .git/ skipped), compiled as one library
                                    against the .NET 10 reference assemblies and the IntervalNotifiers runtime;
                                    compile errors (missing third-party references) are expected and counted only
          --repeat N                measured runs (default 3); medians are reported
          --warmup N                unmeasured runs first (default 1)
          --json FILE               also write the results as JSON
          --compare-package ID/VER  also run the analyzers of a package brought in by PackageDownload (repeatable),
                                    e.g. Microsoft.VisualStudio.Threading.Analyzers/18.12.1 or xunit.analyzers/2.2.0
          --no-runtime              leave the runtime out of the references (code that does not reference it)
          --whole-compile           also time the whole compile with each analyzer set (one more compile per set and
                                    run), against the same with an analyzer that registers nothing
          --concurrent              let the compiler and the analyzer driver use every core (default: one thread)
          --check                   exit 1 when a count differs from DIR/expected-diagnostics.json or an analyzer threw
          --quiet                   no progress bar
          --verbose                 also list each run's time per analyzer and the actions it registered (telemetry)

        generate:
          --generate DIR            write a generated corpus to DIR (and DIR/expected-diagnostics.json), then exit
                                    unless --corpus is given too
          --files N                 how many files (default 1000)
          --seed S                  random seed (default 42)
          --unrelated-only          only code that does not use the runtime

        exit codes: 0 done, 1 --check failed, 2 bad arguments or a missing or empty corpus directory
        """;

    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine("run with --help for the usage");
            return UsageError;
        }

        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (options.Generate is not null)
        {
            var corpus = CorpusGenerator.Generate(options.Files, options.Seed, options.UnrelatedOnly);
            corpus.WriteTo(options.Generate);
            Console.WriteLine($"generated {corpus.Files.Count} files ({corpus.Files.Sum(f => CountLines(f.Text)):N0} lines, seed {options.Seed}) in {Path.GetFullPath(options.Generate)}");
            Console.WriteLine("  kinds:    " + string.Join(", ", corpus.FileKinds.Select(k => $"{k.Key} {k.Value}")));
            Console.WriteLine("  expected: " + string.Join(", ", corpus.ExpectedDiagnostics.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}")));
            if (options.Corpus is null)
            {
                return 0;
            }
        }

        if (options.Corpus is null)
        {
            Console.Error.WriteLine("error: --corpus DIR is required (or --generate DIR)");
            Console.Error.WriteLine("run with --help for the usage");
            return UsageError;
        }

        if (!Directory.Exists(options.Corpus))
        {
            Console.Error.WriteLine($"error: corpus directory '{options.Corpus}' does not exist");
            return UsageError;
        }

        var sources = ReadCorpus(options.Corpus);
        if (sources.Count == 0)
        {
            Console.Error.WriteLine($"error: corpus directory '{options.Corpus}' contains no .cs files (bin/, obj/ and .git/ are skipped)");
            return UsageError;
        }

        var ours = AnalyzerLoader.IntervalNotifiers();
        var compared = new List<(string Package, ImmutableArray<DiagnosticAnalyzer> Analyzers)>();
        foreach (var package in options.ComparePackages)
        {
            var parts = package.Split('/');
            ImmutableArray<DiagnosticAnalyzer> analyzers;
            List<string> problems;
            try
            {
                analyzers = AnalyzerLoader.FromPackage(parts[0], parts[1], out _, out problems);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return UsageError;
            }

            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"warning: {package}: {problem}");
            }

            if (analyzers.IsEmpty)
            {
                Console.Error.WriteLine($"error: no C# analyzer could be loaded from {package}");
                return UsageError;
            }

            compared.Add((package, analyzers));
        }

        var references = References(options.NoRuntime);
        var bench = new Bench(options, sources, references, ours, compared);
        var report = await bench.RunAsync().ConfigureAwait(false);
        var expected = GeneratedCorpus.ReadExpected(options.Corpus);
        report.Expected = expected;
        report.WriteText(Console.Out);
        if (options.Json is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(options.Json));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(options.Json, report.ToJson());
            Console.WriteLine($"json        {Path.GetFullPath(options.Json)}");
        }

        if (options.Check && !report.Passes())
        {
            Console.Error.WriteLine("check failed: the diagnostic counts differ from expected-diagnostics.json, or an analyzer threw");
            return 1;
        }

        return 0;
    }

    /// <summary>The .NET 10 reference assemblies, and the runtime unless <paramref name="noRuntime"/>.</summary>
    internal static ImmutableArray<MetadataReference> References(bool noRuntime)
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToList();
        if (!noRuntime)
        {
            references.Add(MetadataReference.CreateFromFile(typeof(global::IntervalNotifiers.AddressSpace).Assembly.Location));
        }

        return references.ToImmutableArray();
    }

    internal static List<(string Path, string Text)> ReadCorpus(string directory)
    {
        var root = Path.GetFullPath(directory);
        var skipped = new[] { "bin", "obj", ".git" };
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                        .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                                         .SkipLast(1).Any(part => skipped.Contains(part, StringComparer.OrdinalIgnoreCase)))
                        .OrderBy(f => f, StringComparer.Ordinal)
                        .Select(f => (f, File.ReadAllText(f)))
                        .ToList();
    }

    internal static int CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var lines = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
            }
        }

        return text[^1] == '\n' ? lines : lines + 1;
    }
}

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public string? Corpus { get; private set; }
    public int Repeat { get; private set; } = 3;
    public int Warmup { get; private set; } = 1;
    public string? Json { get; private set; }
    public List<string> ComparePackages { get; } = new();
    public bool NoRuntime { get; private set; }
    public bool Concurrent { get; private set; }
    public bool WholeCompile { get; private set; }
    public bool Check { get; private set; }
    public bool Quiet { get; private set; }
    public bool Verbose { get; private set; }
    public bool Help { get; private set; }
    public string? Generate { get; private set; }
    public int Files { get; private set; } = 1000;
    public int Seed { get; private set; } = 42;
    public bool UnrelatedOnly { get; private set; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{arg} needs a value");
                }

                return args[++i];
            }

            int Number(int minimum)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < minimum)
                {
                    throw new ArgumentException($"{arg} needs a whole number >= {minimum}, not '{text}'");
                }

                return n;
            }

            switch (arg)
            {
                case "--corpus": options.Corpus = Value(); break;
                case "--repeat": options.Repeat = Number(1); break;
                case "--warmup": options.Warmup = Number(0); break;
                case "--json": options.Json = Value(); break;
                case "--compare-package":
                    var package = Value();
                    if (package.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
                    {
                        throw new ArgumentException($"--compare-package needs ID/VERSION, not '{package}'");
                    }

                    options.ComparePackages.Add(package);
                    break;
                case "--no-runtime": options.NoRuntime = true; break;
                case "--concurrent": options.Concurrent = true; break;
                case "--whole-compile": options.WholeCompile = true; break;
                case "--check": options.Check = true; break;
                case "--quiet": options.Quiet = true; break;
                case "--verbose": options.Verbose = true; break;
                case "--help" or "-h" or "-?": options.Help = true; break;
                case "--generate": options.Generate = Value(); break;
                case "--files": options.Files = Number(1); break;
                case "--seed": options.Seed = Number(0); break;
                case "--unrelated-only": options.UnrelatedOnly = true; break;
                default: throw new ArgumentException($"unknown option '{arg}'");
            }
        }

        return options;
    }
}

/// <summary>Runs the measurements.</summary>
internal sealed class Bench
{
    private readonly Options _options;
    private readonly List<(string Path, string Text)> _sources;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly ImmutableArray<DiagnosticAnalyzer> _ours;
    private readonly List<(string Package, ImmutableArray<DiagnosticAnalyzer> Analyzers)> _compared;
    private readonly Progress _progress;

    public Bench(Options options, List<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references,
                 ImmutableArray<DiagnosticAnalyzer> ours, List<(string, ImmutableArray<DiagnosticAnalyzer>)> compared)
    {
        _options = options;
        _sources = sources;
        _references = references;
        _ours = ours;
        _compared = compared;
        _progress = new Progress(options.Quiet);
    }

    public async Task<Report> RunAsync()
    {
        var report = new Report
        {
            Corpus = Path.GetFullPath(_options.Corpus!),
            Files = _sources.Count,
            Lines = _sources.Sum(s => Program.CountLines(s.Text)),
            Repeat = _options.Repeat,
            Warmup = _options.Warmup,
            RuntimeReferenced = !_options.NoRuntime,
            Concurrent = _options.Concurrent,
            Verbose = _options.Verbose,
            Ours = new AnalyzerSet("IntervalNotifiers.Analyzers", _ours),
            Baseline = !_options.WholeCompile ? null : new AnalyzerSet("baseline", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())),
            Compared = _compared.Select(c => new AnalyzerSet(c.Package, c.Analyzers)).ToList(),
        };

        var runs = _options.Warmup + _options.Repeat;
        var sets = 1 + report.Compared.Count + (report.Baseline is null ? 0 : 1);
        // Step weights: compiling is 1, each analyzer set is 1 more (a compile with analyzers).
        _progress.Plan(runs * (1 + sets));
        for (var run = 0; run < runs; run++)
        {
            var measured = run >= _options.Warmup;
            var label = measured ? $"run {run - _options.Warmup + 1}/{_options.Repeat}" : $"warm-up {run + 1}/{_options.Warmup}";

            _progress.Phase($"{label}: parse + compile {_sources.Count} files, no analyzers");
            var (trees, parse, bind, compile, diagnostics) = Compile();
            _progress.Advance();
            if (measured)
            {
                report.ParseMs.Add(parse.Wall);
                report.BindMs.Add(bind.Wall);
                report.CompileMs.Add(compile.Wall);
                report.CompileCpuMs.Add(compile.Cpu);
                report.CompilerErrors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
                report.CompilerWarnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
                report.CompilerTop = string.Join(", ", diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)
                    .GroupBy(d => d.Id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Take(5).Select(g => $"{g.Key} {g.Count():N0}"));
            }

            var baseline = report.Baseline is null ? Array.Empty<AnalyzerSet>() : new[] { report.Baseline };
            foreach (var set in baseline.Concat(new[] { report.Ours }).Concat(report.Compared))
            {
                _progress.Phase($"{label}: compile + {set.Analyzers.Length} analyzers of {set.Name}");
                await AnalyzeAsync(trees, parse, set, measured, ReferenceEquals(set, report.Baseline)).ConfigureAwait(false);
                _progress.Advance();
            }

            trees = default;
        }

        _progress.Done();
        return report;
    }

    /// <summary>Process CPU time so far, in ms: less disturbed than the wall clock by other processes on a shared machine.</summary>
    private static double CpuMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>
    /// Parses the corpus, then compiles it twice, each time afresh: once to diagnostics only (bind every method body,
    /// <c>GetDiagnostics</c>), and once as a build does (<c>Emit</c> to memory, which binds, lowers and writes IL and
    /// reports the diagnostics of every phase). Returns parse, parse + bind, and parse + bind + emit.
    /// </summary>
    private (ImmutableArray<SyntaxTree> Trees, (double Wall, double Cpu) Parse, (double Wall, double Cpu) Bind, (double Wall, double Cpu) Compile,
        ImmutableArray<Diagnostic> Diagnostics) Compile()
    {
        Settle();
        var cpu = CpuMs();
        var clock = Stopwatch.StartNew();
        var trees = CorpusCompilation.Parse(_sources);
        var parseMs = clock.Elapsed.TotalMilliseconds;
        var parseCpu = CpuMs() - cpu;
        var diagnostics = CorpusCompilation.Create(trees, _references, _options.Concurrent).GetDiagnostics();
        var bindMs = clock.Elapsed.TotalMilliseconds;
        var bindCpu = CpuMs() - cpu;

        Settle();
        cpu = CpuMs();
        clock.Restart();
        using (var peStream = new MemoryStream())
        {
            _ = CorpusCompilation.Create(trees, _references, _options.Concurrent).Emit(peStream);
        }

        var emitMs = parseMs + clock.Elapsed.TotalMilliseconds;
        var emitCpu = parseCpu + CpuMs() - cpu;
        return (trees, (parseMs, parseCpu), (bindMs, bindCpu), (emitMs, emitCpu), diagnostics);
    }

    /// <summary>
    /// Runs <paramref name="set"/> on a fresh compilation through <c>GetAnalysisResultAsync</c>, which keeps the
    /// execution time of each analyzer in its telemetry (<c>GetAllDiagnosticsAsync</c> leaves the telemetry at zero,
    /// and asking for the result after it runs every analyzer a second time). With <c>--whole-compile</c>, times one
    /// more fresh compile with the set attached through <c>GetAllDiagnosticsAsync</c> (compiler and analyzer
    /// diagnostics, as a build): <c>GetAnalysisResultAsync</c> cannot serve for that, as it skips the compile when no
    /// analyzer registered an action. The baseline set gets only that whole compile.
    /// </summary>
    private async Task AnalyzeAsync(ImmutableArray<SyntaxTree> trees, (double Wall, double Cpu) parse, AnalyzerSet set, bool measured,
                                    bool baseline)
    {
        if (set.Analyzers.IsEmpty)
        {
            return;
        }

        var exceptions = new List<(DiagnosticAnalyzer Analyzer, Exception Exception)>();
        var options = CorpusCompilation.AnalyzerOptions(
            (exception, analyzer, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add((analyzer, exception));
                }
            },
            _options.Concurrent);

        if (_options.WholeCompile)
        {
            var whole = CorpusCompilation.Create(trees, _references, _options.Concurrent)
                                         .WithAnalyzers(set.Analyzers, CorpusCompilation.AnalyzerOptions(null, _options.Concurrent));
            Settle();
            var cpu = CpuMs();
            var clock = Stopwatch.StartNew();
            _ = await whole.GetAllDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
            if (measured)
            {
                set.WallMs.Add(parse.Wall + clock.Elapsed.TotalMilliseconds);
                set.CpuMs.Add(parse.Cpu + CpuMs() - cpu);
            }
        }

        if (baseline)
        {
            return;
        }

        var fresh = CorpusCompilation.Create(trees, _references, _options.Concurrent);
        // The compiler binds the references and creates the source assembly before anything else of a build; left
        // lazy here, the first analyzer to look up a type (our compilation-start actions) would be charged for it.
        _ = fresh.Assembly;
        var withAnalyzers = fresh.WithAnalyzers(set.Analyzers, options);
        Settle();
        var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).ConfigureAwait(false);
        var all = result.GetAllDiagnostics();
        if (!measured)
        {
            return;
        }

        var total = 0.0;
        foreach (var analyzer in set.Analyzers)
        {
            var info = result.AnalyzerTelemetryInfo.TryGetValue(analyzer, out var fromResult)
                ? fromResult
                : await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).ConfigureAwait(false);
            var ms = info.ExecutionTime.TotalMilliseconds;
            set.Actions[Name(analyzer)] =
                $"compilation start {info.CompilationStartActionsCount}, compilation end {info.CompilationEndActionsCount}, "
                + $"symbol {info.SymbolActionsCount}, symbol start {info.SymbolStartActionsCount}, symbol end {info.SymbolEndActionsCount}, "
                + $"operation {info.OperationActionsCount}, operation block {info.OperationBlockActionsCount}, "
                + $"syntax node {info.SyntaxNodeActionsCount}, syntax tree {info.SyntaxTreeActionsCount}, "
                + $"semantic model {info.SemanticModelActionsCount}, code block {info.CodeBlockActionsCount}";
            set.Times[Name(analyzer)].Add(ms);
            total += ms;
        }

        set.TotalMs.Add(total);

        var ids = set.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        set.Diagnostics.Clear();
        foreach (var group in all.Where(d => ids.Contains(d.Id)).GroupBy(d => d.Id, StringComparer.Ordinal))
        {
            set.Diagnostics[group.Key] = group.Count();
        }

        set.AnalyzerExceptions = Math.Max(exceptions.Count, all.Count(d => d.Id == "AD0001"));
        set.ExceptionSamples.Clear();
        foreach (var sample in exceptions.GroupBy(e => Name(e.Analyzer)).Select(g => (g.Key, g.Count(), g.First().Exception)))
        {
            set.ExceptionSamples.Add($"{sample.Key}: {sample.Item2} x {sample.Exception.GetType().Name}: {FirstLine(sample.Exception.Message)}");
        }
    }

    /// <summary>Collects the garbage of the previous step, so that it is not charged to the next one.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(new[] { '\r', '\n' });
        return newline < 0 ? text : text[..newline];
    }

    internal static string Name(DiagnosticAnalyzer analyzer) => analyzer.GetType().Name;
}

/// <summary>The analyzers of one source (ours, or a compared package) and what was measured of them.</summary>
internal sealed class AnalyzerSet
{
    public AnalyzerSet(string name, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        Name = name;
        Analyzers = analyzers;
        foreach (var analyzer in analyzers)
        {
            Times[Bench.Name(analyzer)] = new List<double>();
        }
    }

    public string Name { get; }
    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    /// <summary>Execution time of each analyzer (telemetry), one entry per measured run.</summary>
    public SortedDictionary<string, List<double>> Times { get; } = new(StringComparer.Ordinal);

    /// <summary>Sum of the analyzers' execution times, per measured run.</summary>
    public List<double> TotalMs { get; } = new();

    /// <summary>Wall-clock time of parse + compile + analyzers (GetAllDiagnosticsAsync, with --whole-compile), per measured run.</summary>
    public List<double> WallMs { get; } = new();

    /// <summary>Process CPU time of the same, per measured run.</summary>
    public List<double> CpuMs { get; } = new();

    public SortedDictionary<string, int> Diagnostics { get; } = new(StringComparer.Ordinal);

    /// <summary>The actions each analyzer registered (last measured run).</summary>
    public SortedDictionary<string, string> Actions { get; } = new(StringComparer.Ordinal);

    public int AnalyzerExceptions { get; set; }
    public List<string> ExceptionSamples { get; } = new();
}

/// <summary>The results, as text and as JSON.</summary>
internal sealed class Report
{
    public string Corpus { get; init; } = "";
    public int Files { get; init; }
    public int Lines { get; init; }
    public int Repeat { get; init; }
    public int Warmup { get; init; }
    public bool RuntimeReferenced { get; init; }
    public bool Concurrent { get; init; }
    public bool Verbose { get; init; }
    public List<double> ParseMs { get; } = new();
    public List<double> CompileMs { get; } = new();

    /// <summary>Parse + bind to diagnostics, no emit: the stricter denominator, also reported.</summary>
    public List<double> BindMs { get; } = new();
    public List<double> CompileCpuMs { get; } = new();
    public int CompilerErrors { get; set; }
    public int CompilerWarnings { get; set; }
    public string CompilerTop { get; set; } = "";
    public AnalyzerSet Ours { get; init; } = null!;

    /// <summary>The compile with <see cref="EmptyAnalyzer"/>: what CompilationWithAnalyzers costs by itself.</summary>
    public AnalyzerSet? Baseline { get; init; }
    public List<AnalyzerSet> Compared { get; init; } = new();
    public Dictionary<string, int>? Expected { get; set; }

    private static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private double Compile => Median(CompileMs);

    private double Percent(double ms) => Compile <= 0 ? 0 : 100.0 * ms / Compile;

    private double BindPercent(double ms) => Median(BindMs) <= 0 ? 0 : 100.0 * ms / Median(BindMs);

    private double CpuPercent(double ms) => Median(CompileCpuMs) <= 0 ? 0 : 100.0 * ms / Median(CompileCpuMs);

    /// <summary>Wall and CPU time of the compile with <paramref name="set"/>, minus the same with the baseline analyzer.</summary>
    private (double Wall, double Cpu) OverBaseline(AnalyzerSet set)
        => Baseline is null ? (0, 0) : (Median(set.WallMs) - Median(Baseline.WallMs), Median(set.CpuMs) - Median(Baseline.CpuMs));

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string Ms(double ms) => ms.ToString("#,0.0", Invariant) + " ms";

    private static string Signed(double ms) => (ms >= 0 ? "+" : "") + Ms(ms);

    /// <summary>Every NTF ID: the analyzers' own, plus any expected.</summary>
    private IEnumerable<string> OurIds()
        => Ours.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id)
               .Concat(Expected?.Keys ?? Enumerable.Empty<string>())
               .Where(id => id.StartsWith("NTF", StringComparison.Ordinal))
               .Distinct().OrderBy(id => id, StringComparer.Ordinal);

    public bool Passes()
        => Ours.AnalyzerExceptions == 0
           && (Expected is null || OurIds().All(id => Count(id) == (Expected.TryGetValue(id, out var e) ? e : 0)));

    private int Count(string id) => Ours.Diagnostics.TryGetValue(id, out var n) ? n : 0;

    public void WriteText(TextWriter o)
    {
        o.WriteLine("IntervalNotifiers analyzer bench");
        o.WriteLine($"machine     {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Roslyn {typeof(Compilation).Assembly.GetName().Version}, {(GCSettings.IsServerGC ? "server GC (as csc)" : "workstation GC")}");
        o.WriteLine($"corpus      {Corpus}");
        o.WriteLine($"read        {Files:N0} files, {Lines:N0} lines; runtime {(RuntimeReferenced ? "referenced" : "NOT referenced")}; {(Concurrent ? "concurrent" : "single-threaded")} compile and analysis");
        o.WriteLine($"compiler    {CompilerErrors:N0} errors, {CompilerWarnings:N0} warnings (errors from missing third-party references are expected){(CompilerTop.Length > 0 ? "; most: " + CompilerTop : "")}");
        o.WriteLine($"runs        {Repeat} measured after {Warmup} warm-up; medians below");
        if (Baseline is not null)
        {
            o.WriteLine($"baseline    {Ms(Median(Baseline.WallMs))} wall, {Ms(Median(Baseline.CpuMs))} CPU: the same compile through CompilationWithAnalyzers with an analyzer that registers nothing");
        }

        o.WriteLine($"compile     {Ms(Compile)} (parse {Ms(Median(ParseMs))} + bind + emit to memory, diagnostics of every phase; no analyzers); fastest run {Ms(CompileMs.DefaultIfEmpty(0).Min())}; CPU {Ms(Median(CompileCpuMs))}");
        o.WriteLine($"            without emit (parse + bind to diagnostics): {Ms(Median(BindMs))}");
        WriteSet(o, Ours, showDiagnostics: true);
        foreach (var set in Compared)
        {
            WriteSet(o, set, showDiagnostics: false);
            var ours = Median(Ours.TotalMs);
            var theirs = Median(set.TotalMs);
            o.WriteLine($"ratio       IntervalNotifiers / {set.Name} = {(theirs > 0 ? (ours / theirs).ToString("0.000", Invariant) : "n/a")} (analyzer time)"
                        + $", {(set.Analyzers.Length > 0 ? (ours / Math.Max(1, Ours.Analyzers.Length) / (theirs / set.Analyzers.Length)).ToString("0.000", Invariant) : "n/a")} per analyzer");
        }
    }

    private void WriteSet(TextWriter o, AnalyzerSet set, bool showDiagnostics)
    {
        o.WriteLine();
        o.WriteLine($"analyzers   {set.Name}: {set.Analyzers.Length} (execution time from analyzer telemetry, % of compile)");
        var shown = showDiagnostics ? int.MaxValue : 10;
        var ordered = set.Times.OrderByDescending(t => Median(t.Value)).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        var width = Math.Max(24, ordered.Take(shown).Select(t => t.Key.Length).DefaultIfEmpty(0).Max());
        foreach (var (name, times) in ordered.Take(shown))
        {
            var ms = Median(times);
            o.WriteLine($"  {name.PadRight(width)} {Ms(ms),12} {Percent(ms),7:0.00} %   fastest {Ms(times.DefaultIfEmpty(0).Min())}");
            if (Verbose && showDiagnostics)
            {
                o.WriteLine($"    runs: {string.Join(", ", times.Select(t => t.ToString("0.0", Invariant)))} ms");
                if (set.Actions.TryGetValue(name, out var actions))
                {
                    o.WriteLine($"    actions: {actions}");
                }
            }
        }

        if (ordered.Count > shown)
        {
            var rest = ordered.Skip(shown).Sum(t => Median(t.Value));
            o.WriteLine($"  {$"({ordered.Count - shown} more)".PadRight(width)} {Ms(rest),12} {Percent(rest),7:0.00} %");
        }

        var total = Median(set.TotalMs);
        o.WriteLine($"  {"total".PadRight(width)} {Ms(total),12} {Percent(total),7:0.00} %  <- overhead (fastest run {Ms(set.TotalMs.DefaultIfEmpty(0).Min())}; {BindPercent(total):0.00} % of the compile without emit)");
        if (Baseline is not null)
        {
            var (wallOver, cpuOver) = OverBaseline(set);
            o.WriteLine($"  whole compile with these analyzers against the baseline (includes the driver's work for them; noisy):");
            o.WriteLine($"    wall {Signed(wallOver)} = {Percent(wallOver):0.00} % of compile, CPU {Signed(cpuOver)} = {CpuPercent(cpuOver):0.00} % of compile CPU");
        }
        if (showDiagnostics)
        {
            o.WriteLine("diagnostics " + string.Join(", ", OurIds().Select(id =>
                Expected is null ? $"{id} {Count(id)}"
                : $"{id} {Count(id)}{(Expected.TryGetValue(id, out var e) && e == Count(id) ? "" : $" (expected {(Expected.TryGetValue(id, out var x) ? x : 0)})")}")));
            if (Expected is not null)
            {
                o.WriteLine($"expected    {(OurIds().All(id => Count(id) == (Expected.TryGetValue(id, out var e) ? e : 0)) ? "every count matches" : "MISMATCH")} {GeneratedCorpus.ExpectedFileName}");
            }
        }
        else
        {
            o.WriteLine($"diagnostics {set.Diagnostics.Values.Sum():N0} in {set.Diagnostics.Count} IDs");
        }

        o.WriteLine($"exceptions  {set.AnalyzerExceptions} (AD0001)");
        foreach (var sample in set.ExceptionSamples.Take(10))
        {
            o.WriteLine("  " + sample);
        }
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("corpus", Corpus);
            w.WriteNumber("files", Files);
            w.WriteNumber("lines", Lines);
            w.WriteNumber("compileMs", Round(Compile));
            w.WriteNumber("analyzerMs", Round(Median(Ours.TotalMs)));
            w.WriteNumber("overheadPercent", Round(Percent(Median(Ours.TotalMs)), 3));
            w.WriteStartArray("analyzers");
            foreach (var (name, times) in Ours.Times)
            {
                w.WriteStartObject();
                w.WriteString("id", name);
                w.WriteNumber("ms", Round(Median(times)));
                w.WriteNumber("percent", Round(Percent(Median(times)), 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("diagnostics");
            foreach (var id in OurIds())
            {
                w.WriteNumber(id, Count(id));
            }

            w.WriteEndObject();
            w.WriteNumber("analyzerExceptions", Ours.AnalyzerExceptions);

            // Context for the numbers above.
            w.WriteNumber("parseMs", Round(Median(ParseMs)));
            w.WriteNumber("bindMs", Round(Median(BindMs)));
            w.WriteNumber("overheadPercentOfBind", Round(BindPercent(Median(Ours.TotalMs)), 3));
            w.WriteNumber("compileMinMs", Round(CompileMs.DefaultIfEmpty(0).Min()));
            w.WriteNumber("analyzerMinMs", Round(Ours.TotalMs.DefaultIfEmpty(0).Min()));
            if (Baseline is not null)
            {
                w.WriteNumber("wallMs", Round(Median(Ours.WallMs)));
                w.WriteNumber("cpuMs", Round(Median(Ours.CpuMs)));
                var (wallOver, cpuOver) = OverBaseline(Ours);
                w.WriteNumber("baselineWallMs", Round(Median(Baseline.WallMs)));
                w.WriteNumber("baselineCpuMs", Round(Median(Baseline.CpuMs)));
                w.WriteNumber("wallOverBaselinePercent", Round(Percent(wallOver), 3));
                w.WriteNumber("cpuOverBaselinePercent", Round(CpuPercent(cpuOver), 3));
            }

            w.WriteNumber("compileCpuMs", Round(Median(CompileCpuMs)));
            w.WriteNumber("repeat", Repeat);
            w.WriteNumber("warmup", Warmup);
            w.WriteBoolean("runtimeReferenced", RuntimeReferenced);
            w.WriteBoolean("concurrent", Concurrent);
            w.WriteNumber("compilerErrors", CompilerErrors);
            w.WriteNumber("processorCount", Environment.ProcessorCount);
            w.WriteBoolean("serverGC", GCSettings.IsServerGC);
            if (Expected is not null)
            {
                w.WriteStartObject("expectedDiagnostics");
                foreach (var (id, n) in Expected.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(id, n);
                }

                w.WriteEndObject();
            }

            w.WriteStartArray("compare");
            foreach (var set in Compared)
            {
                w.WriteStartObject();
                w.WriteString("package", set.Name);
                w.WriteNumber("analyzerCount", set.Analyzers.Length);
                w.WriteNumber("analyzerMs", Round(Median(set.TotalMs)));
                w.WriteNumber("overheadPercent", Round(Percent(Median(set.TotalMs)), 3));
                if (Baseline is not null)
                {
                    w.WriteNumber("wallMs", Round(Median(set.WallMs)));
                    w.WriteNumber("cpuMs", Round(Median(set.CpuMs)));
                    var (wallOver, cpuOver) = OverBaseline(set);
                    w.WriteNumber("wallOverBaselinePercent", Round(Percent(wallOver), 3));
                    w.WriteNumber("cpuOverBaselinePercent", Round(CpuPercent(cpuOver), 3));
                }

                var theirs = Median(set.TotalMs);
                if (theirs > 0)
                {
                    w.WriteNumber("ratio", Round(Median(Ours.TotalMs) / theirs, 4));
                }

                w.WriteNumber("diagnosticCount", set.Diagnostics.Values.Sum());
                w.WriteNumber("analyzerExceptions", set.AnalyzerExceptions);
                w.WriteStartArray("analyzers");
                foreach (var (name, times) in set.Times)
                {
                    w.WriteStartObject();
                    w.WriteString("id", name);
                    w.WriteNumber("ms", Round(Median(times)));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
