// Shared by bench/IntervalNotifiers.AnalyzerBench and the BenchmarkDotNet analyzer benchmarks (linked into both).
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>How the bench compiles a corpus: one C# library compilation, newest language, nullable on.</summary>
public static class CorpusCompilation
{
    /// <summary>The newest language this compiler knows, so that any corpus parses.</summary>
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Preview);

    /// <summary>Parses every file (path, text).</summary>
    public static ImmutableArray<SyntaxTree> Parse(IEnumerable<(string Path, string Text)> files, CancellationToken cancellationToken = default)
        => files.Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, f.Path, cancellationToken: cancellationToken))
                .ToImmutableArray();

    /// <summary>A fresh compilation of <paramref name="trees"/> (no binding shared with any earlier one).</summary>
    public static CSharpCompilation Create(IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references,
                                           bool concurrentBuild = false)
        => CSharpCompilation.Create(
            "Corpus",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                                         nullableContextOptions: NullableContextOptions.Enable,
                                         concurrentBuild: concurrentBuild,
                                         allowUnsafe: true));

    /// <summary>Options that record each analyzer's execution time and route analyzer exceptions (AD0001) to <paramref name="onException"/>.</summary>
    public static CompilationWithAnalyzersOptions AnalyzerOptions(Action<Exception, DiagnosticAnalyzer, Diagnostic>? onException,
                                                                  bool concurrentAnalysis = false)
        => new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onException,
            concurrentAnalysis: concurrentAnalysis,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);

    /// <summary>
    /// Compiles <paramref name="trees"/> afresh (every method body bound, as a build does) with
    /// <paramref name="analyzers"/> attached, and returns the compiler's and the analyzers' diagnostics.
    /// </summary>
    public static Task<ImmutableArray<Diagnostic>> CompileAndAnalyzeAsync(IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references,
                                                                ImmutableArray<DiagnosticAnalyzer> analyzers,
                                                                Action<Exception, DiagnosticAnalyzer, Diagnostic>? onException = null,
                                                                CancellationToken cancellationToken = default)
        => Create(trees, references)
            .WithAnalyzers(analyzers, AnalyzerOptions(onException))
            .GetAllDiagnosticsAsync(cancellationToken);
}

// The bench is a host, not an analyzer package: the analyzer-authoring rules (target framework, release
// tracking, extended rules) do not apply to this do-nothing analyzer.
#pragma warning disable RS1036, RS1041, RS2008

/// <summary>
/// An analyzer with no actions: the baseline the analyzer benchmarks are measured against. Created with
/// <c>askForOperationTrees</c>, it asks the driver for the operation tree of every body and does nothing with it:
/// the cost any analyzer with a compilation-wide operation action makes the driver pay (binding each body again
/// through a semantic model), a second baseline for allocations.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private readonly bool _askForOperationTrees;

    public EmptyAnalyzer()
    {
    }

    public EmptyAnalyzer(bool askForOperationTrees) => _askForOperationTrees = askForOperationTrees;

    private static readonly DiagnosticDescriptor Never = new DiagnosticDescriptor(
        "BENCH000", "Never reported", "Never reported", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        if (_askForOperationTrees)
        {
            context.RegisterOperationBlockAction(static _ => { });
        }
    }
}

