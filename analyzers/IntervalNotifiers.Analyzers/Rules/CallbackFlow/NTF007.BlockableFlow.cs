using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF007: what each path knows about <c>range.IsBlockable</c>. The state is split in two: the paths on which
/// the range is blockable and those on which it is not, each with the values of the method's bool locals
/// and flow captures (so <c>var blockable = range.IsBlockable; if (!blockable) return false;</c> and
/// <c>bool mayFail = false; if (!range.IsBlockable) mayFail = true; if (mayFail) return false;</c> are
/// understood). A value is a set of {false, true} plus an "opaque" mark for values that may encode the
/// blockability in a way the analysis cannot read (a helper that receives the range, a field or method
/// whose name speaks of blocking or sleeping). A return is reported when, on a blockable path that never
/// met anything opaque, its value is definitely false.
/// </summary>
internal sealed partial class BlockableFlow : ForwardFlow<BlockableFlow.State>
{
    private const byte False = 1;
    private const byte True = 2;
    private const byte Unknown = False | True;
    private const byte Opaque = 4;

    /// <summary>The env key marking a path on which the range escaped into code the analysis cannot see.</summary>
    private static readonly object Escaped = new();

    private readonly NotifierTypes _types;
    private readonly IParameterSymbol _range;

    public BlockableFlow(NotifierTypes types, IParameterSymbol range)
    {
        _types = types;
        _range = range;
    }

    /// <summary>Both kinds of path start with nothing known about the method's bool values.</summary>
    protected override State Entry => new(FlowValues.Empty(Unknown), FlowValues.Empty(Unknown));

    /// <summary>A path offends when, on a blockable range that never met anything opaque, it returns a definite false.</summary>
    protected override bool Offends(ReturnPath<State> path)
        => path.State.Blockable is { } env && path.Value is not null && (env[Escaped] & Opaque) == 0
           && Evaluate(path.Value, env, blockable: true) == False;

    /// <summary>
    /// Whether every read of <c>IsBlockable</c> in the method sits in a bool context the flow reads: a condition,
    /// a bool local, a return value, the logic operators and patterns between. A read used any other way
    /// (an argument, a field store, the condition of a non-bool <c>?:</c>) makes the whole method opaque.
    /// </summary>
    public bool UnderstandsEveryRead(IEnumerable<IOperation> operations)
    {
        foreach (var operation in operations)
        {
            if (operation is IPropertyReferenceOperation property && IsBlockableProperty(property)
                && !InBoolContext(property))
            {
                return false;
            }
        }

        return true;
    }

    private bool InBoolContext(IPropertyReferenceOperation read)
    {
        IOperation current = read;
        if (read.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.PatternInput })
        {
            // A property subpattern: climb to the 'is' expression and require it to test the range itself.
            var parent = read.Parent;
            while (parent is IPropertySubpatternOperation or IPatternOperation)
            {
                parent = parent.Parent;
            }

            if (parent is not IIsPatternOperation isPattern || !IsRangeParameter(isPattern.Value))
            {
                return false;
            }

            current = isPattern;
        }
        else if (!IsRangeParameter(read.Instance))
        {
            return false;
        }

