using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>The results, and their text report (the JSON is <see cref="ReportJson"/>).</summary>
internal sealed class Report
{
    public string Corpus { get; init; } = "";
    public int Files { get; init; }
    public int Lines { get; init; }
    public int Repeat { get; init; }
    public int Warmup { get; init; }
    public bool RuntimeReferenced { get; init; }
    public bool Concurrent { get; init; }
    public bool DeclareFirst { get; init; }
    public int IdleMs { get; init; }
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

    /// <summary>With --alloc: bytes allocated by the whole compile with no analyzer (an empty one).</summary>
    public long? BaselineAllocatedBytes { get; set; }

    /// <summary>With --alloc: bytes allocated over the baseline, by all of ours ("all") and by each alone.</summary>
    public SortedDictionary<string, long> AllocatedOverBaseline { get; } = new(StringComparer.Ordinal);

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal double Compile => Median(CompileMs);

    internal double Percent(double ms) => Compile <= 0 ? 0 : 100.0 * ms / Compile;

    internal double BindPercent(double ms) => Median(BindMs) <= 0 ? 0 : 100.0 * ms / Median(BindMs);

    internal double CpuPercent(double ms) => Median(CompileCpuMs) <= 0 ? 0 : 100.0 * ms / Median(CompileCpuMs);

    /// <summary>Wall and CPU time of the compile with <paramref name="set"/>, minus the same with the baseline analyzer.</summary>
    internal (double Wall, double Cpu) OverBaseline(AnalyzerSet set)
        => Baseline is null ? (0, 0) : (Median(set.WallMs) - Median(Baseline.WallMs), Median(set.CpuMs) - Median(Baseline.CpuMs));

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string Ms(double ms) => ms.ToString("#,0.0", Invariant) + " ms";

    private static string Signed(double ms) => (ms >= 0 ? "+" : "") + Ms(ms);

    /// <summary>Every NTF ID: the analyzers' own, plus any expected.</summary>
    internal IEnumerable<string> OurIds()
        => Ours.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id)
               .Concat(Expected?.Keys ?? Enumerable.Empty<string>())
               .Where(id => id.StartsWith("NTF", StringComparison.Ordinal))
               .Distinct().OrderBy(id => id, StringComparer.Ordinal);

    public bool Passes()
        => Ours.AnalyzerExceptions == 0
           && (Expected is null || OurIds().All(id => Count(id) == (Expected.TryGetValue(id, out var e) ? e : 0)));

    internal int Count(string id) => Ours.Diagnostics.TryGetValue(id, out var n) ? n : 0;

    public void WriteText(TextWriter o)
    {
        o.WriteLine("IntervalNotifiers analyzer bench");
        o.WriteLine($"machine     {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Roslyn {typeof(Compilation).Assembly.GetName().Version}, {(GCSettings.IsServerGC ? "server GC (as csc)" : "workstation GC")}");
        o.WriteLine($"corpus      {Corpus}");
        o.WriteLine($"read        {Files:N0} files, {Lines:N0} lines; runtime {(RuntimeReferenced ? "referenced" : "NOT referenced")}; {(Concurrent ? "concurrent" : "single-threaded")} compile and analysis{(DeclareFirst ? "; declaration stage completed before the analyzers (--declare-first)" : "")}");
        o.WriteLine($"compiler    {CompilerErrors:N0} errors, {CompilerWarnings:N0} warnings (errors from missing third-party references are expected){(CompilerTop.Length > 0 ? "; most: " + CompilerTop : "")}");
        o.WriteLine($"runs        {Repeat} measured after {Warmup} warm-up{(IdleMs > 0 ? $", {IdleMs} ms idle after each" : "")}; medians below; jit: {JitSettings()}");
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
            WritePaired(o, set);
        }
    }

    /// <summary>
    /// For a set with analyzers of the same names as ours (another build, --compare-build): the median over the measured
    /// runs of each run's ratio ours / theirs, per analyzer and for the total. Both ran on the same compilations in the
    /// same process, so what drifts between processes (tiering, heap layout, the machine) divides out.
    /// </summary>
    private void WritePaired(TextWriter o, AnalyzerSet set)
    {
        var shared = Ours.Times.Keys.Where(set.Times.ContainsKey).ToList();
        if (shared.Count == 0)
        {
            return;
        }

        static string Paired(List<double> ours, List<double> theirs)
        {
            var ratios = ours.Zip(theirs, (a, b) => b > 0 ? a / b : double.NaN).Where(r => !double.IsNaN(r)).ToList();
            if (ratios.Count == 0)
            {
                return "n/a";
            }

            var below = ratios.Count(r => r < 1);
            var difference = Median(ours.Zip(theirs, (a, b) => a - b).ToList());
            return $"{Median(ratios).ToString("0.000", Invariant)} (ours faster in {below} of {ratios.Count}; median difference {difference.ToString("+0.00;-0.00;0.00", Invariant)} ms)";
        }

        o.WriteLine($"paired      median of per-run ratios ours / {set.Name}:");
        o.WriteLine($"  {"total".PadRight(24)} {Paired(Ours.TotalMs, set.TotalMs)}");
        foreach (var name in shared.OrderByDescending(n => Median(Ours.Times[n])))
        {
            o.WriteLine($"  {name.PadRight(24)} {Paired(Ours.Times[name], set.Times[name])}");
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

        foreach (var listed in set.Listed)
        {
            o.WriteLine("  " + listed);
        }

        o.WriteLine($"exceptions  {set.AnalyzerExceptions} (AD0001)");
        foreach (var sample in set.ExceptionSamples.Take(10))
        {
            o.WriteLine("  " + sample);
        }

        if (ReferenceEquals(set, Ours) && BaselineAllocatedBytes is { } baseline)
        {
            o.WriteLine($"allocated   whole compile (compiler + analyzer diagnostics), over the same with an empty analyzer; median of 3; "
                        + $"baseline {baseline / 1048576.0:N1} MB");
            foreach (var (name, bytes) in AllocatedOverBaseline.OrderByDescending(a => a.Key == "all").ThenByDescending(a => a.Value))
            {
                o.WriteLine($"  {(name == "all" ? "all of ours" : name == "operation trees only" ? "(operation trees only)" : name),-28} {bytes / 1048576.0,7:N2} MB {100.0 * bytes / baseline,7:0.00} %");
            }
        }
    }

    /// <summary>The results as JSON (<see cref="ReportJson"/>).</summary>
    public string ToJson() => ReportJson.Serialize(this);

    /// <summary>The tiered-compilation settings the process runs with (they decide how optimised the analyzers' code is).</summary>
    private static string JitSettings()
    {
        var set = new[] { "TieredCompilation", "TieredPGO", "TC_CallCountingDelayMs", "ReadyToRun" }
            .Select(name => (Name: name, Value: Environment.GetEnvironmentVariable("DOTNET_" + name)))
            .Where(setting => setting.Value is not null)
            .Select(setting => $"DOTNET_{setting.Name}={setting.Value}")
            .ToList();
        return set.Count == 0 ? "tiered with PGO (the runtime's default, as csc)" : string.Join(", ", set);
    }
}
