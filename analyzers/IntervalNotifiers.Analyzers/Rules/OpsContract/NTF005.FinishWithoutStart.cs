using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF005 (docs/rules/NTF005.md): an ops type overrides <c>InvalidateFinish</c> but not <c>InvalidateStart</c>.</summary>
public sealed partial class OpsContractAnalyzer
{
    private static void AnalyzeFinishWithoutStart(SymbolAnalysisContext context, INamedTypeSymbol type, Location location,
                                                  ChainOverrides chain)
    {
        if (chain.Finish is not null && chain.Start is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF005, location, type.Name));
        }
    }
}
