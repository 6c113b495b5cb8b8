using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// NTF014's start question on the operation tree, without a control-flow graph: a proof that
/// <see cref="RentedFinishFlow"/> would report no return (a speed-up only; when it cannot prove it, the graph decides,
/// and a test checks on generated starts that it never proves what the flow contradicts).
/// </summary>
/// <remarks>
/// The walk (<see cref="TreeFlow{TState}"/>) carries an upper bound of the flow's value set for each rented local. A
/// statement that names no rented local, no <c>out</c> finish, no lambda and no local function leaves it as it is on
/// every path. A straight statement (no <c>?.</c>, <c>??</c>, <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c>, switch or
/// throw expression, lambda, initializer, tuple or interpolated string: nothing the graph splits into branches or
/// lowers) gets the flow's own transfer. A condition is split at <c>!</c>, <c>&amp;&amp;</c> and <c>||</c> as the
/// graph splits it, and each straight part gets the flow's branch, except that a null test narrows nothing (the
/// flow's narrowing keeps every value when none would remain, so on an upper bound it is not monotone). Anything else
/// (a loop, a switch, a catch, a finally, a statement with branches inside) is bounded by every value its operations
/// may give, in any order. A return is safe when no rented local may be owed there, or when each that may is named in
/// a <c>finally</c> around it (the analyzer does not report those either).
/// </remarks>
internal sealed class RentedFinishTree : TreeFlow<RentedFinishTree.Bound>
{
    private readonly RentedFinishFlow _flow;
    private readonly NotifierTypes _types;
    private readonly ImmutableArray<ILocalSymbol> _rented;
    private readonly IParameterSymbol? _handedOut;
    private readonly CallbackOperations _operations;

    // The operations the flow's transfer reacts to, and every operation that holds one (themselves included).
    private readonly List<IOperation> _effects = new();
    private readonly HashSet<IOperation> _holdsEffect = new(OperationIdentity.Instance);

    // Every operation that holds one the graph splits into branches or lowers (themselves included).
    private readonly HashSet<IOperation> _holdsBranch = new(OperationIdentity.Instance);

    private RentedFinishTree(NotifierTypes types, CallbackOperations operations, ImmutableArray<ILocalSymbol> rented,
                             IParameterSymbol? handedOut)
    {
        _types = types;
        _operations = operations;
        _rented = rented;
        _handedOut = handedOut;
        _flow = new RentedFinishFlow(types, rented, handedOut);
    }

    /// <summary>Whether the operation tree proves that no return of the start can be reported by NTF014.</summary>
    public static bool ProvesSilent(NotifierTypes types, MethodBody body, CallbackOperations operations,
                                    ImmutableArray<ILocalSymbol> rented, IParameterSymbol? handedOut)
    {
        var tree = new RentedFinishTree(types, operations, rented, handedOut);
        tree.Mark();
        return tree.Run(body, operations, new Bound(tree._flow.EntryState));
    }

    /// <summary>The flow's values, or null where no path reaches.</summary>
    internal readonly struct Bound
    {
        public Bound(FlowValues? values) => Values = values;

        public FlowValues? Values { get; }
    }

    protected override Bound Never => default;

    protected override Bound Join(Bound a, Bound b)
        => a.Values is null ? b : b.Values is null ? a : new Bound(a.Values.Join(b.Values));

    protected override void Return(IReturnOperation returnOperation, Bound state)
    {
        // The flow judges a return by the state before its value (Out of the return's block), or, for a value with
        // branches inside, by the states on the edges into it (parts of the value already evaluated).
        if (returnOperation.ReturnedValue is { } value && _holdsBranch.Contains(value))
        {
            state = Region(state, value);
        }

        if (state.Values is not { } values)
        {
            return;
        }

        foreach (var local in _rented)
        {
            if ((values[local] & RentedFinishFlow.Owed) != 0
                && !PoolReturnAnalyzer.IsGuardedByFinally(returnOperation.Syntax, local, _operations))
            {
                GiveUp();
                return;
            }
        }
    }

    protected override Bound Evaluate(Bound state, IOperation operation)
    {
        if (operation is IExpressionStatementOperation { Operation: IThrowOperation })
        {
            return Never; // the graph has no edge out of a throw (a catch is entered with the bound of its try)
        }

        if (state.Values is not { } values || !_holdsEffect.Contains(operation))
        {
            return state;
        }

        if (!IsStatement(operation))
        {
            return Region(state, operation);
        }

        if (!_holdsBranch.Contains(operation))
        {
            return new Bound(_flow.After(values, operation));
        }

        return ChoiceOf(operation) is { } choice ? Choose(state, choice) : Region(state, operation);
    }

