using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// NTF014's question about <c>InvalidateStart</c> (docs/rules/NTF014.md), asked of the shared
/// <see cref="ForwardFlow{TState}"/>: which locals rented by <c>pool.TryRent(out f)</c> are still owed to their
/// pool at a <c>return</c>. Each rented local holds a set of {not rented, owed, handed off}: a successful
/// <c>TryRent</c> tested in a condition makes it owed (a failed one: not rented); any use that may hand it on
/// (<c>finish = f</c>, <c>pool.Return(f)</c>, any call that takes it, a capture) makes it handed off; reading or
/// writing its fields keeps it owed. A <c>TryRent</c> whose result is not tested in a condition leaves the local
/// unknown, which counts as handed off (no proof, no diagnostic).
/// </summary>
internal sealed class RentedFinishFlow : ForwardFlow<FlowValues>
{
    public const byte NotRented = 1;
    public const byte Owed = 2;
    public const byte HandedOff = 4;

    private readonly NotifierTypes _types;
    private readonly ImmutableArray<ILocalSymbol> _rented;

    public RentedFinishFlow(NotifierTypes types, ImmutableArray<ILocalSymbol> rented)
    {
        _types = types;
        _rented = rented;
    }

    protected override FlowValues Entry
    {
        get
        {
            var values = FlowValues.Empty(HandedOff);
            foreach (var local in _rented)
            {
                values = values.Set(local, NotRented);
            }

            return values;
        }
    }

    protected override bool Offends(ReturnPath<FlowValues> path) => OwedLocal(path.State) is not null;

    /// <summary>The first rented local still owed in <paramref name="state"/>, or null.</summary>
    public ILocalSymbol? OwedLocal(FlowValues state)
    {
        foreach (var local in _rented)
        {
            if ((state[local] & Owed) != 0)
            {
                return local;
            }
        }

        return null;
    }

    protected override FlowValues Join(FlowValues a, FlowValues b) => a.Join(b);

    protected override bool Same(FlowValues a, FlowValues b) => a.Same(b);

    protected override FlowValues Transfer(FlowValues state, IOperation operation)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case IFlowAnonymousFunctionOperation:
                    // A lambda of the start (its body is not in this graph) may return what it captures.
                    state = HandOffAll(state);
                    break;
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction }:
                    state = HandOffAll(state);
                    break;
                case ILocalReferenceOperation reference when IsRented(reference.Local)
                                                             && !FinishUses.KeepsTheFinish(reference, static _ => false):
                    // Also the out argument of TryRent itself: unknown until a condition tests its result (Branch).
                    state = state.Set(reference.Local, HandedOff);
                    break;
            }
        }

        return state;
    }

    protected override (FlowValues? WhenTrue, FlowValues? WhenFalse) Branch(FlowValues state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var test = Conditions.Test(condition, out var negated);

        if (RentedBy(test) is not { } local)
        {
            return (after, after);
        }

        var whenTrue = after.Set(local, Owed);
        var whenFalse = after.Set(local, NotRented);
        return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
    }

    /// <summary>The rented local of <paramref name="test"/> when it is a <c>pool.TryRent(out f)</c> call.</summary>
    private ILocalSymbol? RentedBy(IOperation test)
    {
        if (test is not IInvocationOperation invocation || !NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent))
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Out && RentedLocal(argument.Value) is { } local && IsRented(local))
            {
                return local;
            }
        }

        return null;
    }

    private bool IsRented(ILocalSymbol local)
    {
        foreach (var rented in _rented)
        {
            if (SymbolEqualityComparer.Default.Equals(rented, local))
            {
                return true;
            }
        }

        return false;
    }

    private FlowValues HandOffAll(FlowValues state)
    {
        foreach (var local in _rented)
        {
            state = state.Set(local, HandedOff);
        }

        return state;
    }

    /// <summary>Whether the <c>TryRent</c> call <paramref name="invocation"/> rents into <paramref name="local"/> (its out argument).</summary>
    public static bool RentsInto(IInvocationOperation invocation, ILocalSymbol local)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Out && SymbolEqualityComparer.Default.Equals(RentedLocal(argument.Value), local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local an out argument writes: <c>out f</c> or <c>out var f</c>.</summary>
    public static ILocalSymbol? RentedLocal(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        if (value is IDeclarationExpressionOperation declaration)
        {
            value = declaration.Expression;
        }

        return (value as ILocalReferenceOperation)?.Local;
    }

    /// <summary>The locals that receive a <c>TryRent</c>'s finish in <paramref name="operations"/> (outside lambdas).</summary>
    public static ImmutableArray<ILocalSymbol> RentedLocals(NotifierTypes types, IEnumerable<IOperation> operations)
    {
        var locals = ImmutableArray.CreateBuilder<ILocalSymbol>();
        foreach (var operation in operations)
        {
            if (operation is IInvocationOperation invocation && NotifierTypes.Is(invocation.TargetMethod, types.PoolTryRent)
                && !OperationFacts.IsInsideFunction(invocation))
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.RefKind == RefKind.Out && RentedLocal(argument.Value) is { } local
                        && locals.IndexOf(local, 0, locals.Count, SymbolEqualityComparer.Default) < 0)
                    {
                        locals.Add(local);
                    }
                }
            }
        }

        return locals.ToImmutable();
    }
}
