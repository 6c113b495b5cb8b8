using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>
/// The report as JSON (the --json option), written by System.Text.Json from the records below. The field names
/// and their order are the tool's interface (bench/README.md and scripts read them): keep them. A field that is
/// null is left out: the baseline fields without --whole-compile, <c>expectedDiagnostics</c> without an
/// expected-diagnostics.json, a compared package's <c>ratio</c> when its analyzers took no time.
/// </summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Settings = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Report report) => JsonSerializer.Serialize(From(report), Settings) + "\n";

    private static Document From(Report r)
    {
        var ours = Report.Median(r.Ours.TotalMs);
        var (wallOver, cpuOver) = r.OverBaseline(r.Ours);
        var baseline = r.Baseline;
        return new Document(
            r.Corpus, r.Files, r.Lines,
            CompileMs: Round(r.Compile),
            AnalyzerMs: Round(ours),
            OverheadPercent: Round(r.Percent(ours), 3),
            Analyzers: r.Ours.Times.Select(t => new AnalyzerTime(t.Key, Round(Report.Median(t.Value)),
                                                                 Round(r.Percent(Report.Median(t.Value)), 3))).ToList(),
            Diagnostics: Ordered(r.OurIds().Select(id => (id, r.Count(id)))),
            AnalyzerExceptions: r.Ours.AnalyzerExceptions,
            ParseMs: Round(Report.Median(r.ParseMs)),
            BindMs: Round(Report.Median(r.BindMs)),
            OverheadPercentOfBind: Round(r.BindPercent(ours), 3),
            CompileMinMs: Round(r.CompileMs.DefaultIfEmpty(0).Min()),
            AnalyzerMinMs: Round(r.Ours.TotalMs.DefaultIfEmpty(0).Min()),
            WallMs: baseline is null ? null : Round(Report.Median(r.Ours.WallMs)),
            CpuMs: baseline is null ? null : Round(Report.Median(r.Ours.CpuMs)),
            BaselineWallMs: baseline is null ? null : Round(Report.Median(baseline.WallMs)),
            BaselineCpuMs: baseline is null ? null : Round(Report.Median(baseline.CpuMs)),
            WallOverBaselinePercent: baseline is null ? null : Round(r.Percent(wallOver), 3),
            CpuOverBaselinePercent: baseline is null ? null : Round(r.CpuPercent(cpuOver), 3),
            CompileCpuMs: Round(Report.Median(r.CompileCpuMs)),
            r.Repeat, r.Warmup, r.IdleMs, r.DeclareFirst, r.RuntimeReferenced, r.Concurrent, r.CompilerErrors,
            ProcessorCount: Environment.ProcessorCount,
            ServerGC: GCSettings.IsServerGC,
            ExpectedDiagnostics: r.Expected is null ? null : Ordered(r.Expected.Select(p => (p.Key, p.Value))),
            Compare: r.Compared.Select(set => Compared(r, set, ours)).ToList(),
            BaselineAllocatedBytes: r.BaselineAllocatedBytes,
            AllocatedOverBaselineBytes: r.BaselineAllocatedBytes is null ? null : r.AllocatedOverBaseline);
    }

    private static Comparison Compared(Report r, AnalyzerSet set, double ours)
    {
        var theirs = Report.Median(set.TotalMs);
        var (wallOver, cpuOver) = r.OverBaseline(set);
        var baseline = r.Baseline is not null;
        return new Comparison(
            set.Name,
            AnalyzerCount: set.Analyzers.Length,
            AnalyzerMs: Round(theirs),
            OverheadPercent: Round(r.Percent(theirs), 3),
            WallMs: baseline ? Round(Report.Median(set.WallMs)) : null,
            CpuMs: baseline ? Round(Report.Median(set.CpuMs)) : null,
            WallOverBaselinePercent: baseline ? Round(r.Percent(wallOver), 3) : null,
            CpuOverBaselinePercent: baseline ? Round(r.CpuPercent(cpuOver), 3) : null,
            Ratio: theirs > 0 ? Round(ours / theirs, 4) : null,
            DiagnosticCount: set.Diagnostics.Values.Sum(),
            AnalyzerExceptions: set.AnalyzerExceptions,
            Analyzers: set.Times.Select(t => new AnalyzerTime(t.Key, Round(Report.Median(t.Value)), Percent: null)).ToList());
    }

    /// <summary>An object whose members are the IDs in ordinal order.</summary>
    private static SortedDictionary<string, int> Ordered(IEnumerable<(string Id, int Count)> counts)
    {
        var ordered = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, count) in counts)
        {
            ordered[id] = count;
        }

        return ordered;
    }

    private static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    /// <summary>The whole report: IntervalNotifiers' analyzers first, then the context of the numbers, then the compared packages.</summary>
    private sealed record Document(
        [property: JsonPropertyName("corpus")] string Corpus,
        [property: JsonPropertyName("files")] int Files,
        [property: JsonPropertyName("lines")] int Lines,
        [property: JsonPropertyName("compileMs")] double CompileMs,
        [property: JsonPropertyName("analyzerMs")] double AnalyzerMs,
        [property: JsonPropertyName("overheadPercent")] double OverheadPercent,
        [property: JsonPropertyName("analyzers")] List<AnalyzerTime> Analyzers,
        [property: JsonPropertyName("diagnostics")] SortedDictionary<string, int> Diagnostics,
        [property: JsonPropertyName("analyzerExceptions")] int AnalyzerExceptions,
        [property: JsonPropertyName("parseMs")] double ParseMs,
        [property: JsonPropertyName("bindMs")] double BindMs,
        [property: JsonPropertyName("overheadPercentOfBind")] double OverheadPercentOfBind,
        [property: JsonPropertyName("compileMinMs")] double CompileMinMs,
        [property: JsonPropertyName("analyzerMinMs")] double AnalyzerMinMs,
        [property: JsonPropertyName("wallMs")] double? WallMs,
        [property: JsonPropertyName("cpuMs")] double? CpuMs,
        [property: JsonPropertyName("baselineWallMs")] double? BaselineWallMs,
        [property: JsonPropertyName("baselineCpuMs")] double? BaselineCpuMs,
        [property: JsonPropertyName("wallOverBaselinePercent")] double? WallOverBaselinePercent,
        [property: JsonPropertyName("cpuOverBaselinePercent")] double? CpuOverBaselinePercent,
        [property: JsonPropertyName("compileCpuMs")] double CompileCpuMs,
        [property: JsonPropertyName("repeat")] int Repeat,
        [property: JsonPropertyName("warmup")] int Warmup,
        [property: JsonPropertyName("idleMs")] int IdleMs,
        [property: JsonPropertyName("declareFirst")] bool DeclareFirst,
        [property: JsonPropertyName("runtimeReferenced")] bool RuntimeReferenced,
        [property: JsonPropertyName("concurrent")] bool Concurrent,
        [property: JsonPropertyName("compilerErrors")] int CompilerErrors,
        [property: JsonPropertyName("processorCount")] int ProcessorCount,
        [property: JsonPropertyName("serverGC")] bool ServerGC,
        [property: JsonPropertyName("expectedDiagnostics")] SortedDictionary<string, int>? ExpectedDiagnostics,
        [property: JsonPropertyName("compare")] List<Comparison> Compare,
        [property: JsonPropertyName("baselineAllocatedBytes")] long? BaselineAllocatedBytes,
        [property: JsonPropertyName("allocatedOverBaselineBytes")] SortedDictionary<string, long>? AllocatedOverBaselineBytes);

    /// <summary>One analyzer's median execution time; <c>percent</c> of the compile for ours only.</summary>
    private sealed record AnalyzerTime(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("ms")] double Ms,
        [property: JsonPropertyName("percent")] double? Percent);

    /// <summary>A compared package's analyzers.</summary>
    private sealed record Comparison(
        [property: JsonPropertyName("package")] string Package,
        [property: JsonPropertyName("analyzerCount")] int AnalyzerCount,
        [property: JsonPropertyName("analyzerMs")] double AnalyzerMs,
        [property: JsonPropertyName("overheadPercent")] double OverheadPercent,
        [property: JsonPropertyName("wallMs")] double? WallMs,
        [property: JsonPropertyName("cpuMs")] double? CpuMs,
        [property: JsonPropertyName("wallOverBaselinePercent")] double? WallOverBaselinePercent,
        [property: JsonPropertyName("cpuOverBaselinePercent")] double? CpuOverBaselinePercent,
        [property: JsonPropertyName("ratio")] double? Ratio,
        [property: JsonPropertyName("diagnosticCount")] int DiagnosticCount,
        [property: JsonPropertyName("analyzerExceptions")] int AnalyzerExceptions,
        [property: JsonPropertyName("analyzers")] List<AnalyzerTime> Analyzers);
}
