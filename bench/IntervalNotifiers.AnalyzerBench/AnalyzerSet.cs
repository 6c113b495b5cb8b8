using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>The analyzers of one source (ours, or a compared package) and what was measured of them.</summary>
internal sealed class AnalyzerSet
{
    public AnalyzerSet(string name, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        Name = name;
        Analyzers = analyzers;
        foreach (var analyzer in analyzers)
        {
            Times[BenchRunner.Name(analyzer)] = new List<double>();
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

    /// <summary>Every diagnostic of the set's own IDs (last measured run), as "file(line): ID message", with --list.</summary>
    public List<string> Listed { get; } = new();

    public int AnalyzerExceptions { get; set; }
    public List<string> ExceptionSamples { get; } = new();
}
