using System;
using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// NTF014's question about <c>InvalidateFinish</c> (docs/rules/NTF014.md): which exits of the method (a
/// <c>return;</c>, or its end) are reached on a path where the pooled finish was neither returned nor handed to code
/// that may return it. A walk over the statements in order: the state is "may still be owed" (true), "handed off on
/// every path" (false) or unreachable (null). Only a use that hands the finish on ends the obligation
/// (<see cref="FinishUses"/>); a <c>finally</c> runs before every exit it guards; a path that throws is not a leak
/// (an exception is loud). A void method's <c>return;</c> leaves no trace in Roslyn's control-flow graph, so this
/// rule walks the statements instead of the graph to say which <c>return;</c> leaks. Any statement it does not
/// model (<c>goto</c>, labels) makes it give up: no proof, no diagnostic.
/// </summary>
internal sealed partial class FinishReturnWalk
{
    private readonly HashSet<ISymbol> _finish = new(SymbolEqualityComparer.Default);
    private readonly List<IOperation> _finallies = new();
    private readonly List<List<bool?>> _breaks = new();
    private readonly List<List<bool?>> _continues = new();
    private readonly List<SyntaxNode> _leaks = new();

    // Speed: every operation that holds a use handing the finish on (a local function call, or a reference that does
    // not keep the finish), and every one that holds a jump this walk does not model, each marked once with all the
    // operations above it, instead of a walk below each statement (the same answer: an operation holds another exactly
    // when it is one of that one's parents).
    private readonly HashSet<IOperation> _handsOff = new(OperationIdentity.Instance);
    private readonly HashSet<IOperation> _jumps = new(OperationIdentity.Instance);

    private FinishReturnWalk(IParameterSymbol finish) => _finish.Add(finish);

    /// <summary>
    /// The leaking exits of <paramref name="body"/>: <c>return;</c> statements, and <paramref name="body"/>'s own syntax
    /// when its end is reached still owing the finish. Empty when the walk gave up.
    /// </summary>
    public static IReadOnlyList<SyntaxNode> LeakingExits(IBlockOperation body, IParameterSymbol finish, IOperation[] operations)
    {
        var walk = new FinishReturnWalk(finish);
        walk.CollectCopies(operations);
        walk.MarkUses(operations);
        try
        {
            if (walk.Statement(body, true) == true)
            {
                walk._leaks.Add(body.Syntax);
            }
        }
        catch (GiveUp)
        {
            return Array.Empty<SyntaxNode>();
        }

        return walk._leaks;
    }

    private bool? Statement(IOperation? statement, bool? state)
    {
        if (statement is null || state is null)
        {
            return state;
        }

        switch (statement)
        {
            case IBlockOperation block:
                foreach (var inner in block.Operations)
                {
                    state = Statement(inner, state);
                }

                return state;

            case IReturnOperation returnOperation:
                state = Uses(returnOperation.ReturnedValue, state);
                if (AfterFinallies(state, _finallies.Count) == true)
                {
                    _leaks.Add(returnOperation.Syntax);
                }

                return null;

            case IExpressionStatementOperation { Operation: IThrowOperation }:
            case IThrowOperation:
                return null; // an exception is loud: not a leak

            case IConditionalOperation conditional:
                state = Uses(conditional.Condition, state);
                var (whenTrue, whenFalse) = Test(conditional.Condition, state);
                return Join(Statement(conditional.WhenTrue, whenTrue), Statement(conditional.WhenFalse, whenFalse));

            case ILoopOperation loop:
                return Loop(loop, state);

            case IBranchOperation { BranchKind: BranchKind.Break } when _breaks.Count > 0:
                _breaks[_breaks.Count - 1].Add(state);
                return null;

            case IBranchOperation { BranchKind: BranchKind.Continue } when _continues.Count > 0:
                _continues[_continues.Count - 1].Add(state);
                return null;

            case ITryOperation tryOperation:
                return Try(tryOperation, state);

            case IUsingOperation usingOperation:
                return Statement(usingOperation.Body, Uses(usingOperation.Resources, state));

            case ILockOperation lockOperation:
                return Statement(lockOperation.Body, Uses(lockOperation.LockedValue, state));

            case ISwitchOperation switchOperation:
                return Switch(switchOperation, state);

            case ILocalFunctionOperation:
                return state; // a declaration: its body runs where it is called (a call hands the finish off)

            case IBranchOperation or ILabeledOperation:
                throw new GiveUp();

            default:
                if (_jumps.Contains(statement))
                {
                    throw new GiveUp(); // a statement shape this walk does not model
                }

                return Uses(statement, state);
        }
    }