    /// <summary>
    /// The <c>c ? a : b</c> of <c>var x = c ? a : b;</c> or <c>x = c ? a : b;</c> into a local that is not rented,
    /// when the arms are straight: the graph branches on <c>c</c> and captures <c>a</c> or <c>b</c>, and nothing else in
    /// the statement has an effect (the assignment of the capture names no rented local).
    /// </summary>
    private IConditionalOperation? ChoiceOf(IOperation statement)
    {
        var value = statement switch
        {
            IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
                when declarations[0].Declarators is { Length: 1 } declarators => declarators[0].Initializer?.Value,
            IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment }
                when IndexOf(target.Local) < 0 => assignment.Value,
            _ => null,
        };
        return value is IConditionalOperation { WhenFalse: { } whenFalse } choice
               && !_holdsBranch.Contains(choice.WhenTrue) && !_holdsBranch.Contains(whenFalse)
               && !HasEffectOutside(statement, choice)
            ? choice
            : null;
    }

    /// <summary>Whether an effect of <paramref name="statement"/> lies outside <paramref name="choice"/>.</summary>
    private bool HasEffectOutside(IOperation statement, IOperation choice)
    {
        foreach (var effect in _effects)
        {
            if (IsInside(effect, statement) && !IsInside(effect, choice))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The condition's branch, then each arm as the graph captures it (a capture keeps no reference: the flow's transfer of the arm).</summary>
    private Bound Choose(Bound state, IConditionalOperation choice)
    {
        var (whenTrue, whenFalse) = Branch(state, choice.Condition);
        return Join(Arm(whenTrue, choice.WhenTrue), Arm(whenFalse, choice.WhenFalse!));
    }

    private Bound Arm(Bound state, IOperation arm)
        => state.Values is { } values && _holdsEffect.Contains(arm) ? new Bound(_flow.After(values, arm)) : state;

    /// <summary>
    /// A switch statement: each section is entered with the bound of the switch's value and case clauses (the graph
    /// tests the clauses in order and jumps into one section; no section falls into another), and what follows the
    /// switch with the bound of the whole switch (a section may leave it through a <c>break</c>).
    /// </summary>
    protected override Bound Switch(ISwitchOperation switchOperation, Bound state)
    {
        var entry = Region(state, switchOperation.Value);
        foreach (var section in switchOperation.Cases)
        {
            foreach (var clause in section.Clauses)
            {
                entry = Region(entry, clause);
            }
        }

        foreach (var section in switchOperation.Cases)
        {
            var sectionState = entry;
            foreach (var inner in section.Body)
            {
                sectionState = Walk(inner, sectionState);
            }
        }

        return Region(state, switchOperation);
    }

    /// <summary>A statement the graph keeps as one operation when it has no branch inside (not a resource or a locked value, which it captures).</summary>
    private static bool IsStatement(IOperation operation)
        => operation is IExpressionStatementOperation or IVariableDeclarationGroupOperation;

    protected override (Bound WhenTrue, Bound WhenFalse) Branch(Bound state, IOperation condition)
    {
        if (state.Values is not { } values || !_holdsEffect.Contains(condition))
        {
            return (state, state);
        }

        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null, IsLifted: false } not:
                var (whenTrue, whenFalse) = Branch(state, not.Operand);
                return (whenFalse, whenTrue);

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null, IsLifted: false } and:
                var (leftTrue, leftFalse) = Branch(state, and.LeftOperand);
                var (bothTrue, rightFalse) = Branch(leftTrue, and.RightOperand);
                return (bothTrue, Join(leftFalse, rightFalse));

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null, IsLifted: false } or:
                var (eitherTrue, firstFalse) = Branch(state, or.LeftOperand);
                var (secondTrue, bothFalse) = Branch(firstFalse, or.RightOperand);
                return (Join(eitherTrue, secondTrue), bothFalse);
        }

        if (_holdsBranch.Contains(condition))
        {
            var bound = Region(state, condition);
            return (bound, bound);
        }

        var (trueValues, falseValues) = _flow.BranchBound(values, condition);
        return (new Bound(trueValues), new Bound(falseValues));
    }

    /// <summary>
    /// An upper bound of the values anywhere inside or after <paramref name="region"/> entered with
    /// <paramref name="state"/>: the closure of the entry under every effect the operations inside may have, in any
    /// order (a rented local named: handed off; rented: owed or not rented; the <c>out</c> finish written or read: a
    /// handed-out local owed again or handed off, an owed local it names handed out; a lambda or local function call:
    /// all handed off).
    /// </summary>
    protected override Bound Region(Bound state, IOperation region)
    {
        if (state.Values is not { } values || !_holdsEffect.Contains(region))
        {
            return state;
        }

        var handsOffAll = false;
        var outFinishUsed = false;
        var named = 0UL; // bit i: the i-th rented local is named inside
        var rentedInside = 0UL;
        foreach (var effect in _effects)
        {
            if (!IsInside(effect, region))
            {
                continue;
            }

            switch (effect)
            {
                case IAnonymousFunctionOperation or IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction }:
                    handsOffAll = true;
                    break;
                case IParameterReferenceOperation:
                    outFinishUsed = true;
                    break;
                case ILocalReferenceOperation reference:
                    var index = IndexOf(reference.Local);
                    named |= 1UL << index;
                    if (IsRentedBy(reference))
                    {
                        rentedInside |= 1UL << index;
                    }

                    break;
            }
        }

        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < _rented.Length; i++)
            {
                var bits = values[_rented[i]];
                var grown = bits;
                if (handsOffAll || (named & (1UL << i)) != 0)
                {
                    grown |= RentedFinishFlow.HandedOff;
                }

                if ((rentedInside & (1UL << i)) != 0)
                {
                    grown |= RentedFinishFlow.Owed | RentedFinishFlow.NotRented;
                }

                if (outFinishUsed && (grown & RentedFinishFlow.HandedOut) != 0)
                {
                    grown |= RentedFinishFlow.Owed | RentedFinishFlow.HandedOff;
                }

                if (outFinishUsed && (named & (1UL << i)) != 0 && (grown & RentedFinishFlow.Owed) != 0)
                {
                    grown |= RentedFinishFlow.HandedOut;
                }

                if (grown != bits)
                {
                    values = values.Set(_rented[i], grown);
                    changed = true;
                }
            }
        }
        while (changed);

        return new Bound(values);
    }

    /// <summary>
    /// One pass over the body: the operations the transfer reacts to (a rented local, the <c>out</c> finish, a lambda,
    /// a local function call) and those the graph branches on or lowers, each marked with every operation above it.
    /// </summary>
    private void Mark()
    {
        // By kind (one call), with an interface cast only for the kinds that count, rather than up to 17 interface tests
        // per operation (a paired A/B put this pass's analyzer at 0.93 of its time: bench/README.md, session 22).
        foreach (var operation in _operations.All)
        {
            var kind = operation.Kind;
            switch (kind)
            {
                case OperationKind.LocalReference when IndexOf(((ILocalReferenceOperation)operation).Local) >= 0:
                case OperationKind.ParameterReference when SymbolEqualityComparer.Default.Equals(((IParameterReferenceOperation)operation).Parameter, _handedOut):
                case OperationKind.AnonymousFunction:
                case OperationKind.Invocation when ((IInvocationOperation)operation).TargetMethod.MethodKind == MethodKind.LocalFunction:
                    _effects.Add(operation);
                    MarkUp(operation, _holdsEffect);
                    break;
            }

            if (IsBranchOrLowered(kind, operation))
            {
                MarkUp(operation, _holdsBranch);
            }
        }
    }

    private static void MarkUp(IOperation operation, HashSet<IOperation> marks)
    {
        for (var current = operation; current is not null && marks.Add(current); current = current.Parent)
        {
        }
    }

    /// <summary>An operation the graph evaluates on several branches, or lowers into other operations and captures.</summary>
    /// <remarks>By kind (each of these interfaces has exactly one), rather than by up to 17 interface tests per operation.</remarks>
    private static bool IsBranchOrLowered(OperationKind kind, IOperation operation) => kind switch
    {
        OperationKind.ConditionalAccess or OperationKind.Coalesce or OperationKind.CoalesceAssignment or OperationKind.Conditional
            or OperationKind.SwitchExpression or OperationKind.Throw or OperationKind.AnonymousFunction or OperationKind.LocalFunction
            or OperationKind.InterpolatedString or OperationKind.ObjectOrCollectionInitializer or OperationKind.With
            or OperationKind.AnonymousObjectCreation or OperationKind.DeconstructionAssignment or OperationKind.Tuple
            or OperationKind.UsingDeclaration or OperationKind.Invalid or OperationKind.None => true,
        OperationKind.Binary => ((IBinaryOperation)operation).OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr,
        _ => false,
    };

    private static bool IsInside(IOperation operation, IOperation region)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current, region))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="reference"/> is the <c>out</c> argument of a <c>TryRent</c> call.</summary>
    private bool IsRentedBy(ILocalReferenceOperation reference)
    {
        IOperation? current = reference.Parent;
        while (current is IDeclarationExpressionOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current is IArgumentOperation { Parent: IInvocationOperation invocation }
               && NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent);
    }

    private int IndexOf(ILocalSymbol local)
    {
        for (var i = 0; i < _rented.Length && i < 64; i++)
        {
            if (SymbolEqualityComparer.Default.Equals(_rented[i], local))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>What <see cref="RentedFinishTree"/> asks of the flow: its entry, its transfer, and its branch without narrowing.</summary>
internal sealed partial class RentedFinishFlow
{
    internal FlowValues EntryState => Entry;

    /// <summary>The flow's transfer of <paramref name="operation"/> (a statement with no branch inside).</summary>
    internal FlowValues After(FlowValues state, IOperation operation) => Transfer(state, operation);

    /// <summary>
    /// The flow's <see cref="Branch"/> on a condition with no branch inside, except that a null test narrows nothing
    /// (an upper bound of what <see cref="Branch"/> gives for any state within <paramref name="state"/>).
    /// </summary>
    internal (FlowValues WhenTrue, FlowValues WhenFalse) BranchBound(FlowValues state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var test = Conditions.Test(condition, out var negated);
        if (NullTest(test, out _) is not null || RentedBy(test) is not { } local)
        {
            return (after, after);
        }

        var whenTrue = after.Set(local, Owed);
        var whenFalse = after.Set(local, NotRented);
        return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
    }
}
