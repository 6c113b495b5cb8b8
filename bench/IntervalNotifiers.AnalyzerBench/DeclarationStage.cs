using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

// A host's helper, not a shipped analyzer: the analyzer-authoring rules (target framework, release tracking,
// concurrency and generated-code settings, a start action that registers nothing) do not apply to it.
#pragma warning disable RS1012, RS1025, RS1026, RS1036, RS1041, RS2008

/// <summary>
/// --declare-first: placed before the measured analyzers, it completes the compiler's declaration stage (every source
/// symbol, its base types and member lists) in its compilation-start action, on the compilation the driver analyzes.
/// csc runs that stage on its own thread while the driver starts, so in a build this work is the compiler's whoever asks
/// first; without it the telemetry charges it to the first of our analyzers that asks for a type list or a base type.
/// </summary>
/// <remarks>
/// It must run inside the driver: <c>WithAnalyzers</c> analyzes a copy of the compilation with its own symbols, so
/// completing the compilation handed to it changes nothing (what the option did until 2026-12-07, see bench/README.md).
/// Its own time is not counted (the tool sums our analyzers only).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DeclarationStage : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new(
        "BENCH001", "Never reported", "Never reported", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
        => context.RegisterCompilationStartAction(static start => _ = start.Compilation.GetDeclarationDiagnostics(start.CancellationToken));
}
