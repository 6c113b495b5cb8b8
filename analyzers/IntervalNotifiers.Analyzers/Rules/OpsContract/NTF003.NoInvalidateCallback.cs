using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF003 (docs/rules/NTF003.md): an ops type overrides neither <c>Invalidate</c> nor <c>InvalidateStart</c>.</summary>
public sealed partial class OpsContractAnalyzer
{
    private static void AnalyzeNoInvalidateCallback(SymbolAnalysisContext context, INamedTypeSymbol type, Location location,
                                                    ChainOverrides chain)
    {
        if (chain.Invalidate is null && chain.Start is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF003, location, type.Name));
        }
    }
}
