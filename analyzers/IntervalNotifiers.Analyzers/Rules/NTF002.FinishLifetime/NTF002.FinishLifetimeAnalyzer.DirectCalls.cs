using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF002: <c>InvalidateFinish</c> called (or made into a delegate) by user code.</summary>
public sealed partial class FinishLifetimeAnalyzer
{
    private static Diagnostic? CheckInvalidateFinishCall(NotifierTypes types, IOperation operation, IMethodSymbol? target, ISymbol owner,
                                                         BodyFacts? facts = null)
    {
        if (!IsInvalidateFinish(types, target))
        {
            return null;
        }

        if (operation is IInvocationOperation { Instance.Syntax: BaseExpressionSyntax }
            && owner is IMethodSymbol method
            && (types.GetCallbackKind(method) == CallbackKind.InvalidateFinish || facts?.Membership == CallbackKind.InvalidateFinish))
        {
            return null; // base.InvalidateFinish(finish) inside an override, or inside a helper called only from it
        }

        if (IsForwardedFinish(types, operation, owner))
        {
            return null; // a wrapper's finish handing its own finish on to the ops it wraps: still once per finish pass
        }

        return Create(operation.Syntax, KindCall,
            "InvalidateFinish is called directly, but only the runtime's finish pass may call it, once for each finish a start handed out: remove this call");
    }

    /// <summary>Whether <paramref name="target"/> is <c>InvalidateFinish</c> or an override of it.</summary>
    private static bool IsInvalidateFinish(NotifierTypes types, IMethodSymbol? target)
        => target is not null
           && (NotifierTypes.Is(target, types.InvalidateFinish) || types.GetCallbackKind(target) == CallbackKind.InvalidateFinish);

    /// <summary>
    /// <c>_inner.InvalidateFinish(finish)</c> inside an <c>InvalidateFinish</c> override, on another ops object, with
    /// the override's own <c>finish</c> parameter: a decorator or multiplexer forwarding the runtime's finish pass to
    /// the ops it wraps (whose start it forwarded too). It runs once for each finish the runtime finishes.
    /// </summary>
    private static bool IsForwardedFinish(NotifierTypes types, IOperation operation, ISymbol owner)
    {
        if (operation is not IInvocationOperation { Instance: { } instance } invocation
            || owner is not IMethodSymbol method || types.GetCallbackKind(method) != CallbackKind.InvalidateFinish
            || Unwrap(instance) is IInstanceReferenceOperation)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Value is not null && Unwrap(argument.Value) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method))
            {
                return true;
            }
        }

        return false;
    }
}
