using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF008 on the operation tree, without a control-flow graph: a proof that the flow would report nothing, for
/// structured code (a speed-up only; when it cannot prove it, the graph decides, and a test checks on every test
/// input and on generated callbacks that it never proves what the flow contradicts).
/// </summary>
/// <remarks>
/// <para>
/// The flow's "missing, not exempt" bit (<c>MissingPlain</c>) is set at the entry and only ever cleared along a path
/// (by a call that covers SetSequence, or an exempt edge): it holds at a point exactly when some path from the entry
/// reaches the point without such a call or edge. The tree answers that may-question from above: it follows the
/// statements in order and clears the bit only where every path clears it (a covering call, or a lambda that calls
/// SetSequence, evaluated unconditionally by a statement; a branch whose every path into it takes an exempt edge, after
/// the way the graph splits <c>&amp;&amp;</c>, <c>||</c> and <c>!</c> of a condition and tests the cases of a
/// <c>switch</c> one by one). A compound statement never leaves more paths than entered it, so after a loop, a
/// switch, or anything the tree does not model it keeps the bit of the entry. A return is then safe when the bit is clear there, or when its value
/// cannot be the constant <c>true</c> on a path with the bit set (<see cref="MayReturnTrue"/>). The walk itself is the
/// shared <see cref="TreeFlow{TState}"/>.
/// </para>
/// <para>
/// Everything else is left to the graph: a <c>goto</c>, a return that may yield true with the bit possibly set. Catch
/// and finally blocks start with the bit of their <c>try</c> (the flow gives them the join of the states inside the
/// try, none of which has more than its entry; a catch with an exception filter is entered from the filter, which
/// starts with the same join).
/// </para>
/// </remarks>
internal sealed partial class SetSequenceFlow
{
    /// <summary>Whether the operation tree proves that no return of the callback can be reported (no graph is built).</summary>
    public bool TreeProvesSilent(CallbackOperations operations)
    {
        CollectLocalGuards(operations.LocalWrites);
        return new Tree(this).Run(_body, operations, entry: true);
    }

    /// <summary>The walk: its state is the bit "missing, not exempt" (may some path reach here without a call or an exempt edge).</summary>
    private sealed class Tree : TreeFlow<bool>
    {
        private readonly SetSequenceFlow _flow;

        public Tree(SetSequenceFlow flow) => _flow = flow;

        protected override bool Never => false;

        protected override bool Join(bool a, bool b) => a || b;

        protected override void Return(IReturnOperation returnOperation, bool missing)
        {
            if (missing && returnOperation.ReturnedValue is { } returned && _flow.MayReturnTrue(returned, missing))
            {
                GiveUp();
            }
        }

        protected override bool Evaluate(bool missing, IOperation operation) => missing && !_flow.CoversUnconditionally(operation);

        protected override (bool WhenTrue, bool WhenFalse) Branch(bool missing, IOperation condition)
            => (missing && !_flow.ExemptWhen(condition, true), missing && !_flow.ExemptWhen(condition, false));

        /// <summary>Nothing sets the bit again: inside or after any region it is at most the entry's.</summary>
        protected override bool Region(bool missing, IOperation region) => missing;

        protected override bool Switch(ISwitchOperation switchOperation, bool missing)
        {
            foreach (var (section, entered) in _flow.SwitchSections(switchOperation, missing))
            {
                var sectionMissing = entered;
                foreach (var statement in section.Body)
                {
                    sectionMissing = Walk(statement, sectionMissing);
                }
            }

            return missing;
        }
    }

