using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF006 (docs/rules/NTF006.md): <c>InvalidateStart</c> hands out a non-null finish on a path that returns false,
/// and the runtime never finishes it. The question is asked of <see cref="FinishOnFalseReturnFlow"/>; the cheap
/// shapes that cannot offend are ruled out first by <see cref="FinishOnFalseReturnPrefilter"/>.
/// </summary>
public sealed partial class CallbackFlowAnalyzer
{
    private void AnalyzeFinishOnFalseReturn(SymbolAnalysisContext context, NotifierTypes types, IMethodSymbol method,
                                            MethodBody body, CallbackOperations operations)
    {
        var finish = method.Parameters.FirstOrDefault(p => p.RefKind == RefKind.Out && types.IsFinishType(p.Type));

        // Only a return that can yield a literal false is judged (a false computed otherwise is not this rule's).
        if (finish is null || !operations.MayReturnConstant(false))
        {
            return;
        }

        if (_prefilters && FinishOnFalseReturnPrefilter.RulesOut(operations, finish))
        {
            return;
        }

        // Structured code: the operation tree proves it silent without a graph (NTF006.FinishOnFalseReturn.Tree.cs).
        if (_prefilters && FinishOnFalseReturnTree.ProvesSilent(types, body, operations, finish))
        {
            _work?.Count("NTF006 tree");
            return;
        }

        _work?.Graph("NTF006 graph", body);
        var cfg = body.GetControlFlowGraph();
        if (cfg is null)
        {
            return;
        }

        var flow = new FinishOnFalseReturnFlow(types, finish);
        foreach (var statement in OnePerLine(flow.OffendingReturns(cfg, context.CancellationToken)))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF006, ReturnSites.LocationOf(statement),
                                                       ReturnFalseProperties(statement, FinishProperty, finish.Name)));
        }
    }
}
