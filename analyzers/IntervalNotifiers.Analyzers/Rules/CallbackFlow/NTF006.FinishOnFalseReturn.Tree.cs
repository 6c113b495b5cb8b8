using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF006 on the operation tree, without a control-flow graph: a proof that <see cref="FinishOnFalseReturnFlow"/> would
/// report nothing, for structured code (a speed-up only; when it cannot prove it, the graph decides, and a test checks
/// on every test input and on generated callbacks that it never proves what the flow contradicts).
/// </summary>
/// <remarks>
/// The flow reports a return of a constant <c>false</c> where the finish's set of values holds "non-null". The tree
/// follows the statements in order with an upper bound of that set, two bits: "non-null" and "unknown" (from which a
/// null test or <c>TryRent</c> may make "non-null"). A write of the finish sets them from the value written (null:
/// neither; a call: unknown; <c>new</c>: non-null; anything else: both), an <c>out</c>/<c>ref</c> argument to
/// "unknown", a condition that may refine (a null test, a pattern, <c>TryRent</c>) turns "unknown" into both. Where
/// paths join the bits are united; a loop, a catch or a finally starts with its entry's bits and every bit a write
/// inside it may set. A return is safe when "non-null" is clear there or its value cannot be the constant
/// <c>false</c>. A <c>goto</c> or an exception filter leaves the question to the graph.
/// </remarks>
internal sealed class FinishOnFalseReturnTree
{
    private const byte NonNull = 1;
    private const byte Unknown = 2;
    private const byte Both = NonNull | Unknown;

    private readonly NotifierTypes _types;
    private readonly IParameterSymbol _finish;
    private bool _gaveUp;

    private FinishOnFalseReturnTree(NotifierTypes types, IParameterSymbol finish)
    {
        _types = types;
        _finish = finish;
    }

