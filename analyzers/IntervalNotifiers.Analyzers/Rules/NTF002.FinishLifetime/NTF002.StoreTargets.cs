using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>What a write into a location means for a finish: a store that outlives the pass, or a local write.</summary>
internal sealed class StoreTargets
{
    private readonly NotifierTypes _types;

    public StoreTargets(NotifierTypes types) => _types = types;

    /// <summary>Whether the receiver is a finish itself (writing a finish's own fields keeps the data in the list).</summary>
    public bool IsOwnedByFinish(IOperation? receiver)
    {
        if (receiver is null)
        {
            return false;
        }

        receiver = Unwrap(receiver);
        return receiver switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation
                or IObjectCreationOperation or ITypeParameterObjectCreationOperation => _types.IsFinishType(receiver.Type),
            _ => false,
        };
    }

    /// <summary>What storing into <paramref name="target"/> means, or null when the target is a local or the finish's own state.</summary>
    public Escape? StoreTarget(IOperation target)
    {
        target = Unwrap(target);
        switch (target)
        {
            case IFieldReferenceOperation field:
                if (!field.Field.IsStatic && (IsOwnedByFinish(field.Instance) || IsLocalStruct(field.Instance)))
                {
                    return null;
                }

                return field.Field.IsStatic
                    ? Escape.Of(EscapeKind.StaticField, "stored in the static field '" + field.Field.Name + "'")
                    : Escape.Of(EscapeKind.Field, "stored in the field '" + field.Field.Name + "'", IsReceiverState(field.Instance));
            case IPropertyReferenceOperation property:
                if (!property.Arguments.IsEmpty || property.Property.IsIndexer)
                {
                    return Escape.Of(EscapeKind.Indexer,
                        "stored in a collection through the indexer of '" + TypeName(property.Property.ContainingType) + "'",
                        !property.Property.IsStatic && IsReceiverState(property.Instance));
                }

                if (!property.Property.IsStatic && IsOwnedByFinish(property.Instance))
                {
                    return null;
                }

                return property.Property.IsStatic
                    ? Escape.Of(EscapeKind.StaticProperty, "stored in the static property '" + property.Property.Name + "'")
                    : Escape.Of(EscapeKind.Property, "stored in the property '" + property.Property.Name + "'", IsReceiverState(property.Instance));
            case IArrayElementReferenceOperation element:
                return Escape.Of(EscapeKind.ArrayElement, "stored in an array element", IsReceiverState(element.ArrayReference));
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="instance"/> is the state of the method's receiver: <c>this</c>, or an instance field or
    /// property reached from it (<c>_entries</c> in <c>_entries.Add(x)</c>).
    /// </summary>
    public static bool IsReceiverState(IOperation? instance)
        => instance is not null
           && Unwrap(instance) switch
           {
               IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => true,
               IFieldReferenceOperation { Field.IsStatic: false } field => IsReceiverState(field.Instance),
               IPropertyReferenceOperation { Property.IsStatic: false, Arguments.IsEmpty: true } property => IsReceiverState(property.Instance),
               _ => false,
           };

    private static bool IsLocalStruct(IOperation? receiver)
        => receiver is not null
           && Unwrap(receiver) is ILocalReferenceOperation { Type.IsValueType: true };
}
