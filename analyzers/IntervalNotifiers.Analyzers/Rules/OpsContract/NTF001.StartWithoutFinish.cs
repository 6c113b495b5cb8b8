using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF001 (docs/rules/NTF001.md): an ops type overrides <c>InvalidateStart</c> but not <c>InvalidateFinish</c>.</summary>
public sealed partial class OpsContractAnalyzer
{
    private static void AnalyzeStartWithoutFinish(SymbolAnalysisContext context, INamedTypeSymbol type, Location location,
                                                  ChainOverrides chain)
    {
        if (chain.Start is not null && chain.Finish is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF001, location, type.Name));
        }
    }
}
