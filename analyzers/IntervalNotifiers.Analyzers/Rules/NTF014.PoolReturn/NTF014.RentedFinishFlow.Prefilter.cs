using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// The pre-filter of NTF014's start question (a speed-up only: <see cref="RentedFinishFlow"/> alone decides the rule,
/// and a test checks on generated starts that this never rules out a start the flow would report). No graph is built
/// for the pooled start drivers write (docs/rules/NTF014.md):
/// <code>
/// if (!_pool.TryRent(out var f))          // or: if (range.Event == ... || !_pool.TryRent(out var f))
/// {
///     ...                                  // f is not rented here, whatever this branch returns
/// }
/// ...                                      // no return in between
/// finish = f;                              // handed out: every later return is past this statement
/// ...                                      // no write to an out parameter (finish = null would undo the hand-out)
/// </code>
/// Each rented local must be rented by exactly one <c>TryRent</c>, tested (negated, alone or as the right operand of
/// <c>||</c>) by an <c>if</c> without <c>else</c> that is a statement of the method's own block, and handed out by a
/// later statement of that block, <c>finish = f;</c>, with no <c>return</c> between the two and no write to an
/// <c>out</c> parameter after it (an assignment, <c>??=</c>, a deconstruction, a <c>ref</c> or <c>out</c> argument:
/// it could undo the hand-out); the method has no <c>goto</c>. Then a return before the <c>if</c> or inside it sees
/// the local not rented, and any other return is reached only through the hand-out, which stays (statements of one
/// block run in order): the flow could find nothing owed.
/// </summary>
internal static class RentedFinishPrefilter
{
    /// <summary>Whether no return of the start can be reported by NTF014.</summary>
    public static bool RulesOut(NotifierTypes types, MethodBody body, CallbackOperations operations, ImmutableArray<ILocalSymbol> rented)
    {
        if (operations.HasGoto || body.Blocks.IsDefaultOrEmpty || body.Blocks[0] is not IBlockOperation top)
        {
            return false;
        }

        foreach (var local in rented)
        {
            if (!HandedOutRightAfterRent(types, top, operations, local))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HandedOutRightAfterRent(NotifierTypes types, IBlockOperation top, CallbackOperations operations, ILocalSymbol local)
    {
        IInvocationOperation? rent = null;
        foreach (var invocation in operations.Invocations)
        {
            if (NotifierTypes.Is(invocation.TargetMethod, types.PoolTryRent) && RentedFinishFlow.RentsInto(invocation, local))
            {
                if (rent is not null)
                {
                    return false; // rented twice (a loop, a retry): leave it to the flow
                }

                rent = invocation;
            }
        }

        if (rent is null)
        {
            return false;
        }

        var statements = top.Operations;
        var test = -1;
        for (var i = 0; i < statements.Length && test < 0; i++)
        {
            if (statements[i] is IConditionalOperation { WhenFalse: null } conditional && TestsFailedRent(conditional.Condition, rent))
            {
                test = i;
            }
        }

        if (test < 0)
        {
            return false;
        }

        for (var i = test + 1; i < statements.Length; i++)
        {
            if (IsHandOut(statements[i], local))
            {
                return !HasReturnBetween(operations, statements[test].Syntax.Span.End, statements[i].Syntax.SpanStart)
                       && !WritesOutParameterAfter(operations, statements[i].Syntax.Span.End);
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="condition"/> is <c>!rent</c>, or <c>x || !rent</c> (the rent evaluated last).</summary>
    private static bool TestsFailedRent(IOperation condition, IInvocationOperation rent)
    {
        var stripped = OperationFacts.StripConversions(condition);
        if (stripped is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or)
        {
            return TestsFailedRent(or.RightOperand, rent);
        }

        var inner = Conditions.Test(stripped, out var negated);
        return negated && ReferenceEquals(inner, rent);
    }

    /// <summary>Whether <paramref name="statement"/> is <c>finish = local;</c> into an <c>out</c> parameter.</summary>
    private static bool IsHandOut(IOperation statement, ILocalSymbol local)
        => statement is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }
           && OperationFacts.StripConversions(assignment.Target) is IParameterReferenceOperation { Parameter.RefKind: RefKind.Out }
           && OperationFacts.StripConversions(assignment.Value) is ILocalReferenceOperation value
           && SymbolEqualityComparer.Default.Equals(value.Local, local);

    /// <summary>Whether a write after <paramref name="position"/> may change an <c>out</c> parameter (undo a hand-out).</summary>
    private static bool WritesOutParameterAfter(CallbackOperations operations, int position)
    {
        foreach (var write in operations.Writes)
        {
            if (write.Syntax.SpanStart < position)
            {
                continue;
            }

            var written = write switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (write is IDeconstructionAssignmentOperation
                || (written is not null && OperationFacts.StripConversions(written) is IParameterReferenceOperation { Parameter.RefKind: RefKind.Out }))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasReturnBetween(CallbackOperations operations, int start, int end)
    {
        foreach (var returnOperation in operations.Returns)
        {
            var position = returnOperation.Syntax.SpanStart;
            if (position >= start && position < end)
            {
                return true;
            }
        }

        return false;
    }
}
