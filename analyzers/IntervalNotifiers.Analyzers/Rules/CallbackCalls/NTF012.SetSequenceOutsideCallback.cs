using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF012 (docs/rules/NTF012.md): <c>SetSequence</c> called outside an invalidate callback.</summary>
public sealed partial class CallbackCallsAnalyzer
{
    private static void AnalyzeSetSequence(SymbolAnalysisContext context, TypeBodies bodies, MethodBody body,
                                           IInvocationOperation invocation, ref HashSet<ISymbol>? reachedFromInvalidate)
    {
        var membership = bodies.MembershipOf(body.Owner);
        if ((membership & CallbackKind.InvalidateCallbacks) != 0)
        {
            return; // inside an invalidate callback or one of its helpers
        }

        if (membership == CallbackKind.InvalidateFinish
            || IsOutsideEveryInvalidateCallback(body.Owner, invocation, bodies,
                                                reachedFromInvalidate ??= ReachedFromInvalidate(bodies)))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF012, ReportLocation(invocation.Syntax)));
        }
    }

    /// <summary>
    /// Whether a <c>SetSequence</c> in <paramref name="owner"/> (which is no callback nor part of one) surely runs
    /// outside every invalidate callback. Silent when the analysis cannot tell: a member reached from an
    /// invalidate callback of the type; a method that hands on the sequence its own caller passed in (a shared
    /// helper of callbacks, maybe in other types); a private method that nothing in the type calls, that is
    /// made into a delegate or called from a lambda; an internal method (its callers may be in other types).
    /// </summary>
    private static bool IsOutsideEveryInvalidateCallback(ISymbol owner, IInvocationOperation invocation,
                                                         TypeBodies bodies, HashSet<ISymbol> reachedFromInvalidate)
    {
        if (reachedFromInvalidate.Contains(TypeBodies.Key(owner)))
        {
            return false;
        }

        if (owner is not IMethodSymbol method)
        {
            return true; // a field or property initializer
        }

        if (SequenceComesFromParameter(invocation, method))
        {
            return false;
        }

        switch (method.DeclaredAccessibility)
        {
            case Accessibility.Private when method.MethodKind == MethodKind.Ordinary:
                var calls = bodies.CallsTo(method);
                if (calls.Count == 0 || bodies.IsReferencedAsDelegate(method))
                {
                    return false;
                }

                foreach (var (_, call) in calls)
                {
                    if (OperationFacts.IsDeferred(call))
                    {
                        return false;
                    }
                }

                return true;
            case Accessibility.Public:
            case Accessibility.Protected:
            case Accessibility.ProtectedOrInternal:
                return true;
            default:
                return false;
        }
    }

    private static bool SequenceComesFromParameter(IInvocationOperation invocation, IMethodSymbol method)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.StripConversions(argument.Value) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The members of the type that an invalidate callback of the type calls, directly or through others.</summary>
    private static HashSet<ISymbol> ReachedFromInvalidate(TypeBodies bodies)
    {
        var reached = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var methods = new List<IMethodSymbol>();
        foreach (var body in bodies.Bodies)
        {
            if (body.Owner is IMethodSymbol method)
            {
                methods.Add((IMethodSymbol)TypeBodies.Key(method));
                if ((bodies.Types.GetCallbackKind(method) & CallbackKind.InvalidateCallbacks) != 0)
                {
                    reached.Add(TypeBodies.Key(method));
                }
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var method in methods)
            {
                if (reached.Contains(method))
                {
                    continue;
                }

                foreach (var (caller, _) in bodies.CallsTo(method))
                {
                    if (reached.Contains(caller))
                    {
                        reached.Add(method);
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);

        return reached;
    }
}
