using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF007 (docs/rules/NTF007.md): <c>Invalidate</c> or <c>InvalidateStart</c> can return false while
/// <c>range.IsBlockable</c> is true. The question is asked of <see cref="BlockableFlow"/>; the cheap shapes that
/// cannot offend are ruled out first by <see cref="BlockableReturnPrefilter"/>.
/// </summary>
public sealed partial class CallbackFlowAnalyzer
{
    private void AnalyzeBlockableReturn(SymbolAnalysisContext context, NotifierTypes types, IMethodSymbol method,
                                        MethodBody body, CallbackOperations operations)
    {
        var range = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, types.Range));
        if (range is null || types.RangeIsBlockable is null)
        {
            return;
        }

        if (_prefilters && BlockableReturnPrefilter.RulesOut(types, range, operations))
        {
            _work?.Count("NTF007 prefilter");
            return;
        }

        // A read of IsBlockable the flow cannot follow (passed on, stored) makes the whole callback opaque: silent.
        var flow = new BlockableFlow(types, range);
        if (!flow.UnderstandsEveryRead(operations.All))
        {
            return;
        }

        // Structured code: the operation tree proves it silent without a graph (NTF007.BlockableFlow.Tree.cs).
        if (_prefilters && flow.TreeProvesSilent(body, operations))
        {
            _work?.Count("NTF007 tree");
            return;
        }

        _work?.Graph("NTF007 graph", body);
        if (body.GetControlFlowGraph() is not { } cfg)
        {
            return;
        }

        foreach (var statement in OnePerLine(flow.OffendingReturns(cfg, context.CancellationToken)))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF007, ReturnSites.LocationOf(statement),
                                                       ReturnFalseProperties(statement, RangeProperty, range.Name), method.Name));
        }
    }
}
