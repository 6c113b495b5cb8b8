using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF009 (docs/rules/NTF009.md): a <c>ReadBegin()</c> result that no ReadRetry or CheckRetry reads.</summary>
public sealed partial class ReadSideAnalyzer
{
    /// <summary>
    /// Per type: a type whose declarations never spell <c>ReadBegin</c> cannot call it (Speed/SourceNames.cs), so the rule
    /// registers nothing for it and the driver hands none of its operations to this rule. A nested type is judged with
    /// its own registration; a call is judged only by the registration of the type that declares its member, so it is
    /// reported once whichever types' operations the driver hands to a registration (NTF009PerTypeTests).
    /// </summary>
    private static bool MayCallReadBegin(SourceNames names, INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        => names.MayName(type, SourceNames.ReadBegin, cancellationToken);

    private static void AnalyzeReadBegin(OperationAnalysisContext context, NotifierTypes types, INamedTypeSymbol type)
    {
        if (context.Operation is IInvocationOperation invocation
            && SymbolEqualityComparer.Default.Equals(context.ContainingSymbol.ContainingType, type)
            && ReadSideOperations.IsNotifierMethod(types, invocation.TargetMethod, "ReadBegin")
            && UncheckedReadBegin.IsUnchecked(invocation))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF009, invocation.Syntax.GetLocation()));
        }
    }
}
