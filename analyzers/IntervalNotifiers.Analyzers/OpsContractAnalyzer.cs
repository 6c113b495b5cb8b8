using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Type-level rules over an ops type's whole chain below <c>IntervalNotifierOps</c>: NTF001 (start without
/// finish), NTF003 (no invalidate callback), NTF004 (dead Invalidate beside a start), NTF005 (finish without
/// start). Non-abstract ops types only, reported on the identifier of the type's first declaration.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OpsContractAnalyzer : NotifierAnalyzer
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

        var invalidate = types.FindOverride(type, CallbackKind.Invalidate);
        var start = types.FindOverride(type, CallbackKind.InvalidateStart);
        var finish = types.FindOverride(type, CallbackKind.InvalidateFinish);

        if (start is not null && finish is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF001, location, type.Name));
        }

        if (invalidate is null && start is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF003, location, type.Name));
        }

        if (invalidate is not null && start is not null
            && !StartFallsBackToInvalidate(start, invalidate, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF004, location, type.Name));
        }

        if (finish is not null && start is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF005, location, type.Name));
        }
    }

    /// <summary>
    /// Whether the start (or a method of its class that it calls, transitively) calls the chain's
    /// <paramref name="invalidate"/>: a virtual call (<c>Invalidate(...)</c>, <c>this.Invalidate(...)</c>, a
    /// method group) always reaches it; <c>base.Invalidate(...)</c> reaches it only when it is declared above
    /// the start's class. Syntactic and by name, so it errs towards "yes" (silence). A start without source
    /// (declared in metadata) cannot be seen: "yes".
    /// </summary>
    internal static bool StartFallsBackToInvalidate(IMethodSymbol start, IMethodSymbol invalidate,
                                                    CancellationToken cancellationToken)
    {
        if (start.DeclaringSyntaxReferences.IsEmpty)
        {
            return true;
        }

        var startClass = start.ContainingType;
        var baseCallReaches = IsStrictBase(invalidate.ContainingType, startClass);
        var visited = new HashSet<SyntaxNode>();
        var pending = new Stack<SyntaxNode>();
        foreach (var reference in start.DeclaringSyntaxReferences)
        {
            pending.Push(reference.GetSyntax(cancellationToken));
        }

        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!visited.Add(node))
            {
                continue;
            }

            foreach (var name in node.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var text = name.Identifier.ValueText;
                if (text == "Invalidate")
                {
                    if (!IsBaseAccess(name) || baseCallReaches)
                    {
                        return true;
                    }

                    continue;
                }

                if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name
                    && access.Expression is not ThisExpressionSyntax and not BaseExpressionSyntax)
                {
                    continue; // a member of another object: not a method of the start's class
                }

                // A call of a method of the start's class (or of its bases, in source): follow it.
                for (var t = startClass; t is not null; t = t.BaseType)
                {
                    foreach (var member in t.GetMembers(text))
                    {
                        if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                        {
                            foreach (var reference in method.DeclaringSyntaxReferences)
                            {
                                pending.Push(reference.GetSyntax(cancellationToken));
                            }
                        }
                    }
                }
            }
        }

        return false;
    }

    private static bool IsBaseAccess(SimpleNameSyntax name)
        => name.Parent is MemberAccessExpressionSyntax access && access.Name == name
           && access.Expression is BaseExpressionSyntax;

    private static bool IsStrictBase(INamedTypeSymbol candidate, INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, candidate.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
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
