using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// The NTF007 pre-filter (a speed-up only: <see cref="BlockableFlow"/> alone decides the rule, and tests check on
/// every test source and on generated callbacks that this never rules out a callback the flow would report). No graph
/// is built when every return of the method (outside lambdas and local functions) is valueless (half-typed code), has
/// a value the flow never reads as a definite false on a blockable range (<c>Facts.IsSafe</c>), or is reached only on
/// a non-blockable range (<c>Facts.IsGuardedByNotBlockable</c>).
/// </summary>
internal static class BlockableReturnPrefilter
{
    /// <summary>How deep the values of bool locals are followed.</summary>
    private const int MaxDepth = 4;

    /// <summary>Whether no return of the callback can be reported by NTF007.</summary>
    public static bool RulesOut(NotifierTypes types, IParameterSymbol range, CallbackOperations operations)
    {
        var facts = new Facts(types, range, operations);
        foreach (var returnOperation in operations.Returns)
        {
            if (returnOperation.ReturnedValue is not { } value)
            {
                continue;
            }

            if (!facts.IsSafe(value, 0) && !facts.IsGuardedByNotBlockable(returnOperation))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Facts
    {
        private readonly NotifierTypes _types;
        private readonly IParameterSymbol _range;
        private readonly CallbackOperations _operations;

        public Facts(NotifierTypes types, IParameterSymbol range, CallbackOperations operations)
        {
            _types = types;
            _range = range;
            _operations = operations;
        }

        /// <summary>
        /// Whether the flow can never read <paramref name="value"/> as a definite false on a blockable range: a constant
        /// <c>true</c>, a call (the flow reads a call as unknown, or true for an infinite wait), <c>range.IsBlockable</c>
        /// (true there), a bool local whose every write is such a value, and the operators whose every branch that may run
        /// on a blockable range yields such a value (the graph returns each branch's value: <c>||</c> cut short with true,
        /// <c>&amp;&amp;</c> with false, the arms of <c>?:</c> and of a switch expression).
        /// </summary>
        public bool IsSafe(IOperation value, int depth)
        {
            if (value.ConstantValue is { HasValue: true, Value: bool constant })
            {
                return constant;
            }

            switch (value)
            {
                case IConversionOperation conversion when FlowFacts.IsBool(conversion.Operand.Type):
                    return IsSafe(conversion.Operand, depth);
                case IInvocationOperation:
                    return true;
                case IPropertyReferenceOperation property when IsBlockableOfRange(property):
                    return true;
                case ILocalReferenceOperation local when FlowFacts.IsBool(local.Type) && depth < MaxDepth:
                    return EveryWrite(local.Local, write => IsSafe(write, depth + 1), outOrRefIsEnough: true);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null } disjunction:
                    return IsSafe(disjunction.RightOperand, depth);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } conjunction:
                    return NotBlockableWhen(conjunction.LeftOperand, false, depth) && IsSafe(conjunction.RightOperand, depth);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional when FlowFacts.IsBool(conditional.Type):
                    return (IsSafe(conditional.WhenTrue, depth) || NotBlockableWhen(conditional.Condition, true, depth))
                           && (IsSafe(whenFalse, depth) || NotBlockableWhen(conditional.Condition, false, depth));
                case ISwitchExpressionOperation switchExpression when FlowFacts.IsBool(switchExpression.Type):
                    return switchExpression.Arms.All(arm => IsSafe(arm.Value, depth));
                default:
                    return false;
            }
        }

        /// <summary>
        /// Whether <paramref name="local"/> is written (outside any deconstruction, compound assignment or, unless
        /// <paramref name="outOrRefIsEnough"/>, <c>out</c>/<c>ref</c> argument) only with values that satisfy
        /// <paramref name="test"/>, its declaration among them.
        /// </summary>
        private bool EveryWrite(ILocalSymbol local, System.Func<IOperation, bool> test, bool outOrRefIsEnough)
        {
            var declared = false;
            foreach (var operation in _operations.LocalWrites)
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.Initializer?.Value is not { } initial || !test(initial))
                        {
                            return false;
                        }

                        declared = true;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                        when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        if (!test(assignment.Value))
                        {
                            return false;
                        }

                        break;
                    case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target }
                        when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        return false;
                    case IDeconstructionAssignmentOperation deconstruction
                        when deconstruction.Target.DescendantsAndSelf().Any(t => t is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, local)):
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument
                        when OperationFacts.StripConversions(argument.Value) is ILocalReferenceOperation or IDeclarationExpressionOperation
                             && argument.Value.DescendantsAndSelf().Any(t => t is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, local)):
                        if (!outOrRefIsEnough)
                        {
                            return false;
                        }

                        break;
                }
            }

            return declared || outOrRefIsEnough;
        }

        /// <summary>
        /// Whether <paramref name="statement"/> runs only when the callback's read-only range cannot block: it lies in the
        /// then-branch of an <c>if</c> (or arm of <c>?:</c>) whose condition is true only on a non-blockable range, in the
        /// else-branch of one whose condition is false only there, or after an <c>if</c> of its block whose branch that
        /// would run on a blockable range never completes (ends in <c>return</c> or <c>throw</c>). C# cannot jump into a
        /// branch from outside it, nor (without <c>goto</c>) past an <c>if</c>, so every path to the statement passed that
        /// test.
        /// </summary>
        public bool IsGuardedByNotBlockable(IOperation statement)
        {
            if (_range.RefKind != RefKind.In)
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
                    && ((conditional.WhenTrue == child && NotBlockableWhen(conditional.Condition, true, 0))
                        || (conditional.WhenFalse == child && NotBlockableWhen(conditional.Condition, false, 0))))
                {
                    return true;
                }

                if (parent is IBlockOperation block && !_operations.HasGoto)
                {
                    foreach (var before in block.Operations)
                    {
                        if (before == child)
                        {
                            break;
                        }

                        if (before is IConditionalOperation earlier
                            && ((NeverCompletes(earlier.WhenTrue) && NotBlockableWhen(earlier.Condition, false, 0))
                                || (earlier.WhenFalse is { } otherwise && NeverCompletes(otherwise) && NotBlockableWhen(earlier.Condition, true, 0))))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="statement"/> cannot complete normally: it ends in a <c>return</c> or a <c>throw</c>.</summary>
        private static bool NeverCompletes(IOperation statement) => statement switch
        {
            IReturnOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IThrowOperation => true,
            IBlockOperation { Operations: { Length: > 0 } operations } => NeverCompletes(operations[operations.Length - 1]),
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => NeverCompletes(conditional.WhenTrue) && NeverCompletes(whenFalse),
            _ => false,
        };

        /// <summary>
        /// Whether the flow can find <paramref name="condition"/> equal to <paramref name="value"/> only on a non-blockable
        /// range (or only after reading something it cannot follow, which silences the path): it splits <c>&amp;&amp;</c>,
        /// <c>||</c> and <c>!</c> as the graph does, and reads <c>range.IsBlockable</c> (also compared with a constant or
        /// matched by a constant or property pattern), bool locals that only ever hold such a test, and a wait whose timeout
        /// is infinite on a blockable range (<c>Wait(range.IsBlockable ? Timeout.Infinite : 0)</c>: true there).
        /// </summary>
        private bool NotBlockableWhen(IOperation condition, bool value, int depth)
        {
            switch (OperationFacts.StripConversions(condition))
            {
                case IPropertyReferenceOperation property:
                    return !value && IsBlockableOfRange(property);
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                    return NotBlockableWhen(negation.Operand, !value, depth);
                // 'a && b' is true only when both are; 'a || b' is false only when both are.
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction:
                    return value
                        ? NotBlockableWhen(conjunction.LeftOperand, true, depth) || NotBlockableWhen(conjunction.RightOperand, true, depth)
                        : NotBlockableWhen(conjunction.LeftOperand, false, depth)
                          && (NotBlockableWhen(conjunction.LeftOperand, true, depth) || NotBlockableWhen(conjunction.RightOperand, false, depth));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction:
                    return value
                        ? NotBlockableWhen(disjunction.LeftOperand, true, depth)
                          && (NotBlockableWhen(disjunction.LeftOperand, false, depth) || NotBlockableWhen(disjunction.RightOperand, true, depth))
                        : NotBlockableWhen(disjunction.LeftOperand, false, depth) || NotBlockableWhen(disjunction.RightOperand, false, depth);
                // range.IsBlockable == k, k == range.IsBlockable, != k: the value on a blockable range is known.
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } comparison
                    when BlockableComparedWith(comparison) is { } constant:
                    return (comparison.OperatorKind == BinaryOperatorKind.Equals ? constant : !constant) != value;
                // range.IsBlockable is k / is not k
                case IIsPatternOperation { Value: IPropertyReferenceOperation read } isPattern when IsBlockableOfRange(read):
                    return MatchesOnBlockable(isPattern.Pattern) is { } matches && matches != value;
                // range is { IsBlockable: false }: never true on a blockable range.
                case IIsPatternOperation { Pattern: IRecursivePatternOperation { DeconstructionSubpatterns.IsEmpty: true } recursive } isPattern
                    when value && FlowFacts.IsParameter(isPattern.Value, _range):
                    return recursive.PropertySubpatterns.Any(sub => sub.Member is IPropertyReferenceOperation member
                                                                    && FlowFacts.IsProperty(member, _types.RangeIsBlockable)
                                                                    && MatchesOnBlockable(sub.Pattern) == false);
                case ILocalReferenceOperation local when FlowFacts.IsBool(local.Type) && depth < MaxDepth && !_operations.HasGoto:
                    return EveryWrite(local.Local, write => NotBlockableWhen(write, value, depth + 1), outOrRefIsEnough: false);
                case IInvocationOperation invocation when !value:
                    return IsInfiniteOnBlockable(invocation, depth);
                default:
                    return false;
            }
        }

        /// <summary>The constant that <paramref name="comparison"/> compares <c>range.IsBlockable</c> with, or null.</summary>
        private bool? BlockableComparedWith(IBinaryOperation comparison)
        {
            if (comparison.LeftOperand is IPropertyReferenceOperation left && IsBlockableOfRange(left)
                && comparison.RightOperand.ConstantValue is { HasValue: true, Value: bool right })
            {
                return right;
            }

            if (comparison.RightOperand is IPropertyReferenceOperation rightRead && IsBlockableOfRange(rightRead)
                && comparison.LeftOperand.ConstantValue is { HasValue: true, Value: bool leftConstant })
            {
                return leftConstant;
            }

            return null;
        }

        /// <summary>Whether a constant bool pattern (or its negation) matches the value true; null for any other pattern.</summary>
        private static bool? MatchesOnBlockable(IPatternOperation pattern) => pattern switch
        {
            IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: bool expected } } => expected,
            INegatedPatternOperation negated => !MatchesOnBlockable(negated.Pattern),
            _ => null,
        };

        /// <summary>
        /// A wait that returns true on a blockable range: its timeout is infinite (<c>Wait(-1)</c>), or a <c>?:</c> whose
        /// infinite arm is the one taken on a blockable range (the graph captures each arm and reads the capture).
        /// </summary>
        private bool IsInfiniteOnBlockable(IInvocationOperation invocation, int depth)
        {
            if (BlockableFlow.IsInfiniteWait(invocation))
            {
                return true;
            }

            if (!BlockableFlow.IsWaitMethod(invocation.TargetMethod))
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (OperationFacts.StripConversions(argument.Value) is IConditionalOperation { WhenFalse: { } whenFalse } conditional
                    && BlockableFlow.IsTimeoutType(conditional.Type)
                    && ((IsInfiniteArm(conditional.WhenTrue) && NotBlockableWhen(conditional.Condition, false, depth))
                        || (IsInfiniteArm(whenFalse) && NotBlockableWhen(conditional.Condition, true, depth))))
                {
                    return true;
                }
            }

            return false;

            static bool IsInfiniteArm(IOperation arm)
                => BlockableFlow.IsTimeoutType(arm.Type) && BlockableFlow.IsInfiniteTimeout(OperationFacts.StripConversions(arm));
        }

        private bool IsBlockableOfRange(IPropertyReferenceOperation property)
            => SymbolEqualityComparer.Default.Equals(property.Property, _types.RangeIsBlockable)
               && FlowFacts.IsParameter(property.Instance, _range);
    }
}
