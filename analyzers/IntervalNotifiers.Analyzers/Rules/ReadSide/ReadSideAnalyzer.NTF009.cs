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
    private static void RegisterUncheckedReadBegin(CompilationStartAnalysisContext start, NotifierTypes types)
        => start.RegisterOperationAction(context => AnalyzeReadBegin(context, types), OperationKind.Invocation);

    private static void AnalyzeReadBegin(OperationAnalysisContext context, NotifierTypes types)
    {
        if (context.Operation is IInvocationOperation invocation
            && ReadSideOperations.IsNotifierMethod(types, invocation.TargetMethod, "ReadBegin")
            && UncheckedReadBegin.IsUnchecked(invocation))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF009, invocation.Syntax.GetLocation()));
        }
    }
}