    /// <summary>
    /// The sections of a switch statement, each with the bit it is entered with: the switch's, unless every path into it
    /// took an exempt edge. The graph tests the non-default clauses in order (a failed clause leads to the next, a
    /// clause whose pattern matched but whose guard failed too), and the default last.
    /// </summary>
    private List<(ISwitchCaseOperation Section, bool Entered)> SwitchSections(ISwitchOperation switchOperation, bool missing)
    {
        var failedExempt = false; // every path that failed the clauses so far took an exempt edge
        var sections = new List<(ISwitchCaseOperation, bool)>();
        foreach (var section in switchOperation.Cases)
        {
            var entered = false;
            foreach (var clause in section.Clauses)
            {
                if (clause is IDefaultCaseClauseOperation)
                {
                    continue;
                }

                var guard = (clause as IPatternCaseClauseOperation)?.Guard;
                var testTrue = CaseTestExempt(switchOperation.Value, clause, true);
                var testFalse = CaseTestExempt(switchOperation.Value, clause, false);
                var guardTrue = guard is not null && ExemptWhen(guard, true);
                entered |= missing && !failedExempt && !testTrue && !guardTrue;
                failedExempt |= testFalse && (guard is null || testTrue || ExemptWhen(guard, false));
            }

            sections.Add((section, entered));
        }

        // The default is tested last, whatever its place: it is entered with what failed every other clause.
        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i].Item1.Clauses.Any(c => c is IDefaultCaseClauseOperation))
            {
                sections[i] = (sections[i].Item1, sections[i].Item2 || (missing && !failedExempt));
            }
        }

        return sections;
    }

    /// <summary>
    /// Whether the value <paramref name="value"/> of a return, entered with the bit <paramref name="missing"/>, may be the
    /// constant <c>true</c> on a path with the bit set. The graph computes the value of <c>&amp;&amp;</c>, <c>||</c>,
    /// <c>?:</c> and switch expressions on branches and returns the value each branch captured (the constant the
    /// operator cut short with, or an arm): those are followed branch by branch; any other value that might hold such a
    /// constant (<see cref="ReturnSites.MayYieldConstant"/>'s test) may.
    /// </summary>
    private bool MayReturnTrue(IOperation value, bool missing)
    {
        if (!missing)
        {
            return false;
        }

        if (FlowFacts.IsConstant(value, true))
        {
            return true;
        }

        if (value.ConstantValue.HasValue)
        {
            return false;
        }

        switch (value)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } conjunction
                when FlowFacts.IsBool(conjunction.LeftOperand.Type) && FlowFacts.IsBool(conjunction.RightOperand.Type):
                // Cut short with false; otherwise the right operand's value.
                return MayReturnTrue(conjunction.RightOperand, !ExemptWhen(conjunction.LeftOperand, true));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null } disjunction
                when FlowFacts.IsBool(disjunction.LeftOperand.Type) && FlowFacts.IsBool(disjunction.RightOperand.Type):
                return !ExemptWhen(disjunction.LeftOperand, true)
                       || MayReturnTrue(disjunction.RightOperand, !ExemptWhen(disjunction.LeftOperand, false));
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional when FlowFacts.IsBool(conditional.Type):
                return MayReturnTrue(conditional.WhenTrue, !ExemptWhen(conditional.Condition, true))
                       || MayReturnTrue(whenFalse, !ExemptWhen(conditional.Condition, false));
            case ISwitchExpressionOperation switchExpression when FlowFacts.IsBool(switchExpression.Type):
                var failedExempt = false;
                foreach (var arm in switchExpression.Arms)
                {
                    var testTrue = PatternTestExempt(switchExpression.Value, arm.Pattern, true);
                    var guardTrue = arm.Guard is not null && ExemptWhen(arm.Guard, true);
                    if (MayReturnTrue(arm.Value, !failedExempt && !testTrue && !guardTrue))
                    {
                        return true;
                    }

                    failedExempt |= PatternTestExempt(switchExpression.Value, arm.Pattern, false)
                                    && (arm.Guard is null || testTrue || ExemptWhen(arm.Guard, false));
                }

                return false;
        }

        return ReturnSites.MayCaptureConstant(value, true);
    }

    /// <summary>
    /// Whether the edge on which the case test of <paramref name="clause"/> is <paramref name="value"/> is exempt, as the
    /// graph judges the test it builds (the switch value captured, tested against the pattern or the constant). Only
    /// the switch values whose capture the graph recognises are read: the notifier, and <c>range.Owner</c> /
    /// <c>range.Event</c>; false for anything else (the tree then claims nothing).
    /// </summary>
    private bool CaseTestExempt(IOperation switchValue, ICaseClauseOperation clause, bool value)
    {
        switch (clause)
        {
            case ISingleValueCaseClauseOperation when SwitchesOnTheRange(switchValue):
                return true;
            case ISingleValueCaseClauseOperation single when IsOwnerOrEventRead(switchValue) && IsPlain(switchValue):
                var polarity = single.Value.ConstantValue is { HasValue: true, Value: null } ? -1 : 1;
                return value ? polarity is 1 or 2 : polarity is -1 or 2;
            case IPatternCaseClauseOperation pattern:
                return PatternTestExempt(switchValue, pattern.Pattern, value);
            default:
                return false;
        }
    }

    /// <summary>The same for a pattern tested against the value of a switch statement or expression.</summary>
    private bool PatternTestExempt(IOperation switchValue, IPatternOperation pattern, bool value)
    {
        int polarity;
        if (SwitchesOnTheRange(switchValue))
        {
            return true;
        }

        if (IsOwnerOrEventRead(switchValue) && IsPlain(switchValue))
        {
            polarity = PatternPolarity(pattern);
        }
        else if (IsNotifierParameter(switchValue))
        {
            polarity = TypePatternPolarity(pattern);
        }
        else
        {
            return false;
        }

        return value ? polarity is 1 or 2 : polarity is -1 or 2;
    }

    /// <summary>
    /// Whether <paramref name="switchValue"/> is a value computed from the range other than the range itself and its owner
    /// or event (a classification, a local holding one): the graph reads each case test of its capture as a test it cannot
    /// read (<see cref="HoldsAValueOfTheRange"/>), exempt on both edges.
    /// </summary>
    private bool SwitchesOnTheRange(IOperation switchValue)
        => IsPlain(switchValue) && !IsOwnerOrEventRead(switchValue) && HoldsAValueOfTheRange(switchValue);

    /// <summary>
    /// Whether every path on which <paramref name="condition"/> evaluates to <paramref name="value"/> took an exempt
    /// edge, splitting the condition as the graph does (<c>&amp;&amp;</c>, <c>||</c>, <c>!</c>) and judging each test
    /// it branches on by the flow's own <see cref="Polarity"/>. A test with control flow of its own inside (where the
    /// graph would judge captures) claims nothing.
    /// </summary>
    private bool ExemptWhen(IOperation condition, bool value)
    {
        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } conjunction
                when FlowFacts.IsBool(conjunction.LeftOperand.Type) && FlowFacts.IsBool(conjunction.RightOperand.Type):
                return value
                    ? ExemptWhen(conjunction.LeftOperand, true) || ExemptWhen(conjunction.RightOperand, true)
                    : ExemptWhen(conjunction.LeftOperand, false) && (ExemptWhen(conjunction.LeftOperand, true) || ExemptWhen(conjunction.RightOperand, false));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null } disjunction
                when FlowFacts.IsBool(disjunction.LeftOperand.Type) && FlowFacts.IsBool(disjunction.RightOperand.Type):
                return value
                    ? ExemptWhen(disjunction.LeftOperand, true) && (ExemptWhen(disjunction.LeftOperand, false) || ExemptWhen(disjunction.RightOperand, true))
                    : ExemptWhen(disjunction.LeftOperand, false) || ExemptWhen(disjunction.RightOperand, false);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null, IsLifted: false } not
                when FlowFacts.IsBool(not.Operand.Type):
                return ExemptWhen(not.Operand, !value);
        }

        if (!IsPlain(condition))
        {
            return false;
        }

        var polarity = Polarity(condition);
        return value ? polarity is 1 or 2 : polarity is -1 or 2;
    }

    /// <summary>Whether <paramref name="operation"/> has no control flow of its own (the graph evaluates it in one block, without captures).</summary>
    private static bool IsPlain(IOperation operation)
    {
        switch (operation.Kind)
        {
            case OperationKind.Conditional:
            case OperationKind.Coalesce:
            case OperationKind.CoalesceAssignment:
            case OperationKind.ConditionalAccess:
            case OperationKind.SwitchExpression:
            case OperationKind.Throw:
            case OperationKind.AnonymousFunction:
            case OperationKind.InterpolatedString:
            case OperationKind.BinaryPattern:
                return false;
            case OperationKind.Binary
                when ((IBinaryOperation)operation).OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr:
                return false;
        }

        // Without DescendantsAndSelf's iterator (speed only).
        foreach (var child in operation.ChildOperations)
        {
            if (!IsPlain(child))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether evaluating <paramref name="statement"/> runs, on every path through it, a call that covers SetSequence or
    /// creates a lambda that calls it: reached from the statement through operands that every evaluation of their parent
    /// evaluates (<see cref="EvaluatesUnconditionally"/>; no conditional part, no function between them). The walk
    /// descends only through those operands, in source order.
    /// </summary>
    private bool CoversUnconditionally(IOperation statement)
    {
        if (statement is IInvocationOperation self && _calls.CertainlyCovers(self, _method))
        {
            return true;
        }

        // A lambda that calls SetSequence, created here: the flow makes the path exempt where it is created (the code in
        // it runs where the analysis cannot see), which clears "missing, not exempt" as a call does. Its body is not
        // evaluated here.
        if (statement.Kind == OperationKind.AnonymousFunction)
        {
            return _calls.FunctionCallsSetSequence(statement.Syntax);
        }

        foreach (var child in statement.ChildOperations)
        {
            if (EvaluatesUnconditionally(statement, child) && CoversUnconditionally(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every evaluation of <paramref name="parent"/> evaluates its operand <paramref name="child"/>.</summary>
    private static bool EvaluatesUnconditionally(IOperation parent, IOperation child)
    {
        switch (parent)
        {
            case IExpressionStatementOperation:
            case IVariableDeclarationGroupOperation:
            case IVariableDeclarationOperation:
            case IVariableDeclaratorOperation:
            case IVariableInitializerOperation:
            case IArgumentOperation:
            case IConversionOperation:
            case ISimpleAssignmentOperation:
            case ICompoundAssignmentOperation:
            case IInvocationOperation:
            case IPropertyReferenceOperation:
            case IFieldReferenceOperation:
            case IObjectCreationOperation:
            case IUnaryOperation:
            case IAwaitOperation:
            case IDelegateCreationOperation:
                return true;
            case IBinaryOperation binary
                when binary.OperatorKind is not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr)
                     || binary.LeftOperand == child:
                return true;
            case IConditionalOperation conditional when conditional.Condition == child:
                return true;
            default:
                return false;
        }
    }
}
