using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF004 (docs/rules/NTF004.md): an ops type overrides both <c>Invalidate</c> and <c>InvalidateStart</c>, and the
/// start never falls back to <c>Invalidate</c> (then the runtime never calls it).
/// </summary>
public sealed partial class OpsContractAnalyzer
{
    private static void AnalyzeDeadInvalidate(SymbolAnalysisContext context, INamedTypeSymbol type, Location location,
                                              ChainOverrides chain)
    {
        if (chain.Invalidate is not null && chain.Start is not null
            && !StartFallsBackToInvalidate(chain.Start, chain.Invalidate, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF004, location, type.Name));
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
}
