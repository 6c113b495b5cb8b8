using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>Runs the measurements.</summary>
internal sealed class BenchRunner
{
    private readonly Options _options;
    private readonly List<(string Path, string Text)> _sources;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly ImmutableArray<DiagnosticAnalyzer> _ours;
    private readonly List<(string Package, ImmutableArray<DiagnosticAnalyzer> Analyzers)> _compared;
    private readonly Progress _progress;

    public BenchRunner(Options options, List<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references,
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
            DeclareFirst = _options.DeclareFirst,
            IdleMs = _options.IdleMs,
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
            // Ours first on even runs, last on odd ones: whichever set runs second meets the garbage and the warm caches
            // the first left, and the alternation gives each side both places equally (the paired ratios of the report).
            var order = run % 2 == 0
                ? new[] { report.Ours }.Concat(report.Compared)
                : report.Compared.Concat(new[] { report.Ours });
            foreach (var set in baseline.Concat(order))
            {
                _progress.Phase($"{label}: compile + {set.Analyzers.Length} analyzers of {set.Name}");
                await AnalyzeAsync(trees, parse, set, measured, ReferenceEquals(set, report.Baseline)).ConfigureAwait(false);
                _progress.Advance();
            }

            trees = default;
            if (_options.IdleMs > 0)
            {
                _progress.Phase($"{label}: idle {_options.IdleMs} ms");
                Thread.Sleep(_options.IdleMs);
            }
        }

        if (_options.Alloc)
        {
            await MeasureAllocationsAsync(report).ConfigureAwait(false);
        }

        _progress.Done();
        return report;
    }

    /// <summary>
    /// --alloc: bytes the process allocates for the whole compile (<c>GetAllDiagnosticsAsync</c>, as a build) with an
    /// empty analyzer, with all of ours, and with each of ours alone; the medians of 3 fresh compiles each, ours given
    /// over the empty one. What our analyzers allocate, plus what the driver builds for their actions (semantic
    /// models, operation trees): the garbage a build pays for, unlike the times not disturbed by other processes. The
    /// set "operation trees only" (an analyzer that asks for every body's operations and does nothing) shows the
    /// driver's share.
    /// </summary>
    private async Task MeasureAllocationsAsync(Report report)
    {
        var sets = new List<(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)>
        {
            ("baseline", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer())),
            ("all", _ours),
            ("operation trees only", ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer(askForOperationTrees: true))),
        };
        sets.AddRange(_ours.Select(a => (Name(a), ImmutableArray.Create(a))));
        _progress.Phase($"allocations: {sets.Count} analyzer sets x 3 compiles");
        var medians = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, analyzers) in sets)
        {
            var bytes = new List<long>();
            for (var i = 0; i < 3; i++)
            {
                // Trees parsed afresh for each compile, as each build parses them: what the analyzers keep per tree
                // (Speed/SourceNames.cs) is not carried from one compile to the next.
                var compilation = CorpusCompilation.Create(CorpusCompilation.Parse(_sources), _references, _options.Concurrent)
                                                   .WithAnalyzers(analyzers, CorpusCompilation.AnalyzerOptions(null, _options.Concurrent));
                Settle();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                _ = await compilation.GetAllDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
                bytes.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            bytes.Sort();
            medians[name] = bytes[1];
        }

        report.BaselineAllocatedBytes = medians["baseline"];
        foreach (var (name, _) in sets.Skip(1))
        {
            report.AllocatedOverBaseline[name] = medians[name] - medians["baseline"];
        }
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
            // Its own trees, parsed afresh (the time of the measured parse is added below), so that the telemetry run
            // after it finds nothing the analyzers keep per tree (Speed/SourceNames.cs) already computed.
            var whole = CorpusCompilation.Create(CorpusCompilation.Parse(_sources), _references, _options.Concurrent)
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
        // --declare-first: csc runs the declaration stage (GetDiagnostics(CompilationStage.Declare)) on its own thread
        // right after it attaches the driver, so base types and member lists are the compiler's work whoever asks first.
        // It has to run on the driver's own copy of the compilation: DeclarationStage does, placed first.
        var analyzers = _options.DeclareFirst ? set.Analyzers.Insert(0, new DeclarationStage()) : set.Analyzers;
        var withAnalyzers = fresh.WithAnalyzers(analyzers, options);
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

        set.Listed.Clear();
        if (_options.List)
        {
            foreach (var diagnostic in all.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                         .ThenBy(d => d.Location.SourceSpan.Start))
            {
                var line = diagnostic.Location.GetLineSpan();
                set.Listed.Add($"{Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1}): {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
            }
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
