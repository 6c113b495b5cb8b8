using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// Calls into source methods of other types (docs/contract.md#calls-followed-through-source): judged by the callee's
/// <see cref="KeepSummaries"/>, and by the receiver when the callee keeps the finish only in its own object.
/// </summary>
internal sealed partial class EscapeWalk
{
    private Escape? SourceCallEscape(IArgumentOperation argument, IMethodSymbol callee, IParameterSymbol parameter, MethodBody? body, int depth)
    {
        var kept = _summaries.WhatKeeps(callee, parameter.Ordinal);
        if (kept is null)
        {
            return null;
        }

        var call = argument.Parent;
        var typeName = TypeName(callee.ContainingType);
        if (callee.MethodKind == MethodKind.Constructor)
        {
            if (!kept.InReceiver)
            {
                return kept.After(EscapeKind.PassedToMethod, "passed to 'new " + typeName + "', where it is ");
            }

            if (call is not IObjectCreationOperation creation)
            {
                // ': this(f)' or ': base(f)': the object being constructed keeps it.
                return kept.After(EscapeKind.PassedToMethod, "passed to '" + typeName + "', where it is ").WithInReceiver(true);
            }

            var objectEscape = ContainerEscape(creation, body, depth + 1);
            return objectEscape?.After(EscapeKind.InEscapingObject, "put in a new '" + typeName + "' that is ");
        }

        var words = "passed to '" + CalleeName(callee) + "', where it is ";
        if (!kept.InReceiver || callee.IsStatic || call is not IInvocationOperation { Instance: { } instance })
        {
            return kept.After(EscapeKind.PassedToMethod, words).WithInReceiver(false);
        }

        var receiver = Unwrap(instance);
        switch (receiver)
        {
            case IObjectCreationOperation newReceiver:
            {
                var escape = ContainerEscape(newReceiver, body, depth + 1);
                return escape is null ? null : kept.Then(EscapeKind.InEscapingObject, " of a new '" + typeName + "' that is ", escape).After(EscapeKind.PassedToMethod, words);
            }

            case ILocalReferenceOperation local when local.Local.Type.IsValueType || IsLocalCollection(local.Local, body):
            {
                var escape = LocalEscape(local.Local, body, depth + 1);
                return escape is null ? null : kept.Then(EscapeKind.InEscapingObject, " of a local '" + typeName + "' that is ", escape).After(EscapeKind.PassedToMethod, words);
            }

            default:
                return _stores.IsOwnedByFinish(receiver)
                    ? null
                    : kept.After(EscapeKind.PassedToMethod, words).WithInReceiver(StoreTargets.IsReceiverState(receiver));
        }
    }

    /// <summary>Whether a storing call stores into the state of the method's receiver (<c>_entries.Add(x)</c>, <c>Interlocked.Exchange(ref _last, x)</c>).</summary>
    private static bool StoresIntoReceiverState(IOperation? call, bool isAtomicStore)
    {
        if (call is not IInvocationOperation invocation)
        {
            return false;
        }

        if (!isAtomicStore)
        {
            return StoreTargets.IsReceiverState(invocation.Instance);
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { RefKind: RefKind.Ref } && argument.Value is not null)
            {
                return Unwrap(argument.Value) switch
                {
                    IFieldReferenceOperation { Field.IsStatic: false } field => StoreTargets.IsReceiverState(field.Instance),
                    IArrayElementReferenceOperation element => StoreTargets.IsReceiverState(element.ArrayReference),
                    _ => false,
                };
            }
        }

        return false;
    }
}
