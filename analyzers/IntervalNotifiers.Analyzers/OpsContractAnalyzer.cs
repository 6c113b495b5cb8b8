using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Type-level rules over an ops type's whole chain below <c>IntervalNotifierOps</c>: NTF001 (start without
/// finish). Non-abstract ops types only, reported on the identifier of the type's first declaration.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OpsContractAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF001);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = NotifierTypes.TryCreate(start.Compilation);
            if (types is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, types), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, NotifierTypes types)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } type
            || !types.IsOpsType(type))
        {
            return;
        }

        var location = IdentifierLocation(type);
        if (location is null)
        {
            return;
        }

        if (types.Overrides(type, CallbackKind.InvalidateStart) && !types.Overrides(type, CallbackKind.InvalidateFinish))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF001, location, type.Name));
        }
    }

    /// <summary>The identifier of the type's first declaration in source (the first part of a partial type).</summary>
    internal static Location? IdentifierLocation(INamedTypeSymbol type)
    {
        Location? first = null;
        foreach (var location in type.Locations)
        {
            if (location.IsInSource && (first is null || IsBefore(location, first)))
            {
                first = location;
            }
        }

        return first;
    }

    private static bool IsBefore(Location a, Location b)
    {
        var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
        return byPath < 0 || (byPath == 0 && a.SourceSpan.Start < b.SourceSpan.Start);
    }
}