    private bool? Loop(ILoopOperation loop, bool? state)
    {
        switch (loop)
        {
            case IForLoopOperation forLoop:
                foreach (var before in forLoop.Before)
                {
                    state = Statement(before, state);
                }

                break;
            case IForEachLoopOperation forEach:
                state = Uses(forEach.Collection, state);
                break;
        }

        // The head of the loop: reached first with the entry state, then again after each pass (at most twice:
        // the state only grows, and it has one bit).
        var head = state;
        bool? exit = null;
        for (var pass = 0; pass < 2; pass++)
        {
            _breaks.Add(new List<bool?>());
            _continues.Add(new List<bool?>());
            var atTest = Uses(ConditionOf(loop), head);
            bool? end;
            if (loop is IWhileLoopOperation { ConditionIsTop: false })
            {
                // do { } while (c): the body runs first, the test after it.
                end = Uses(ConditionOf(loop), Statement(loop.Body, head));
                end = Join(end, JoinAll(_continues[_continues.Count - 1]));
                exit = Join(end, JoinAll(_breaks[_breaks.Count - 1]));
            }
            else
            {
                end = Statement(loop.Body, atTest);
                end = Join(end, JoinAll(_continues[_continues.Count - 1]));
                if (loop is IForLoopOperation forLoop)
                {
                    foreach (var bottom in forLoop.AtLoopBottom)
                    {
                        end = Statement(bottom, end);
                    }
                }

                // while (true) and for (;;) leave only through a break (or a return or throw).
                var endless = ConditionOf(loop) is not { } condition || condition.ConstantValue is { HasValue: true, Value: true };
                exit = Join(endless && loop is not IForEachLoopOperation ? null : atTest, JoinAll(_breaks[_breaks.Count - 1]));
            }

            _breaks.RemoveAt(_breaks.Count - 1);
            _continues.RemoveAt(_continues.Count - 1);
            var next = Join(head, end);
            if (next == head)
            {
                break;
            }

            head = next;
        }

        return exit;
    }

    private static IOperation? ConditionOf(ILoopOperation loop) => loop switch
    {
        IWhileLoopOperation whileLoop => whileLoop.Condition,
        IForLoopOperation forLoop => forLoop.Condition,
        _ => null,
    };

    private bool? Try(ITryOperation tryOperation, bool? state)
    {
        if (tryOperation.Finally is { } finallyBlock)
        {
            _finallies.Add(finallyBlock);
        }

        var after = Statement(tryOperation.Body, state);
        foreach (var handler in tryOperation.Catches)
        {
            // A handler can be entered from any point of the try; the state only shrinks along a path, so the
            // try's entry state covers every such point.
            var caught = Uses(handler.Filter, Uses(handler.ExceptionDeclarationOrExpression, state));
            after = Join(after, Statement(handler.Handler, caught));
        }

        if (tryOperation.Finally is { } finallyBody)
        {
            _finallies.RemoveAt(_finallies.Count - 1);
            after = Statement(finallyBody, after);
        }

        return after;
    }

    private bool? Switch(ISwitchOperation switchOperation, bool? state)
    {
        state = Uses(switchOperation.Value, state);
        _breaks.Add(new List<bool?>());
        var hasDefault = false;
        bool? exit = null;
        foreach (var section in switchOperation.Cases)
        {
            var entry = state;
            foreach (var clause in section.Clauses)
            {
                hasDefault |= clause is IDefaultCaseClauseOperation;
                entry = Uses(clause, entry);
            }

            var end = entry;
            foreach (var inner in section.Body)
            {
                end = Statement(inner, end);
            }

            exit = Join(exit, end);
        }

        exit = Join(exit, JoinAll(_breaks[_breaks.Count - 1]));
        _breaks.RemoveAt(_breaks.Count - 1);
        return hasDefault ? exit : Join(exit, state);
    }

