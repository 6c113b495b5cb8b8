using System.Linq;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// The NTF006 pre-filter (a speed-up only: <see cref="FinishOnFalseReturnFlow"/> alone decides the rule, and a test
/// checks on generated callbacks that this never rules out a callback the flow would report). No graph is built
/// when the start never writes a non-null value into its finish, or when every return that could yield a constant
/// <c>false</c> (outside lambdas and local functions) directly follows <c>finish = null;</c> (or <c>default</c>) in
/// the same block, outside any <c>try</c> with a <c>finally</c>, and its value cannot write the finish: the finish
/// is then null on every path into those returns, and only they could be reported.
/// </summary>
internal static class FinishOnFalseReturnPrefilter
{
    /// <summary>Whether no return of the callback can be reported by NTF006.</summary>
    public static bool RulesOut(CallbackOperations operations, IParameterSymbol finish)
        => !AnyMayHandOut(operations, finish) || EveryFalseReturnClearsTheFinish(operations, finish);

    private static bool AnyMayHandOut(CallbackOperations operations, IParameterSymbol finish)
    {
        foreach (var write in operations.Writes)
        {
            if (MayHandOut(write, finish))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EveryFalseReturnClearsTheFinish(CallbackOperations operations, IParameterSymbol finish)
    {
        foreach (var returnOperation in operations.Returns)
        {
            if (!ReturnSites.MayYieldConstant(returnOperation, false))
            {
                continue;
            }

            if (StatementBefore(returnOperation) is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation clear }
                || !FlowFacts.IsParameter(clear.Target, finish)
                || !FlowFacts.IsNullConstant(clear.Value)
                || HasFinallyAround(returnOperation)
                || (returnOperation.ReturnedValue is { } value && value.DescendantsAndSelf().Any(o => MayHandOut(o, finish))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The statement right before <paramref name="statement"/> in its block, or null.</summary>
    private static IOperation? StatementBefore(IOperation statement)
    {
        if (statement.Parent is not IBlockOperation block)
        {
            return null;
        }

        var index = block.Operations.IndexOf(statement);
        return index >= 1 ? block.Operations[index - 1] : null;
    }

    private static bool HasFinallyAround(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ITryOperation { Finally: not null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="operation"/> may put a non-null value in the finish.</summary>
    private static bool MayHandOut(IOperation operation, IParameterSymbol finish) => operation switch
    {
        ISimpleAssignmentOperation assignment when FlowFacts.IsParameter(assignment.Target, finish)
            => !FlowFacts.IsNullConstant(assignment.Value),
        IArgumentOperation argument when FlowFacts.IsParameter(argument.Value, finish) => true,
        ICoalesceAssignmentOperation coalesce when FlowFacts.IsParameter(coalesce.Target, finish) => true,
        IDeconstructionAssignmentOperation deconstruction
            when deconstruction.Target.DescendantsAndSelf().Any(target => FlowFacts.IsParameter(target, finish)) => true,
        _ => false,
    };
}
