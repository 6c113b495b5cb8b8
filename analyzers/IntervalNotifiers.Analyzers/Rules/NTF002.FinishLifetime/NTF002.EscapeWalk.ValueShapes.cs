using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// Values that hold a finish on its way out: tuples, structs and objects made in the pass, locations reached through
/// a <c>ref</c> (docs/rules/NTF002.md).
/// </summary>
internal sealed partial class EscapeWalk
{
    /// <summary>What assigning a finish to <paramref name="target"/> means: a store, a write through a ref, a local struct's field.</summary>
    private Escape? AssignmentEscape(IOperation target, MethodBody? body, int depth)
        => _stores.StoreTarget(target) is { } stored
            ? LocalObjectEscape(target, stored, body, depth)
            : RefTargetEscape(target, body, depth) ?? LocalStructEscape(target, body, depth);

    /// <summary>
    /// Where an object made here (a new object, array or tuple holding the finish) goes: the consumer of its value, or,
    /// when it initializes or is assigned to a local, the first escaping read of that local (then reported at the object).
    /// </summary>
    private Escape? ContainerEscape(IOperation container, MethodBody? body, int depth, out IOperation at)
    {
        var escape = FinishEscape(container, body, depth, out at);
        if (escape is not null)
        {
            return escape;
        }

        at = container;
        var (consumer, child) = Climb(container);
        return consumer switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => LocalEscape(declarator.Symbol, body, depth),
            ISimpleAssignmentOperation assignment when assignment.Value == child && !assignment.IsRef
                                                       && Unwrap(assignment.Target) is ILocalReferenceOperation local => LocalEscape(local.Local, body, depth),
            _ => null,
        };
    }

    private Escape? ContainerEscape(IOperation container, MethodBody? body, int depth) => ContainerEscape(container, body, depth, out _);

    /// <summary>A finish in a tuple: judged by where the tuple goes, or by the element it lands in when the tuple is deconstructed.</summary>
    private Escape? TupleEscape(ITupleOperation tuple, IOperation element, MethodBody? body, int depth, out IOperation at)
    {
        var (consumer, child) = Climb(tuple);
        if (consumer is IDeconstructionAssignmentOperation deconstruction && deconstruction.Value == child)
        {
            at = deconstruction;
            var index = tuple.Elements.IndexOf(element);
            return index >= 0 && Unwrap(deconstruction.Target) is ITupleOperation targets && index < targets.Elements.Length
                ? AssignmentEscape(targets.Elements[index], body, depth)
                : null;
        }

        return ContainerEscape(tuple, body, depth + 1, out at)?.After(EscapeKind.InEscapingValue, "put in a tuple that is ");
    }

    /// <summary>A field of a local struct (<c>slot.Finish = f</c>): judged by where the struct is copied to.</summary>
    private Escape? LocalStructEscape(IOperation target, MethodBody? body, int depth)
    {
        var (member, instance) = Unwrap(target) switch
        {
            IFieldReferenceOperation { Field.IsStatic: false } field => ((ISymbol)field.Field, field.Instance),
            IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false } property => (property.Property, property.Instance),
            _ => (null, null),
        };
        if (member is null || instance is null || Unwrap(instance) is not ILocalReferenceOperation { Local: { IsRef: false, Type.IsValueType: true } local })
        {
            return null;
        }

        var escape = LocalEscape(local, body, depth + 1);
        return escape?.After(EscapeKind.InEscapingValue,
            "stored in '" + member.Name + "' of the local struct '" + local.Name + "' that is ");
    }

    /// <summary>
    /// A write through a <c>ref</c> (a ref local, a ref conditional, a call that returns a ref) that points at a field or
    /// array element: a store there.
    /// </summary>
    private Escape? RefTargetEscape(IOperation target, MethodBody? body, int depth)
    {
        target = Unwrap(target);
        switch (target)
        {
            case ILocalReferenceOperation { Local.IsRef: true } local:
                return RefLocalTarget(local.Local, body, depth) is { } pointed
                    ? pointed.After(EscapeKind.ThroughRef, "written through the ref local '" + local.Local.Name + "' and so ")
                    : null;
            case IConditionalOperation { IsRef: true } conditional:
                return RefSource(conditional, body, depth)?.After(EscapeKind.ThroughRef, "written through a ref conditional and so ");
            case IInvocationOperation { TargetMethod.ReturnsByRef: true } call:
                return RefSource(call, body, depth)?.After(EscapeKind.ThroughRef, "written through the ref that '" + call.TargetMethod.Name + "' returns and so ");
            default:
                return null;
        }
    }

    /// <summary>Where a ref local points: the first of the locations it is bound to (declaration or ref assignment) that is a store.</summary>
    private Escape? RefLocalTarget(ILocalSymbol local, MethodBody? body, int depth)
    {
        if (body is null || depth > MaxDepth)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            var bound = operation switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => declarator.Initializer?.Value,
                ISimpleAssignmentOperation { IsRef: true } assignment when Unwrap(assignment.Target) is ILocalReferenceOperation target
                                                                          && SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                _ => null,
            };
            if (bound is not null && RefSource(bound, body, depth + 1) is { } escape)
            {
                return escape;
            }
        }

        return null;
    }

    /// <summary>The store that a ref expression names: a field or array element, either branch of a ref conditional, another ref local, a ref-returning source method.</summary>
    private Escape? RefSource(IOperation reference, MethodBody? body, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        reference = Unwrap(reference);
        switch (reference)
        {
            case IConditionalOperation conditional:
                return (conditional.WhenTrue is null ? null : RefSource(conditional.WhenTrue, body, depth + 1))
                       ?? (conditional.WhenFalse is null ? null : RefSource(conditional.WhenFalse, body, depth + 1));
            case ILocalReferenceOperation { Local.IsRef: true } local:
                return RefLocalTarget(local.Local, body, depth + 1);
            case IInvocationOperation { TargetMethod.ReturnsByRef: true } call:
                return KeepSummaries.IsFollowed(call.TargetMethod) ? _summaries.WhatRefReturns(call.TargetMethod) : null;
            default:
                return _stores.StoreTarget(reference);
        }
    }

    /// <summary>The store that a ref-returning method's returned reference points at (any of its returns), or null.</summary>
    public Escape? ReturnedRefStore(MethodBody body)
    {
        foreach (var operation in body.Operations())
        {
            if (operation is IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } value }
                && !OperationFacts.IsInsideFunction(operation)
                && RefSource(value, body, 0) is { } escape)
            {
                return escape;
            }
        }

        return null;
    }
}