    /// <summary>
    /// The states on the two branches of <paramref name="condition"/>: where a type test or null test on the finish
    /// fails (<c>finish is PoolFinish f</c> false, <c>finish is null</c> true), the value is not a pooled finish and
    /// nothing is owed.
    /// </summary>
    private (bool? WhenTrue, bool? WhenFalse) Test(IOperation condition, bool? state)
    {
        if (state != true)
        {
            return (state, state);
        }

        var test = Conditions.Test(condition, out var negated);

        bool? matchesPooled = null; // true: the test holds only for a non-null finish; false: only for null
        switch (test)
        {
            case IIsPatternOperation pattern when IsFinish(pattern.Value):
                var inner = pattern.Pattern;
                while (inner is INegatedPatternOperation negatedPattern)
                {
                    negated = !negated;
                    inner = negatedPattern.Pattern;
                }

                matchesPooled = inner switch
                {
                    IConstantPatternOperation constant when FlowFacts.IsNullConstant(constant.Value) => false,
                    IDeclarationPatternOperation { MatchesNull: false } or ITypePatternOperation or IRecursivePatternOperation => true,
                    _ => null,
                };
                break;
            case IIsTypeOperation isType when IsFinish(isType.ValueOperand):
                matchesPooled = !isType.IsNegated;
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when (IsFinish(binary.LeftOperand) && FlowFacts.IsNullConstant(binary.RightOperand))
                     || (IsFinish(binary.RightOperand) && FlowFacts.IsNullConstant(binary.LeftOperand)):
                matchesPooled = binary.OperatorKind == BinaryOperatorKind.NotEquals;
                break;
        }

        if (matchesPooled is not { } pooled)
        {
            return (state, state);
        }

        var (whenTrue, whenFalse) = pooled ? (state, (bool?)false) : (false, state);
        return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
    }

    private bool IsFinish(IOperation operation)
        => FinishUses.SymbolOf(OperationFacts.StripConversions(operation)) is { } symbol && _finish.Contains(symbol);

    /// <summary>The state after the innermost <paramref name="count"/> pending <c>finally</c> blocks ran, innermost first.</summary>
    private bool? AfterFinallies(bool? state, int count)
    {
        var saved = _finallies.GetRange(0, count);
        for (var i = count - 1; i >= 0 && state is not null; i--)
        {
            _finallies.RemoveRange(i, _finallies.Count - i);
            state = Statement(saved[i], state);
        }

        _finallies.Clear();
        _finallies.AddRange(saved);
        return state;
    }

    /// <summary>The state after <paramref name="operation"/> runs: false once it may hand the finish on.</summary>
    private bool? Uses(IOperation? operation, bool? state)
    {
        if (operation is null || state != true)
        {
            return state;
        }

        return _handsOff.Contains(operation) ? false : state;
    }

    /// <summary>
    /// Marks the uses that hand the finish on (a local function may return what it captures; a reference that does not
    /// keep the finish) and the jumps this walk does not model (a <c>return</c>, <c>break</c>, <c>continue</c>,
    /// <c>goto</c> or label of the method itself), with every operation above each.
    /// </summary>
    private void MarkUses(IOperation[] operations)
    {
        foreach (var inner in operations)
        {
            switch (inner)
            {
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction }:
                    MarkUp(inner, _handsOff);
                    break;
                case ILocalReferenceOperation or IParameterReferenceOperation
                    when FinishUses.SymbolOf(inner) is { } symbol && _finish.Contains(symbol)
                         && !FinishUses.KeepsTheFinish(inner, IsCopy):
                    MarkUp(inner, _handsOff);
                    break;
                case IReturnOperation or IBranchOperation or ILabeledOperation when !OperationFacts.IsInsideFunction(inner):
                    MarkUp(inner, _jumps);
                    break;
            }
        }
    }

    private static void MarkUp(IOperation operation, HashSet<IOperation> marks)
    {
        for (var current = operation; current is not null && marks.Add(current); current = current.Parent)
        {
        }
    }

    private static bool? Join(bool? a, bool? b) => a is null ? b : b is null ? a : a.Value || b.Value;

    private static bool? JoinAll(List<bool?> states)
    {
        bool? joined = null;
        foreach (var state in states)
        {
            joined = Join(joined, state);
        }

        return joined;
    }

    /// <summary>Thrown when a statement shape is not modelled: the walk reports nothing.</summary>
    private sealed class GiveUp : Exception
    {
    }
}
