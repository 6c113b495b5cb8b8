using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF008: the exemptions of <see cref="SetSequenceFlow"/>: the guards that say a range is one the driver started
/// itself (<c>range.Owner</c> / <c>range.Event</c>, directly, through bool locals or switch captures), and the type
/// tests that say the notifier is not the driver's.
/// </summary>
internal sealed partial class SetSequenceFlow
{
    private void CollectGuards(MethodBody body, ControlFlowGraph cfg)
    {
        CollectLocalGuards(body);

        // Captures that hold range.Owner or range.Event (the switch value of 'switch (range.Event)'), and captures that hold
        // a value computed from the range (the switch value of 'switch (Classify(in range))'): a test of the latter is read
        // as the same test of the value directly (InvolvesRange).
        AddCapturesAlwaysHolding(cfg, IsOwnerOrEventRead, _guardCaptures);
        AddCapturesAlwaysHolding(cfg, HoldsAValueOfTheRange, _rangeCaptures);

        // Captures that hold the notifier itself (the value of 'switch (notifier)' or 'notifier switch { ... }').
        AddCapturesAlwaysHolding(cfg, IsNotifierParameter, _notifierCaptures);
    }

    private void CollectLocalGuards(MethodBody body) => CollectLocalGuards(body.Operations());

    /// <summary>
    /// The guards held in locals, read from the operation tree (the graph's captures are not needed for them), from
    /// <paramref name="operations"/>: every operation of the body, or those of them that may write a local
    /// (<see cref="CallbackOperations.LocalWrites"/>: the same writes, in the same order).
    /// </summary>
    private void CollectLocalGuards(IReadOnlyList<IOperation> operations)
    {
        // Bool locals that only ever hold a guard on Owner/Event (var mine = range.Owner == _owner), and locals of any type
        // that only ever hold a value computed from the range itself or its Owner/Event (var reason = Classify(in range)):
        // a test of such a local may be a guard the analysis cannot read, so both of its edges are exempt, as for the same
        // expression tested directly (Polarity, InvolvesRange).
        var candidates = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
        var rejected = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        var rangeRejected = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        _rangeLocals.Clear();
        foreach (var operation in operations)
        {
            if (LocalWrite(operation) is not { } w)
            {
                continue;
            }

            if (HoldsAValueOfTheRange(w.Value))
            {
                _rangeLocals.Add(w.Local);
            }
            else
            {
                rangeRejected.Add(w.Local);
            }

            if (!FlowFacts.IsBool(w.Local.Type))
            {
                continue;
            }

            var polarity = Polarity(w.Value);
            if (polarity is 1 or -1 && (!candidates.TryGetValue(w.Local, out var previous) || previous == polarity))
            {
                candidates[w.Local] = polarity;
            }
            else
            {
                rejected.Add(w.Local);
            }
        }

        foreach (var pair in candidates)
        {
            if (!rejected.Contains(pair.Key))
            {
                _guardLocals[pair.Key] = pair.Value;
            }
        }

        _rangeLocals.ExceptWith(rangeRejected);

        // Locals that only ever hold 'notifier as T' (null when the notifier is not the driver's type).
        var rejectedCasts = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in operations)
        {
            if (LocalWrite(operation) is not { } cast)
            {
                continue;
            }

            if (cast.Value is IConversionOperation { IsTryCast: true } tryCast && IsNotifierParameter(tryCast.Operand))
            {
                _tryCastLocals.Add(cast.Local);
            }
            else
            {
                rejectedCasts.Add(cast.Local);
            }
        }

