using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>Captures: a finish captured by a lambda or local function escapes when the delegate does.</summary>
internal sealed partial class EscapeWalk
{
    /// <summary>
    /// When <paramref name="reference"/> is a capture inside a lambda or local function of <paramref name="body"/> that
    /// escapes, the escape for it.
    /// </summary>
    private Escape? CaptureEscape(IOperation reference, MethodBody? body, int depth)
    {
        var symbol = reference switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (symbol is null)
        {
            return null;
        }

        for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Kind is not (OperationKind.AnonymousFunction or OperationKind.LocalFunction))
            {
                continue; // the kind first: cheaper than the type tests below on every parent
            }

            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    if (IsDeclaredInside(symbol, lambda.Syntax))
                    {
                        return null;
                    }

                    if (DelegateEscape(lambda, body, depth + 1) is { } lambdaEscape)
                    {
                        return lambdaEscape.CapturedBy(EscapeKind.CapturedByLambda, "captured by a lambda that is ", lambda);
                    }

                    break;
                case ILocalFunctionOperation localFunction:
                    if (IsDeclaredInside(symbol, localFunction.Syntax))
                    {
                        return null;
                    }

                    if (LocalFunctionEscape(localFunction.Symbol, body, depth + 1) is { } functionEscape)
                    {
                        return functionEscape.CapturedBy(EscapeKind.CapturedByLocalFunction,
                            "captured by the local function '" + localFunction.Symbol.Name + "' that is ", localFunction);
                    }

                    break;
            }
        }

        return null;
    }

    private Escape? LocalFunctionEscape(IMethodSymbol localFunction, MethodBody? body, int depth)
    {
        if (body is null)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.MethodReference && operation is IMethodReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.OriginalDefinition))
            {
                var escape = DelegateEscape(reference, body, depth);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    /// <summary>Where a delegate (a lambda, a method group, or a use of a local holding one) goes.</summary>
    private Escape? DelegateEscape(IOperation function, MethodBody? body, int depth)
    {
        if (depth > MaxDepth + 1)
        {
            return null;
        }

        var (consumer, child) = Climb(function);
        switch (consumer)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                if (Unwrap(assignment.Target) is ILocalReferenceOperation local)
                {
                    return LocalDelegateEscape(local.Local, body, depth);
                }

                return _stores.StoreTarget(assignment.Target);
            case ICoalesceAssignmentOperation assignment when assignment.Value == child:
                return _stores.StoreTarget(assignment.Target);
            case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                return LocalDelegateEscape(declarator.Symbol, body, depth);
            case IEventAssignmentOperation { Adds: true } eventAssignment when eventAssignment.HandlerValue == child:
                return Escape.Of(EscapeKind.SubscribedToEvent, eventAssignment.EventReference is IEventReferenceOperation eventReference
                    ? "subscribed to the event '" + eventReference.Event.Name + "'"
                    : "subscribed to an event");
            case IReturnOperation:
                // Back to the caller, whose use of the delegate is judged at the call (ReturnedCaptureEscape).
                return null;
            case IArgumentOperation argument when argument.Value == child:
                return ArgumentEscape(argument, body, depth, isDelegate: true);
            case ICompoundAssignmentOperation compound when compound.Value == child:
                return _stores.StoreTarget(compound.Target);
            default:
                return null;
        }
    }

    private Escape? LocalDelegateEscape(ILocalSymbol local, MethodBody? body, int depth)
    {
        if (body is null || depth > MaxDepth)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.LocalReference && operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && !IsWriteTarget(reference))
            {
                var escape = CaptureEscape(reference, body, depth + 1) ?? DelegateEscape(reference, body, depth + 1);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// When <paramref name="call"/> calls a method of this type that returns a delegate capturing one of its
    /// finish parameters, and the delegate the call returns escapes from <paramref name="body"/>, the escape for it.
    /// </summary>
    public Escape? ReturnedCaptureEscape(IInvocationOperation call, MethodBody body)
    {
        var callee = call.TargetMethod;
        if (_scope is null || callee.ReturnType.TypeKind != TypeKind.Delegate || !_scope.IsOwnMethod(callee))
        {
            return null;
        }

        var passesFinish = false;
        foreach (var argument in call.Arguments)
        {
            passesFinish |= argument.Value is not null && _types.IsFinishType(Unwrap(argument.Value).Type);
        }

        var calleeBody = passesFinish ? _scope.FindBody(callee) : null;
        if (calleeBody is null || !ReturnsCapturingDelegate(calleeBody))
        {
            return null;
        }

        return DelegateEscape(call, body, 1)?.After(EscapeKind.CapturedByReturnedLambda,
            "captured by a lambda that '" + callee.Name + "' returns, which is ");
    }

    private bool ReturnsCapturingDelegate(MethodBody body)
    {
        foreach (var operation in body.Operations())
        {
            if (operation.Kind is not (OperationKind.Return or OperationKind.YieldReturn or OperationKind.YieldBreak)
                || operation is not IReturnOperation { ReturnedValue: { } value }
                || OperationFacts.IsInsideFunction(operation))
            {
                continue;
            }

            value = Unwrap(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = creation.Target;
            }

            if (value is IAnonymousFunctionOperation lambda)
            {
                foreach (var inner in lambda.Descendants())
                {
                    if (inner is IParameterReferenceOperation reference && _types.IsFinishType(reference.Type)
                        && !IsDeclaredInside(reference.Parameter, lambda.Syntax))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
