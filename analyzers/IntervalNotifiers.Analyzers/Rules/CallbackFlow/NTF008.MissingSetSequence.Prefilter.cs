using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// The NTF008 pre-filter (a speed-up only: <see cref="SetSequenceFlow"/> alone decides the rule, and a test checks on
/// generated callbacks that this never rules out a callback the flow would report). No graph is built for the common
/// shape: a direct <c>SetSequence</c> call that is a statement of the method body (nested only in blocks, <c>lock</c>
/// and <c>using</c> bodies and the bodies of <c>try</c> statements without <c>catch</c>: no branch, loop, catch,
/// conditional access or function around it) and comes before every return of the method that could yield a
/// constant <c>true</c> (no other return is ever offending), in a method without <c>goto</c>. Every path to every
/// such return then runs the call, so the flow could find nothing.
/// </summary>
internal static class MissingSetSequencePrefilter
{
    /// <summary>Whether no return of the callback can be reported by NTF008.</summary>
    public static bool RulesOut(SetSequenceCalls calls, CallbackOperations operations)
    {
        if (operations.HasGoto)
        {
            return false;
        }

        var earliest = int.MaxValue;
        foreach (var invocation in operations.Invocations)
        {
            if (calls.IsSetSequence(invocation.TargetMethod) && invocation.Syntax.Span.End < earliest && IsUnconditionalStatement(invocation))
            {
                earliest = invocation.Syntax.Span.End;
            }
        }

        if (earliest == int.MaxValue)
        {
            return false;
        }

        foreach (var returnOperation in operations.Returns)
        {
            // Only a constant true can be an offending return (a false, a call, a variable never is).
            if (ReturnSites.MayYieldConstant(returnOperation, true) && returnOperation.Syntax.SpanStart < earliest)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="invocation"/> is an expression statement nested only in blocks, lock, using and catch-less try bodies.</summary>
    internal static bool IsUnconditionalStatement(IOperation invocation)
    {
        if (invocation.Parent is not IExpressionStatementOperation statement)
        {
            return false;
        }

        IOperation child = statement;
        for (var parent = statement.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IBlockOperation:
                case ILockOperation @lock when @lock.Body == child:
                case IUsingOperation @using when @using.Body == child:
                case ITryOperation { Catches.IsEmpty: true } @try when @try.Body == child:
                    continue;
                case IMethodBodyOperation when parent.Parent is null:
                    return true;
                default:
                    return false;
            }
        }

        return child is IBlockOperation; // a body block at the root
    }
}
