using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using IntervalNotifiers.AnalyzerBench;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Bench.Analyzers;

/// <summary>
/// One benchmark per IntervalNotifiers analyzer: a fresh compilation of the generated corpus (1,000 files, every
/// file a driver that uses the runtime, mixed with unrelated code; bench/Common/CorpusGenerator.cs), compiled
/// (every method body bound, compiler diagnostics computed) with the analyzer attached, against the same compile
/// with an analyzer that registers nothing (the baseline, in the same run). The difference is the analyzer's cost,
/// and the Ratio column is (compile + analyzer) / compile. Each benchmark checks that its analyzer
/// reports exactly the diagnostics the generator planted and throws nothing, so it is also a correctness check.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project bench/IntervalNotifiers.Bench -- --filter '*AnalyzerBenchmarks*'</c>.
/// One compile of 1,000 files takes seconds, so the job is short: one invocation per iteration, two warm-ups
/// (after one untimed compile in the set-up, so the compiler is jitted before the baseline runs), three
/// iterations, in process (single-threaded compile and analysis, for stable numbers on a shared machine).
/// </remarks>
[Config(typeof(Config))]
public class AnalyzerBenchmarks
{
    /// <summary>The generated corpus's size.</summary>
    public const int Files = 1000;

    private const string AnalyzerNamespace = "IntervalNotifiers.Analyzers.";

    private ImmutableArray<SyntaxTree> _trees;
    private ImmutableArray<MetadataReference> _references;
    private GeneratedCorpus _corpus = null!;
    private static bool s_warmedUp;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                      .WithToolchain(InProcessEmitToolchain.Instance)
                      .WithStrategy(RunStrategy.Monitoring)
                      .WithLaunchCount(1)
                      .WithWarmupCount(2)
                      .WithIterationCount(3)
                      .WithInvocationCount(1)
                      .WithUnrollFactor(1)
                      .WithId("Short"));
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
        }
    }

    /// <summary>Generates and parses the corpus once; the references are the .NET 10 reference assemblies and the runtime.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _corpus = CorpusGenerator.Generate(Files);
        _trees = CorpusCompilation.Parse(_corpus.Files.Select(f => (f.Path, f.Text)));
        _references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
                           .Append(MetadataReference.CreateFromFile(typeof(AddressSpace).Assembly.Location))
                           .ToImmutableArray();

        var covered = new[] { "OpsContractAnalyzer", "FinishLifetimeAnalyzer", "CallbackFlowAnalyzer", "ReadSideAnalyzer", "CallbackCallsAnalyzer" };
        var missing = typeof(global::IntervalNotifiers.Analyzers.Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !covered.Contains(t.Name))
            .Select(t => t.Name).ToList();
        if (missing.Count > 0)
        {
            Console.WriteLine("// warning: analyzers without a benchmark: " + string.Join(", ", missing));
        }

        // The benchmarks run in one process: jit the compiler once, before the first of them (the baseline).
        if (!s_warmedUp)
        {
            s_warmedUp = true;
            _ = CorpusCompilation.CompileAndAnalyzeAsync(_trees, _references, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()))
                                 .GetAwaiter().GetResult();
        }
    }

    /// <summary>An analyzer that registers nothing: what compiling and running the analyzer driver costs by itself.</summary>
    [Benchmark(Baseline = true, Description = "EmptyAnalyzer (baseline)")]
    public int Baseline() => Run(new EmptyAnalyzer());

    /// <summary>NTF001, NTF003, NTF004, NTF005.</summary>
    [Benchmark]
    public int OpsContractAnalyzer() => Run("OpsContractAnalyzer");

    /// <summary>NTF002.</summary>
    [Benchmark]
    public int FinishLifetimeAnalyzer() => Run("FinishLifetimeAnalyzer");

    /// <summary>NTF006, NTF007, NTF008.</summary>
    [Benchmark]
    public int CallbackFlowAnalyzer() => Run("CallbackFlowAnalyzer");

    /// <summary>NTF009, NTF010.</summary>
    [Benchmark]
    public int ReadSideAnalyzer() => Run("ReadSideAnalyzer");

    /// <summary>NTF011, NTF012.</summary>
    [Benchmark]
    public int CallbackCallsAnalyzer() => Run("CallbackCallsAnalyzer");

    private int Run(string analyzerName)
    {
        var type = typeof(global::IntervalNotifiers.Analyzers.Descriptors).Assembly.GetType(AnalyzerNamespace + analyzerName)
            ?? throw new InvalidOperationException($"analyzer {AnalyzerNamespace}{analyzerName} does not exist (yet)");
        return Run((DiagnosticAnalyzer)Activator.CreateInstance(type)!);
    }

    /// <summary>Compiles the corpus with <paramref name="analyzer"/> and checks its diagnostics against the generator's plan.</summary>
    private int Run(DiagnosticAnalyzer analyzer)
    {
        var exceptions = new List<string>();
        var diagnostics = CorpusCompilation.CompileAndAnalyzeAsync(
            _trees, _references, ImmutableArray.Create(analyzer),
            (exception, _, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add(exception.GetType().Name + ": " + exception.Message);
                }
            }).GetAwaiter().GetResult();

        if (exceptions.Count > 0 || diagnostics.Any(d => d.Id == "AD0001"))
        {
            throw new InvalidOperationException($"{analyzer.GetType().Name} threw (AD0001) {exceptions.Count} times; first: {exceptions.FirstOrDefault()}");
        }

        var wrong = new List<string>();
        foreach (var id in analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct())
        {
            var expected = _corpus.ExpectedDiagnostics.TryGetValue(id, out var e) ? e : 0;
            var actual = diagnostics.Count(d => d.Id == id);
            if (actual != expected)
            {
                wrong.Add($"{id}: {actual} reported, {expected} expected");
            }
        }

        if (wrong.Count > 0)
        {
            throw new InvalidOperationException($"{analyzer.GetType().Name} on the generated corpus: {string.Join("; ", wrong)}");
        }

        return diagnostics.Length;
    }
}
