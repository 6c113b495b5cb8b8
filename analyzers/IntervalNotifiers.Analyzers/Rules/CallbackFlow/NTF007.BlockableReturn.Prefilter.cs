using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// The NTF007 pre-filter (a speed-up only: <see cref="BlockableFlow"/> alone decides the rule, and a test checks on
/// generated callbacks that this never rules out a callback the flow would report). No graph is built when every
/// return of the method (outside lambdas and local functions) is a constant <c>true</c>, a call (the flow never
/// reads a call as a definite false), a valueless <c>return</c> (half-typed code), or a constant <c>false</c> inside
/// a branch taken only on a non-blockable range (<see cref="IsGuardedByNotBlockable"/>): no return can then yield
/// false on a blockable range.
/// </summary>
internal static class BlockableReturnPrefilter
{
    /// <summary>Whether no return of the callback can be reported by NTF007.</summary>
    public static bool RulesOut(NotifierTypes types, IParameterSymbol range, CallbackOperations operations)
    {
        foreach (var returnOperation in operations.Returns)
        {
            if (returnOperation.ReturnedValue is not { } value)
            {
                continue;
            }

            var stripped = OperationFacts.StripConversions(value);
            if (FlowFacts.IsConstant(stripped, true) || stripped is IInvocationOperation)
            {
                continue;
            }

            if (!FlowFacts.IsConstant(stripped, false) || !IsGuardedByNotBlockable(types, range, returnOperation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> runs only when the callback's read-only range cannot block: it lies in the
    /// then-branch of an <c>if</c> whose condition is true only on a non-blockable range (<c>!range.IsBlockable</c>,
    /// alone or as an operand of <c>&amp;&amp;</c>), or in the else-branch of one whose condition is false only on a
    /// non-blockable range (<c>range.IsBlockable</c>, alone or as an operand of <c>||</c>). C# cannot jump into a
    /// branch from outside it, so every path to the statement passed that test.
    /// </summary>
    private static bool IsGuardedByNotBlockable(NotifierTypes types, IParameterSymbol range, IOperation statement)
    {
        if (range.RefKind != RefKind.In)
        {
            return false; // a by-value or ref range could be reassigned between the test and the return
        }

        IOperation child = statement;
        for (var parent = statement.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (parent is IConditionalOperation conditional
                && ((conditional.WhenTrue == child && NotBlockableWhen(types, range, conditional.Condition, value: true))
                    || (conditional.WhenFalse == child && NotBlockableWhen(types, range, conditional.Condition, value: false))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="condition"/> can evaluate to <paramref name="value"/> only when <c>range.IsBlockable</c> is false.</summary>
    private static bool NotBlockableWhen(NotifierTypes types, IParameterSymbol range, IOperation condition, bool value)
        => OperationFacts.StripConversions(condition) switch
        {
            IPropertyReferenceOperation property
                => !value
                   && SymbolEqualityComparer.Default.Equals(property.Property, types.RangeIsBlockable)
                   && FlowFacts.IsParameter(property.Instance, range),
            IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation
                => NotBlockableWhen(types, range, negation.Operand, !value),
            // 'a && b' is true only when both are; 'a || b' is false only when both are.
            IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when value
                => NotBlockableWhen(types, range, conjunction.LeftOperand, true) || NotBlockableWhen(types, range, conjunction.RightOperand, true),
            IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when !value
                => NotBlockableWhen(types, range, disjunction.LeftOperand, false) || NotBlockableWhen(types, range, disjunction.RightOperand, false),
            _ => false,
        };
}
