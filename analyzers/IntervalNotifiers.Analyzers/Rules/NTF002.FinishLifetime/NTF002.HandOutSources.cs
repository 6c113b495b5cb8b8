using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// Where a finish handed out by the start (its <c>out finish</c>, or an in-list helper's return) comes from, when
/// that place outlives the invocation: a field, a static, an auto-property, an array element, a collection.
/// </summary>
internal sealed class HandOutSources
{
    private const int MaxDepth = 3;

    private readonly NotifierTypes _types;
    private readonly StoreTargets _stores;

    public HandOutSources(NotifierTypes types, StoreTargets stores)
    {
        _types = types;
        _stores = stores;
    }

    /// <summary>A phrase naming where <paramref name="value"/> lives when it outlives the invocation; null otherwise.</summary>
    public string? LongLived(IOperation value, MethodBody body, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        value = Unwrap(value);
        switch (value)
        {
            case IConditionalOperation conditional:
                return (conditional.WhenTrue is null ? null : LongLived(conditional.WhenTrue, body, depth + 1))
                       ?? (conditional.WhenFalse is null ? null : LongLived(conditional.WhenFalse, body, depth + 1));
            case ICoalesceOperation coalesce:
                return LongLived(coalesce.Value, body, depth + 1) ?? LongLived(coalesce.WhenNull, body, depth + 1);
            case IFieldReferenceOperation field when _types.IsFinishType(field.Type):
                if (!field.Field.IsStatic && _stores.IsOwnedByFinish(field.Instance))
                {
                    return null;
                }

                return (field.Field.IsStatic ? "the static field '" : "the field '") + field.Field.Name + "'";
            case IPropertyReferenceOperation property when _types.IsFinishType(property.Type):
                if (!property.Arguments.IsEmpty || property.Property.IsIndexer)
                {
                    return "an element read from a collection";
                }

                if (IsAutoProperty(property.Property) && !_stores.IsOwnedByFinish(property.Instance))
                {
                    return "the property '" + property.Property.Name + "'";
                }

                return null;
            case IArrayElementReferenceOperation:
                return "an array element";
            case IInvocationOperation invocation when KnownApis.CollectionReads.Contains(invocation.TargetMethod.Name)
                                                      && IsMetadata(invocation.TargetMethod)
                                                      && !_types.IsPoolType(invocation.TargetMethod.ContainingType):
                // Known by name only when its body is not in source (a source 'Take()' that makes a new finish is no collection).
                return "an element read from a collection";
            case ILocalReferenceOperation local:
                return LocalLongLived(local.Local, body, depth + 1);
            default:
                return null;
        }
    }

    private string? LocalLongLived(ILocalSymbol local, MethodBody body, int depth)
    {
        foreach (var operation in body.Operations())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator
                    when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && declarator.Initializer is not null:
                {
                    var found = LongLived(declarator.Initializer.Value, body, depth);
                    if (found is not null)
                    {
                        return found;
                    }

                    break;
                }

                case ISimpleAssignmentOperation assignment
                    when Unwrap(assignment.Target) is ILocalReferenceOperation target
                         && SymbolEqualityComparer.Default.Equals(target.Local, local):
                {
                    var found = LongLived(assignment.Value, body, depth);
                    if (found is not null)
                    {
                        return found;
                    }

                    break;
                }

                case IArgumentOperation { Parameter.RefKind: RefKind.Out } argument
                    when argument.Parent is IInvocationOperation invocation
                         && KnownApis.CollectionTryReads.Contains(invocation.TargetMethod.Name)
                         && IsMetadata(invocation.TargetMethod)
                         && !_types.IsPoolType(invocation.TargetMethod.ContainingType)
                         && RefersTo(argument.Value, local):
                    return "an element read from a collection";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="method"/> has no body in source: only such a method is known by its name (KnownApis).</summary>
    private static bool IsMetadata(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.IsEmpty && method.OriginalDefinition.DeclaringSyntaxReferences.IsEmpty;

    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsIndexer || property.IsAbstract || property.DeclaringSyntaxReferences.IsEmpty)
        {
            return false;
        }

        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors })
            {
                return false;
            }

            foreach (var accessor in accessors.Accessors)
            {
                if (accessor.Body is not null || accessor.ExpressionBody is not null)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
