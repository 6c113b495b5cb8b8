using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// The read side of the sequence protocol (the kernel's <c>mmu_interval_read_begin</c> /
/// <c>mmu_interval_read_retry</c>): NTF009 (a ReadBegin result never checked, <c>ReadSideAnalyzer.NTF009.cs</c>) and
/// NTF010 (ReadRetry outside any lock, or under another lock than the one the ops type holds around SetSequence,
/// <c>ReadSideAnalyzer.NTF010.cs</c>).
/// </summary>
/// <remarks>
/// NTF009 and the "outside any lock" case of NTF010 are judged inside one method (a private helper takes
/// the locks of its callers in the same type). The "different lock" case ties readers and ops types of
/// the whole compilation and is reported at the compilation's end, through <see cref="Descriptors.NTF010CompilationEnd"/>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class ReadSideAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF009, Descriptors.NTF010, Descriptors.NTF010CompilationEnd);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        // One registration per type for both rules, and one invocation action for a type that both check: each rule's
        // text filter decides whether it takes part (ReadSideAnalyzer.NTF009.cs, ReadSideAnalyzer.NTF010.cs).
        var names = SourceNames.For(start.Compilation);
        var retryLocks = new RetryLocks(start.Compilation, types);
        start.RegisterCompilationEndAction(retryLocks.ReportDifferentLocks);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol type)
            {
                return;
            }

            var checksReadBegin = MayCallReadBegin(names, type, symbolStart.CancellationToken);
            var typeSites = retryLocks.SitesOf(type, symbolStart.CancellationToken);
            if (typeSites is null)
            {
                if (checksReadBegin)
                {
                    symbolStart.RegisterOperationAction(context => AnalyzeReadBegin(context, types, type), OperationKind.Invocation);
                }

                return;
            }

            symbolStart.RegisterOperationAction(checksReadBegin
                ? context =>
                {
                    AnalyzeReadBegin(context, types, type);
                    typeSites.OnInvocation(context);
                }
                : typeSites.OnInvocation, OperationKind.Invocation);
            symbolStart.RegisterOperationAction(typeSites.OnMethodReference, OperationKind.MethodReference);
            symbolStart.RegisterSymbolEndAction(typeSites.OnEnd);
        }, SymbolKind.NamedType);
    }
}
