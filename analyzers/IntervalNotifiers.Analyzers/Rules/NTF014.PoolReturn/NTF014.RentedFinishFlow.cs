using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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
/// pool at a <c>return</c>. Each rented local holds a set of {not rented, owed, handed out, handed off}: a successful
/// <c>TryRent</c> tested in a condition makes it owed (a failed one: not rented); <c>finish = f</c> into the start's
/// <c>out</c> finish makes an owed finish handed out (the runtime finishes it, if the start returns true); any other
/// use that may hand it on (<c>pool.Return(f)</c>, any call that takes it, a capture, a copy) makes it handed off;
/// reading or writing its fields keeps it as it is. Overwriting the <c>out</c> finish (<c>finish = null;</c>, another
/// value) undoes the handing-out: a handed-out finish is owed again, since only the local still names it; a use of
/// the <c>out</c> parameter that may pass its value on (a call, a copy, a type pattern that names it) makes a
/// handed-out finish handed off. A <c>TryRent</c> whose result is not tested in a condition leaves the local unknown,
/// which counts as handed off (no proof, no diagnostic).
/// </summary>
internal sealed partial class RentedFinishFlow : ForwardFlow<FlowValues>
{
    public const byte NotRented = 1;
    public const byte Owed = 2;
    public const byte HandedOff = 4;
    public const byte HandedOut = 8;

    private readonly NotifierTypes _types;
    private readonly ImmutableArray<ILocalSymbol> _rented;
    private readonly IParameterSymbol? _handedOut;
    private readonly bool _holdsOnlyTheRented;

