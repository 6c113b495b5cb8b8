using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Infrastructure;
using IntervalNotifiers.Analyzers.ReadSide;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// The read side of the sequence protocol (the kernel's <c>mmu_interval_read_begin</c> /
/// <c>mmu_interval_read_retry</c>): NTF009 (a ReadBegin result never checked) and NTF010 (ReadRetry outside
/// any lock, or under another lock than the one the ops type holds around SetSequence).
/// </summary>
/// <remarks>
/// NTF009 and the "outside any lock" case of NTF010 are judged inside one method (a private helper takes
/// the locks of its callers in the same type). The "different lock" case ties readers and ops types of
/// the whole compilation and is reported at the compilation's end.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReadSideAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF009, Descriptors.NTF010);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        start.RegisterOperationAction(operationContext => AnalyzeReadBegin(operationContext, types), OperationKind.Invocation);

        var regions = new LockRegions(start.Compilation, types.Notifier);
        var sites = new SequenceSites();
        var aliases = new LockAliases();
        start.RegisterOperationAction(aliases.OnOperation, OperationKind.SimpleAssignment, OperationKind.FieldInitializer,
                                      OperationKind.PropertyInitializer);
        // A type whose files never spell ReadRetry nor SetSequence has no NTF010 site (the calls of its private
        // helpers matter only around such a site): nothing is registered for it.
        var names = SourceNames.For(start.Compilation);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol type || !names.MayName(type, SourceNames.ReadRetry | SourceNames.SetSequence, symbolStart.CancellationToken))
            {
                return;
            }

            var typeSites = new TypeSequenceSites(type, types, regions, sites);
            symbolStart.RegisterOperationAction(typeSites.OnInvocation, OperationKind.Invocation);
            symbolStart.RegisterOperationAction(typeSites.OnMethodReference, OperationKind.MethodReference);
            symbolStart.RegisterSymbolEndAction(typeSites.OnEnd);
        }, SymbolKind.NamedType);
        start.RegisterCompilationEndAction(end => sites.ReportDifferentLocks(end, aliases));
    }

    private static void AnalyzeReadBegin(OperationAnalysisContext context, NotifierTypes types)
    {
        if (context.Operation is IInvocationOperation invocation
            && ReadSideOperations.IsNotifierMethod(types, invocation.TargetMethod, "ReadBegin")
            && ReadBeginUse.IsUnchecked(invocation))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF009, invocation.Syntax.GetLocation()));
        }
    }
}
