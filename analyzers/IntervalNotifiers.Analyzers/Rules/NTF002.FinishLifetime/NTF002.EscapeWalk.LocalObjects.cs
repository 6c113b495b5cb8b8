using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>Objects and collections made in the pass: a finish stored in them escapes only when they do.</summary>
internal sealed partial class EscapeWalk
{
    /// <summary>
    /// Whether a storing call keeps the finish only in something local to the pass: an atomic store into a local
    /// or into the finish's own field, or <c>Add</c>/<c>Enqueue</c>/... on a local collection created in the method
    /// (like a local array, it dies with the pass unless it goes somewhere else, which is not followed).
    /// </summary>
    private bool StoresIntoLocal(IOperation? call, MethodBody? body, bool isAtomicStore)
    {
        if (call is not IInvocationOperation invocation)
        {
            return false;
        }

        if (isAtomicStore)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { RefKind: RefKind.Ref } && argument.Value is not null)
                {
                    return _stores.StoreTarget(argument.Value) is null && Unwrap(argument.Value) is ILocalReferenceOperation or IFieldReferenceOperation;
                }
            }

            return false;
        }

        if (invocation.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            // A collection initializer: '{ f }' adds to the collection being created; judge where that goes.
            for (var parent = invocation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IObjectCreationOperation creation)
                {
                    return FinishEscape(creation, body, MaxDepth) is null && Climb(creation).Consumer is IVariableInitializerOperation;
                }
            }

            return false;
        }

        return invocation.Instance is not null && Unwrap(invocation.Instance) is ILocalReferenceOperation local
               && IsLocalCollection(local.Local, body) && LocalEscape(local.Local, body, MaxDepth - 1) is null;
    }

    /// <summary>
    /// A store into a field or property of an object made in the pass (a local that only ever holds new objects, or
    /// the object of an object initializer) is judged by where that object goes; any other store is <paramref name="stored"/>.
    /// </summary>
    private Escape? LocalObjectEscape(IOperation target, Escape stored, MethodBody? body, int depth)
    {
        var instance = Unwrap(target) switch
        {
            IFieldReferenceOperation { Field.IsStatic: false } field => field.Instance,
            IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false } property => property.Instance,
            _ => null,
        };
        if (instance is null || body is null)
        {
            return stored;
        }

        instance = Unwrap(instance);
        if (instance is ILocalReferenceOperation local && IsLocalCollection(local.Local, body))
        {
            var escape = LocalEscape(local.Local, body, depth + 1);
            return escape is null ? null : stored.Then(EscapeKind.InEscapingObject, " of a local object that is ", escape);
        }

        if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            for (var parent = target.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IObjectCreationOperation or IAnonymousObjectCreationOperation or IWithOperation)
                {
                    var creation = parent;
                    var escape = FinishEscape(creation, body, depth + 1);
                    if (escape is null && Climb(creation).Consumer is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                    {
                        escape = LocalEscape(declarator.Symbol, body, depth + 1);
                    }

                    return escape is null ? null : stored.Then(EscapeKind.InEscapingObject, " of a new object that is ", escape);
                }
            }
        }

        return stored;
    }

    /// <summary>Where a local holding an object made in the pass goes: the first escaping read of it, or null.</summary>
    private Escape? LocalEscape(ILocalSymbol local, MethodBody? body, int depth)
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
                var escape = CaptureEscape(reference, body, depth) ?? FinishEscape(reference, body, depth);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    /// <summary>Whether every value the local ever holds is a collection (or object) created in the method.</summary>
    private static bool IsLocalCollection(ILocalSymbol local, MethodBody? body)
    {
        if (body is null || local.IsRef)
        {
            return false;
        }

        var writes = 0;
        foreach (var operation in body.Operations())
        {
            IOperation? value = operation switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    => declarator.Initializer?.Value ?? (IOperation)declarator,
                ISimpleAssignmentOperation assignment when Unwrap(assignment.Target) is ILocalReferenceOperation target
                                                           && SymbolEqualityComparer.Default.Equals(target.Local, local)
                    => assignment.Value,
                _ => null,
            };
            if (value is null || value is IVariableDeclaratorOperation)
            {
                continue; // a declaration without initializer
            }

            value = Unwrap(value);
            if (value is not (IObjectCreationOperation or IArrayCreationOperation) && value.Kind.ToString() != "CollectionExpression")
            {
                return false;
            }

            writes++;
        }

        return writes > 0;
    }
}