        _tryCastLocals.ExceptWith(rejectedCasts);
    }

    /// <summary>A write of a local (its declarator's initializer or a simple assignment): the local and the value.</summary>
    private static (ILocalSymbol Local, IOperation Value)? LocalWrite(IOperation operation) => operation switch
    {
        IVariableDeclaratorOperation { Initializer.Value: { } value } declarator => (declarator.Symbol, value),
        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment => (target.Local, assignment.Value),
        _ => null,
    };

    /// <summary>
    /// Adds to <paramref name="captures"/> the flow captures whose every captured value satisfies
    /// <paramref name="holds"/>, in block order (so the test can see the captures already accepted).
    /// </summary>
    private static void AddCapturesAlwaysHolding(ControlFlowGraph cfg, System.Func<IOperation, bool> holds, HashSet<CaptureId> captures)
    {
        var rejected = new HashSet<CaptureId>();
        foreach (var block in cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                if (operation is IFlowCaptureOperation capture)
                {
                    if (holds(capture.Value))
                    {
                        captures.Add(capture.Id);
                    }
                    else
                    {
                        rejected.Add(capture.Id);
                    }
                }
            }
        }

        captures.ExceptWith(rejected);
    }

    /// <summary>
    /// Whether <paramref name="condition"/> tests that the range is one the driver started itself: 1 when its
    /// truth means "range.Owner / range.Event matched", -1 for the opposite, 2 when it involves the range in a
    /// way the analysis cannot read (both edges are exempt then), 0 when it has nothing to do with it.
    /// </summary>
    private int Polarity(IOperation condition)
    {
        var operation = OperationFacts.StripConversions(condition);
        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                var inner = Polarity(not.Operand);
                return inner is 1 or -1 ? -inner : inner;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var left = IsOwnerOrEventRead(binary.LeftOperand);
                var right = IsOwnerOrEventRead(binary.RightOperand);
                if (left || right)
                {
                    var other = left ? binary.RightOperand : binary.LeftOperand;
                    var isNull = other.ConstantValue is { HasValue: true, Value: null };
                    var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                    return equals != isNull ? 1 : -1;
                }

                break;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd } and:
                var l = Polarity(and.LeftOperand);
                var r = Polarity(and.RightOperand);
                if (l == 2 || r == 2)
                {
                    return 2;
                }

                if (l == 1 || r == 1)
                {
                    return l == -1 || r == -1 ? 2 : 1;
                }

                return l == 0 && r == 0 ? 0 : 2;

            case IIsPatternOperation isPattern when IsOwnerOrEventRead(isPattern.Value):
                return PatternPolarity(isPattern.Pattern);

            case IIsPatternOperation isPattern when IsRangeParameter(isPattern.Value):
                return RangePatternPolarity(isPattern.Pattern);

            case IInvocationOperation invocation when invocation.TargetMethod.Name is "Equals" or "ReferenceEquals"
                                                       && (invocation.Instance is not null && IsOwnerOrEventRead(invocation.Instance)
                                                           || invocation.Arguments.Any(a => IsOwnerOrEventRead(a.Value))):
                return 1;

            case ILocalReferenceOperation local when _guardLocals.TryGetValue(local.Local, out var localPolarity):
                return localPolarity;
        }

        var notOurs = NotOursPolarity(operation);
        if (notOurs != 0)
        {
            return notOurs;
        }

        return InvolvesRange(operation) ? 2 : 0;
    }

    /// <summary>
    /// A type test of the callback's <c>notifier</c> (<c>notifier is not UserPtr u</c>, <c>!(notifier is UserPtr)</c>,
    /// <c>(notifier as UserPtr) == null</c>): on the edge where the notifier is not the driver's type the callback has
    /// nothing of its own to invalidate, and no reader of that type can be waiting on it, so that edge is exempt
    /// like a range the driver started itself. 1 when truth means "not ours", -1 for "ours", 0 otherwise.
    /// </summary>
    private int NotOursPolarity(IOperation operation)
    {
        switch (operation)
        {
            case IIsTypeOperation isType when IsNotifierParameter(isType.ValueOperand):
                return -1;
            case IIsPatternOperation isPattern when IsNotifierParameter(isPattern.Value):
                return TypePatternPolarity(isPattern.Pattern);
            case IIsPatternOperation isPattern when IsTryCastLocal(isPattern.Value):
                return NullPatternPolarity(isPattern.Pattern);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when (IsTryCastLocal(binary.LeftOperand) && IsNull(binary.RightOperand))
                     || (IsTryCastLocal(binary.RightOperand) && IsNull(binary.LeftOperand)):
                return binary.OperatorKind == BinaryOperatorKind.Equals ? 1 : -1;
            default:
                return 0;
        }

        static bool IsNull(IOperation value) => FlowFacts.IsNullConstant(OperationFacts.StripConversions(value));
    }

    private static int TypePatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => -TypePatternPolarity(negated.Pattern),
        IDeclarationPatternOperation or ITypePatternOperation => -1,
        IRecursivePatternOperation { DeconstructionSubpatterns.IsEmpty: true, PropertySubpatterns.IsEmpty: true } => -1,
        _ => 0,
    };

    private static int NullPatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => -NullPatternPolarity(negated.Pattern),
        IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => 1,
        _ => 0,
    };

    private bool IsNotifierParameter(IOperation? operation)
        => _notifier is not null && operation is not null
           && OperationFacts.StripConversions(operation) switch
           {
               IParameterReferenceOperation parameter => FlowFacts.IsParameter(parameter, _notifier),
               IFlowCaptureReferenceOperation capture => _notifierCaptures.Contains(capture.Id),
               _ => false,
           };

    private bool IsTryCastLocal(IOperation operation)
        => OperationFacts.StripConversions(operation) is ILocalReferenceOperation local && _tryCastLocals.Contains(local.Local);

    private static int PatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => PatternPolarity(negated.Pattern) is var p && p is 1 or -1 ? -p : p,
        IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => -1,
        IBinaryPatternOperation binary => PatternPolarity(binary.LeftPattern) == 1 && PatternPolarity(binary.RightPattern) == 1 ? 1 : 2,
        IDiscardPatternOperation => 2,
        _ => 1,
    };

    private int RangePatternPolarity(IPatternOperation pattern)
    {
        switch (pattern)
        {
            case INegatedPatternOperation negated:
                var inner = RangePatternPolarity(negated.Pattern);
                return inner is 1 or -1 ? -inner : inner;
            case IRecursivePatternOperation recursive:
                var guards = false;
                foreach (var subpattern in recursive.PropertySubpatterns)
                {
                    if (subpattern.Member is IPropertyReferenceOperation member
                        && (FlowFacts.IsProperty(member, Types.RangeOwner) || FlowFacts.IsProperty(member, Types.RangeEvent)))
                    {
                        if (PatternPolarity(subpattern.Pattern) != 1)
                        {
                            return 2;
                        }

                        guards = true;
                    }
                }

                return guards ? 1 : 0;
        }

        return 0;
    }

    private bool InvolvesRange(IOperation operation)
    {
        if (IsOwnerOrEventRead(operation))
        {
            return true;
        }

        if (operation is IParameterReferenceOperation parameter && _range is not null
            && SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range)
            && parameter.Parent is not IPropertyReferenceOperation)
        {
            return true;
        }

        if (operation is ILocalReferenceOperation local && _rangeLocals.Contains(local.Local)
            || operation is IFlowCaptureReferenceOperation capture && _rangeCaptures.Contains(capture.Id))
        {
            return true;
        }

        // Without DescendantsAndSelf's iterator (speed only).
        foreach (var child in operation.ChildOperations)
        {
            if (InvolvesRange(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="value"/>, held in a local or a capture, is computed from the range (its owner or event, or
    /// the range handed to a helper), but is not the range itself: a copy of the range is read as the range, whose tests
    /// of other properties (<c>Start</c>, <c>End</c>) are no guards.
    /// </summary>
    private bool HoldsAValueOfTheRange(IOperation value) => !IsRangeParameter(OperationFacts.StripConversions(value)) && InvolvesRange(value);

    private bool IsOwnerOrEventRead(IOperation operation)
    {
        operation = OperationFacts.StripConversions(operation);
        if (operation is IFlowCaptureReferenceOperation capture)
        {
            return _guardCaptures.Contains(capture.Id);
        }

        return operation is IPropertyReferenceOperation property
               && (FlowFacts.IsProperty(property, Types.RangeOwner) || FlowFacts.IsProperty(property, Types.RangeEvent))
               && IsRangeParameter(property.Instance);
    }

    private bool IsRangeParameter(IOperation? operation) => FlowFacts.IsParameter(operation, _range);
}
