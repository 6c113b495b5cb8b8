using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Type-level rules over an ops type's whole chain below <c>IntervalNotifierOps</c>: NTF001 (start without
/// finish), NTF003 (no invalidate callback), NTF004 (dead Invalidate beside a start), NTF005 (finish without
/// start). Non-abstract ops types only, reported on the identifier of the type's first declaration
/// (docs/contract.md#overrides-and-ops-types). Each rule's check is in Rules/OpsContract/NTFnnn.*.cs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class OpsContractAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF001, Descriptors.NTF003, Descriptors.NTF004, Descriptors.NTF005);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, types), SymbolKind.NamedType);
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

        var chain = new ChainOverrides(types.FindOverride(type, CallbackKind.Invalidate),
                                       types.FindOverride(type, CallbackKind.InvalidateStart),
                                       types.FindOverride(type, CallbackKind.InvalidateFinish));
        AnalyzeStartWithoutFinish(context, type, location, chain);
        AnalyzeNoInvalidateCallback(context, type, location, chain);
        AnalyzeDeadInvalidate(context, type, location, chain);
        AnalyzeFinishWithoutStart(context, type, location, chain);
    }

    /// <summary>The most-derived overrides of the three callbacks in an ops type's chain (null: not overridden).</summary>
    private readonly struct ChainOverrides
    {
        public ChainOverrides(IMethodSymbol? invalidate, IMethodSymbol? start, IMethodSymbol? finish)
        {
            Invalidate = invalidate;
            Start = start;
            Finish = finish;
        }

        public IMethodSymbol? Invalidate { get; }

        public IMethodSymbol? Start { get; }

        public IMethodSymbol? Finish { get; }
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