    /// <param name="types">The runtime's types.</param>
    /// <param name="rented">The locals <c>TryRent</c> rents into.</param>
    /// <param name="handedOut">The start's <c>out</c> finish parameter (null: no hand-out is ever undone).</param>
    /// <param name="holdsOnlyTheRented">
    /// Whether the <c>out</c> parameter only ever receives null or the one rented local: then a test of it against
    /// null says whether that local is handed out (<c>if (finish is null) return false;</c>).
    /// </param>
    public RentedFinishFlow(NotifierTypes types, ImmutableArray<ILocalSymbol> rented, IParameterSymbol? handedOut = null,
                            bool holdsOnlyTheRented = false)
    {
        _types = types;
        _rented = rented;
        _handedOut = handedOut;
        _holdsOnlyTheRented = holdsOnlyTheRented && rented.Length == 1;
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
        IOperation? handOut = null;
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
                case ISimpleAssignmentOperation assignment when FlowFacts.IsParameter(assignment.Target, _handedOut):
                    // The out finish is overwritten: what it held is owed again; a rented local put there is handed out.
                    var value = OperationFacts.StripConversions(assignment.Value) as ILocalReferenceOperation;
                    var put = value is not null && IsRented(value.Local) ? value.Local : null;
                    state = Remap(state, HandedOut, Owed, except: put);
                    if (put is not null)
                    {
                        state = Remap(state, Owed, HandedOut, only: put);
                        handOut = value;
                    }

                    break;
                case IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter, _handedOut)
                                                                 && !IsAssignmentTarget(parameter)
                                                                 && !Keeps(parameter):
                    // The handed-out finish may go on from the out parameter: no longer the local's alone.
                    state = Remap(state, HandedOut, HandedOff);
                    break;
                case ILocalReferenceOperation reference when IsRented(reference.Local) && !ReferenceEquals(reference, handOut)
                                                             && !Keeps(reference):
                    // Also the out argument of TryRent itself: unknown until a condition tests its result (Branch).
                    state = state.Set(reference.Local, HandedOff);
                    break;
            }
        }

        return state;
    }

    /// <summary>
    /// Whether <paramref name="reference"/> leaves the finish where it is (<see cref="FinishUses"/>), and names no new
    /// variable for it: the start follows no copy, so <c>x is PoolFinish pf</c> may hand it to <c>pf</c>.
    /// </summary>
    private static bool Keeps(IOperation reference)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return !(parent is IIsPatternOperation { Pattern: var pattern } && pattern.DescendantsAndSelf().Any(DeclaresVariable))
               && FinishUses.KeepsTheFinish(reference, static _ => false);
    }

    private static bool DeclaresVariable(IOperation pattern)
        => pattern is IDeclarationPatternOperation { DeclaredSymbol: not null }
               or IRecursivePatternOperation { DeclaredSymbol: not null }
               or IListPatternOperation { DeclaredSymbol: not null };

    /// <summary>Whether <paramref name="reference"/> is the target of a plain assignment (a write, not a use).</summary>
    private static bool IsAssignmentTarget(IOperation reference)
        => reference.Parent is ISimpleAssignmentOperation simple && simple.Target == reference;

    /// <summary>
    /// Moves the rented locals (<paramref name="only"/> one, or all but <paramref name="except"/>) that may hold
    /// <paramref name="from"/> to <paramref name="to"/>, keeping their other possibilities.
    /// </summary>
    private FlowValues Remap(FlowValues state, byte from, byte to, ILocalSymbol? except = null, ILocalSymbol? only = null)
    {
        foreach (var local in _rented)
        {
            var bits = state[local];
            if ((bits & from) != 0
                && !SymbolEqualityComparer.Default.Equals(local, except)
                && (only is null || SymbolEqualityComparer.Default.Equals(local, only)))
            {
                state = state.Set(local, (byte)((bits & ~from) | to));
            }
        }

        return state;
    }

    protected override (FlowValues? WhenTrue, FlowValues? WhenFalse) Branch(FlowValues state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var test = Conditions.Test(condition, out var negated);

        if (NullTest(test, out var tested) is { } isNull)
        {
            FlowValues whenNull, whenNotNull;
            if (FlowFacts.IsParameter(tested, _handedOut))
            {
                // Null: nothing is handed out. Not null: it holds the one rented local (handed out, or passed on).
                whenNull = Keep(after, ~HandedOut);
                whenNotNull = _holdsOnlyTheRented ? Keep(after, HandedOut | HandedOff) : after;
            }
            else if (OperationFacts.StripConversions(tested!) is ILocalReferenceOperation reference && IsRented(reference.Local))
            {
                // A rented finish is never null: null means the rent failed (if (f is not null) pool.Return(f);).
                whenNull = Keep(after, NotRented, reference.Local);
                whenNotNull = Keep(after, ~NotRented, reference.Local);
            }
            else
            {
                return (after, after);
            }

            return isNull != negated ? (whenNull, whenNotNull) : (whenNotNull, whenNull);
        }

        if (RentedBy(test) is not { } local)
        {
            return (after, after);
        }

        var whenTrue = after.Set(local, Owed);
        var whenFalse = after.Set(local, NotRented);
        return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
    }

    /// <summary>
    /// When <paramref name="test"/> compares <paramref name="operand"/> with null (<c>x is null</c>, <c>== null</c>,
    /// <c>is not null</c>, <c>!= null</c>): whether it is true when the operand is null; otherwise null.
    /// </summary>
    private static bool? NullTest(IOperation test, out IOperation? operand)
    {
        operand = null;
        switch (test)
        {
            case IIsNullOperation isNull:
                operand = isNull.Operand;
                return true;
            case IIsPatternOperation pattern:
                operand = pattern.Value;
                return pattern.Pattern switch
                {
                    IConstantPatternOperation { Value: var value } when FlowFacts.IsNullConstant(value) => true,
                    INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var value } } when FlowFacts.IsNullConstant(value) => false,
                    _ => null,
                };
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when FlowFacts.IsNullConstant(binary.RightOperand) || FlowFacts.IsNullConstant(binary.LeftOperand):
                operand = FlowFacts.IsNullConstant(binary.RightOperand) ? binary.LeftOperand : binary.RightOperand;
                return binary.OperatorKind == BinaryOperatorKind.Equals;
            default:
                return null;
        }
    }

    /// <summary>
    /// Keeps only the <paramref name="mask"/> possibilities of each rented local, or of <paramref name="only"/> (all of
    /// them when none would remain).
    /// </summary>
    private FlowValues Keep(FlowValues state, int mask, ILocalSymbol? only = null)
    {
        foreach (var local in _rented)
        {
            var bits = state[local];
            if ((bits & mask) != 0 && (bits & mask) != bits
                && (only is null || SymbolEqualityComparer.Default.Equals(local, only)))
            {
                state = state.Set(local, (byte)(bits & mask));
            }
        }

        return state;
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