        while (true)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                case IConversionOperation when FlowFacts.IsBool(parent.Type):
                case IBinaryOperation when FlowFacts.IsBool(parent.Type):
                case IIsPatternOperation isPattern when isPattern.Value == current:
                    current = parent;
                    continue;
                case IConditionalOperation conditional when conditional.Condition == current:
                    return conditional.Type is null || FlowFacts.IsBool(conditional.Type) || IsWaitTimeout(conditional);
                case IConditionalOperation conditional when FlowFacts.IsBool(conditional.Type):
                    current = parent;
                    continue;
                case IWhileLoopOperation loop when loop.Condition == current:
                    return true;
                case IForLoopOperation loop when loop.Condition == current:
                    return true;
                case IInterpolationOperation:
                    // Logged in an interpolated string: the value goes nowhere the flow cares about.
                    return true;
                case IReturnOperation:
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return FlowFacts.IsBool(declarator.Symbol.Type);
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                    return assignment.Target is ILocalReferenceOperation local && FlowFacts.IsBool(local.Type);
                case IPatternCaseClauseOperation clause when clause.Guard == current:
                    return true;
                default:
                    return false;
            }
        }
    }

    private bool IsBlockableProperty(IPropertyReferenceOperation property) => FlowFacts.IsProperty(property, _types.RangeIsBlockable);

    private bool IsRangeParameter(IOperation? operation) => FlowFacts.IsParameter(operation, _range);

    private bool IsBlockableOfRange(IOperation operation)
        => operation is IPropertyReferenceOperation property && IsBlockableProperty(property) && IsRangeParameter(property.Instance);

    /// <summary>Whether the range escapes in <paramref name="operation"/> (passed, copied, anything but a plain property read).</summary>
    private bool RangeEscapes(IOperation operation)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            if (op is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range)
                && !IsPlainRangeRead(parameter)
                && !(parameter.Parent is IIsPatternOperation pattern && pattern.Value == parameter))
            {
                return true;
            }
        }

        return false;
    }

    protected override State Join(State a, State b)
        => new(JoinEnv(a.NotBlockable, b.NotBlockable), JoinEnv(a.Blockable, b.Blockable));

    private static FlowValues? JoinEnv(FlowValues? a, FlowValues? b)
        => a is null ? b : b is null ? a : a.Join(b);

    protected override bool Same(State a, State b) => SameEnv(a.NotBlockable, b.NotBlockable) && SameEnv(a.Blockable, b.Blockable);

    private static bool SameEnv(FlowValues? a, FlowValues? b)
        => a is null || b is null ? a is null && b is null : a.Same(b);

    protected override State Transfer(State state, IOperation operation)
        => new(TransferEnv(state.NotBlockable, operation, blockable: false),
               TransferEnv(state.Blockable, operation, blockable: true));

    private FlowValues? TransferEnv(FlowValues? env, IOperation operation, bool blockable)
    {
        if (env is null)
        {
            return null;
        }

        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment
                    when FlowFacts.IsBool(local.Type):
                    env = env.Set(local.Local, Evaluate(assignment.Value, env, blockable));
                    break;
                case IFlowCaptureOperation capture when FlowFacts.IsBool(capture.Value.Type):
                    env = env.Set(capture.Id, Evaluate(capture.Value, env, blockable));
                    break;
                case IFlowCaptureOperation capture when IsTimeoutType(capture.Value.Type):
                    // An arm of 'blockable ? Timeout.Infinite : 0': True when this arm is an infinite timeout.
                    env = env.Set(capture.Id, IsInfiniteTimeout(OperationFacts.StripConversions(capture.Value)) ? True : False);
                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation local } compound
                    when FlowFacts.IsBool(local.Type):
                    env = env.Set(local.Local, Combine(compound.OperatorKind, env[local.Local],
                                                        Evaluate(compound.Value, env, blockable)));
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument:
                    var target = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
                    if (target is ILocalReferenceOperation outLocal && FlowFacts.IsBool(outLocal.Type))
                    {
                        var call = argument.Parent ?? argument;
                        env = env.Set(outLocal.Local,
                                  IsOpaque(call, env) ? (byte)(Unknown | Opaque)
                                  : call is IInvocationOperation enter ? FlagAfter(enter, env, blockable)
                                  : Unknown);
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var t in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (t is ILocalReferenceOperation deconstructed && FlowFacts.IsBool(deconstructed.Type))
                        {
                            env = env.Set(deconstructed.Local, Unknown | Opaque);
                        }
                    }

                    break;
            }
        }

        if (RangeEscapes(operation))
        {
            env = env.Set(Escaped, Unknown | Opaque);
        }

        return env;
    }

    protected override (State? WhenTrue, State? WhenFalse) Branch(State state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var (notTrue, notFalse) = BranchEnv(after.NotBlockable, condition, blockable: false);
        var (blockTrue, blockFalse) = BranchEnv(after.Blockable, condition, blockable: true);
        return (Make(notTrue, blockTrue), Make(notFalse, blockFalse));

        static State? Make(FlowValues? notBlockable, FlowValues? blockable)
            => notBlockable is null && blockable is null ? null : new State(notBlockable, blockable);
    }

    private (FlowValues? WhenTrue, FlowValues? WhenFalse) BranchEnv(
        FlowValues? env, IOperation condition, bool blockable)
    {
        if (env is null)
        {
            return (null, null);
        }

        var value = Evaluate(condition, env, blockable);
        if ((value & Opaque) != 0)
        {
            var marked = env.Set(Escaped, Unknown | Opaque);
            return (marked, marked);
        }

        return ((value & True) != 0 ? env : null, (value & False) != 0 ? env : null);
    }

    internal sealed class State
    {
        public State(FlowValues? notBlockable, FlowValues? blockable)
        {
            NotBlockable = notBlockable;
            Blockable = blockable;
        }

        /// <summary>The bool values on the paths where the range is not blockable; null when there are none.</summary>
        public FlowValues? NotBlockable { get; }

        /// <summary>The bool values on the paths where the range is blockable; null when there are none.</summary>
        public FlowValues? Blockable { get; }
    }
}