    /// <summary>Whether the operation tree proves that no return of the start can be reported by NTF006.</summary>
    public static bool ProvesSilent(NotifierTypes types, MethodBody body, CallbackOperations operations, IParameterSymbol finish)
    {
        if (operations.HasGoto)
        {
            return false;
        }

        var tree = new FinishOnFalseReturnTree(types, finish);
        foreach (var block in body.Blocks)
        {
            if (block is not IBlockOperation statements)
            {
                return false;
            }

            tree.Walk(statements, 0); // an out parameter starts unassigned: null
            if (tree._gaveUp)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Follows <paramref name="statement"/> entered with <paramref name="bits"/>; the bits after it (0 when it never completes normally).</summary>
    private byte Walk(IOperation statement, byte bits)
    {
        if (_gaveUp)
        {
            return Both;
        }

        switch (statement)
        {
            case IBlockOperation block:
                foreach (var inner in block.Operations)
                {
                    bits = Walk(inner, bits);
                }

                return bits;

            case IReturnOperation returnOperation:
                if (returnOperation.ReturnedValue is { } value)
                {
                    bits = Writes(value) ? Both : Region(bits, value);

                    if ((bits & NonNull) != 0 && ReturnSites.MayYieldConstant(returnOperation, false))
                    {
                        _gaveUp = true;
                    }
                }

                return 0;

            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue }:
                return 0; // its target (a loop or a switch) takes every bit its body may set

            case IConditionalOperation conditional:
                var afterCondition = Condition(conditional.Condition, bits);
                var whenTrue = Walk(conditional.WhenTrue, afterCondition);
                var whenFalse = conditional.WhenFalse is { } otherwise ? Walk(otherwise, afterCondition) : afterCondition;
                return (byte)(whenTrue | whenFalse);

            case ILoopOperation loop:
                var head = Region(bits, loop);
                Walk(loop.Body, head);
                return head;

            case ISwitchOperation switchOperation:
                var entry = Region(bits, switchOperation);
                foreach (var section in switchOperation.Cases)
                {
                    var sectionBits = entry;
                    foreach (var inner in section.Body)
                    {
                        sectionBits = Walk(inner, sectionBits);
                    }
                }

                return entry;

            case ITryOperation tryOperation:
                foreach (var handler in tryOperation.Catches)
                {
                    if (handler.Filter is not null)
                    {
                        _gaveUp = true;
                        return Both;
                    }
                }

                // A handler gets the join of the states inside the try; the edges out through a finally get its writes.
                var inTry = Region(bits, tryOperation.Body);
                var after = Walk(tryOperation.Body, bits);
                foreach (var handler in tryOperation.Catches)
                {
                    after |= Walk(handler.Handler, Region(inTry, handler));
                }

                if (tryOperation.Finally is { } finallyBlock)
                {
                    Walk(finallyBlock, Region(bits, tryOperation));
                    after = Region(after, finallyBlock);
                }

                return after;

            case IUsingOperation usingOperation:
                return Walk(usingOperation.Body, Effect(usingOperation.Resources, bits));

            case ILockOperation lockOperation:
                return Walk(lockOperation.Body, Effect(lockOperation.LockedValue, bits));

            case ILabeledOperation labeled:
                return labeled.Operation is { } labeledStatement ? Walk(labeledStatement, bits) : bits;

            case ILocalFunctionOperation:
            case IEmptyOperation:
                return bits;

            case IExpressionStatementOperation:
            case IVariableDeclarationGroupOperation:
                return Effect(statement, bits);

            default:
                if (ReturnSites.ContainsReturn(statement))
                {
                    _gaveUp = true;
                }

                return Region(bits, statement);
        }
    }

    /// <summary>The bits after a condition is evaluated, on either edge: its writes, then the refinements it may allow.</summary>
    private byte Condition(IOperation condition, byte bits) => Region(bits, condition);

    /// <summary>
    /// An upper bound of the bits anywhere in or after <paramref name="operation"/> entered with <paramref name="bits"/>:
    /// what its writes may add, and "non-null" where a branch inside may refine an "unknown".
    /// </summary>
    private byte Region(byte bits, IOperation operation)
    {
        bits = (byte)(bits | SetsAnywhere(operation));
        return (bits & Unknown) != 0 && MayRefine(operation) ? Both : bits;
    }

    /// <summary>
    /// The bits after the statement or expression <paramref name="operation"/>: a plain write of the finish at its top
    /// (<c>finish = value;</c>) replaces them; any other write adds what it may set.
    /// </summary>
    private byte Effect(IOperation operation, byte bits)
    {
        var top = operation is IExpressionStatementOperation statement ? statement.Operation : operation;
        if (top is ISimpleAssignmentOperation assignment && FlowFacts.IsParameter(assignment.Target, _finish)
            && !Writes(assignment.Value) && !MayRefine(assignment.Value))
        {
            return ValueBits(assignment.Value);
        }

        return Region(bits, operation);
    }

    /// <summary>Every bit a write of the finish inside <paramref name="operation"/> may set (outside lambdas and local functions).</summary>
    private byte SetsAnywhere(IOperation operation)
    {
        byte bits = 0;
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case ISimpleAssignmentOperation assignment when FlowFacts.IsParameter(assignment.Target, _finish):
                    bits |= ValueBits(assignment.Value);
                    break;
                case ICoalesceAssignmentOperation coalesce when FlowFacts.IsParameter(coalesce.Target, _finish):
                case IDeconstructionAssignmentOperation deconstruction
                    when deconstruction.Target.DescendantsAndSelf().Any(t => FlowFacts.IsParameter(t, _finish)):
                    bits = Both;
                    break;
                case IArgumentOperation argument when FlowFacts.IsParameter(argument.Value, _finish):
                    bits |= argument.Parameter?.RefKind is RefKind.Out or RefKind.Ref ? Unknown : (byte)0;
                    break;
            }
        }

        return bits;
    }

    /// <summary>Whether <paramref name="operation"/> writes the finish anywhere.</summary>
    private bool Writes(IOperation operation) => SetsAnywhere(operation) != 0 || ContainsWriteOfFinish(operation);

    private bool ContainsWriteOfFinish(IOperation operation)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            if (op is IAssignmentOperation assignment && FlowFacts.IsParameter(assignment.Target, _finish))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The bits a value written to the finish may give it: null (or default) none; a call "unknown" (the flow tracks no
    /// call's result); <c>new</c> "non-null"; anything else (a local, a conditional, a capture) both.
    /// </summary>
    private static byte ValueBits(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        if (FlowFacts.IsNullConstant(value) || value is IDefaultValueOperation { ConstantValue.HasValue: true })
        {
            return 0;
        }

        return value switch
        {
            IInvocationOperation => Unknown,
            IObjectCreationOperation or ITypeParameterObjectCreationOperation => NonNull,
            _ => Both,
        };
    }

    /// <summary>
    /// Whether a branch inside <paramref name="operation"/> may refine a value of the finish (the flow refines on a
    /// <c>TryRent</c>, a comparison with null, and a pattern).
    /// </summary>
    private bool MayRefine(IOperation operation)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case IInvocationOperation invocation when _types.PoolTryRent is not null
                                                          && NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals }:
                case IIsPatternOperation:
                case IPatternOperation:
                case ICaseClauseOperation:
                    return true;
            }
        }

        return false;
    }
}
