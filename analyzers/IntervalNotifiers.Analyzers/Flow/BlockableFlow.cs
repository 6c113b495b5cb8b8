using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Flow;

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
internal sealed class BlockableFlow : ForwardFlow<BlockableFlow.State>
{
    public const byte False = 1;
    public const byte True = 2;
    public const byte Unknown = False | True;
    public const byte Opaque = 4;

    /// <summary>The env key marking a path on which the range escaped into code the analysis cannot see.</summary>
    private static readonly object Escaped = new();

    private readonly NotifierTypes _types;
    private readonly IParameterSymbol _range;

    private BlockableFlow(NotifierTypes types, IParameterSymbol range)
    {
        _types = types;
        _range = range;
    }

    /// <summary>The return statements that return false on a path where the range may be blockable.</summary>
    public static IReadOnlyList<SyntaxNode> Find(NotifierTypes types, IMethodSymbol callback, IEnumerable<IOperation> operations,
                                                 Func<ControlFlowGraph?> getCfg, CancellationToken cancellationToken)
    {
        var found = new List<SyntaxNode>();
        IParameterSymbol? range = null;
        foreach (var parameter in callback.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, types.Range))
            {
                range = parameter;
                break;
            }
        }

        if (range is null || types.RangeIsBlockable is null)
        {
            return found;
        }

        var flow = new BlockableFlow(types, range);
        if (!MayReturnFalse(operations) || !flow.AllBlockableReadsUnderstood(operations))
        {
            return found;
        }

        var cfg = getCfg();
        if (cfg is null)
        {
            return found;
        }

        var empty = ImmutableDictionary.Create<object, byte>(FlowKeyComparer.Instance);
        var result = flow.Run(cfg, new State(empty, empty), cancellationToken);
        if (result is null)
        {
            return found;
        }

        foreach (var path in ReturnSites.Enumerate(cfg, result))
        {
            if (path.State.Blockable is not { } env || path.Value is null
                || (Lookup(env, Escaped) & Opaque) != 0)
            {
                continue;
            }

            if (flow.Evaluate(path.Value, env, blockable: true) == False && !found.Contains(path.Statement))
            {
                found.Add(path.Statement);
            }
        }

        return found;
    }

    /// <summary>Pre-filter: some return may yield false (a constant, or a bool expression that is not a plain call).</summary>
    private static bool MayReturnFalse(IEnumerable<IOperation> operations)
    {
        var mayReturnFalse = false;
        foreach (var operation in operations)
        {
            if (operation is IReturnOperation { ReturnedValue: { } value } && !OperationFacts.IsInsideFunction(operation))
            {
                var stripped = OperationFacts.StripConversions(value);
                if (!ReturnSites.IsConstant(stripped, true) && stripped is not IInvocationOperation)
                {
                    mayReturnFalse = true;
                }
            }
        }

        return mayReturnFalse;
    }

    /// <summary>
    /// Whether every read of <c>IsBlockable</c> in the method sits in a bool context the flow reads: a condition,
    /// a bool local, a return value, the logic operators and patterns between. A read used any other way
    /// (an argument, a field store, the condition of a non-bool <c>?:</c>) makes the whole method opaque.
    /// </summary>
    private bool AllBlockableReadsUnderstood(IEnumerable<IOperation> operations)
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
                case IConversionOperation when ReturnSites.IsBool(parent.Type):
                case IBinaryOperation when ReturnSites.IsBool(parent.Type):
                case IIsPatternOperation isPattern when isPattern.Value == current:
                    current = parent;
                    continue;
                case IConditionalOperation conditional when conditional.Condition == current:
                    return conditional.Type is null || ReturnSites.IsBool(conditional.Type) || IsWaitTimeout(conditional);
                case IConditionalOperation conditional when ReturnSites.IsBool(conditional.Type):
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
                    return ReturnSites.IsBool(declarator.Symbol.Type);
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                    return assignment.Target is ILocalReferenceOperation local && ReturnSites.IsBool(local.Type);
                case IPatternCaseClauseOperation clause when clause.Guard == current:
                    return true;
                default:
                    return false;
            }
        }
    }

    private bool IsBlockableProperty(IPropertyReferenceOperation property)
        => SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _types.RangeIsBlockable);

    private bool IsRangeParameter(IOperation? operation)
        => operation is not null
           && OperationFacts.StripConversions(operation) is IParameterReferenceOperation parameter
           && SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range);

    private bool IsBlockableOfRange(IOperation operation)
        => operation is IPropertyReferenceOperation property && IsBlockableProperty(property) && IsRangeParameter(property.Instance);

    private static byte Lookup(ImmutableDictionary<object, byte> env, object key)
        => env.TryGetValue(key, out var value) ? value : Unknown;

    private static byte Not(byte value) => (byte)((value & Opaque) | ((value & False) != 0 ? True : 0) | ((value & True) != 0 ? False : 0));

    private static byte Combine(BinaryOperatorKind kind, byte left, byte right)
    {
        if (((left | right) & Opaque) != 0)
        {
            return Unknown | Opaque;
        }

        byte result = 0;
        for (var l = 0; l < 2; l++)
        {
            if ((left & (l == 1 ? True : False)) == 0)
            {
                continue;
            }

            for (var r = 0; r < 2; r++)
            {
                if ((right & (r == 1 ? True : False)) == 0)
                {
                    continue;
                }

                bool? value = kind switch
                {
                    BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => l == 1 && r == 1,
                    BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => l == 1 || r == 1,
                    BinaryOperatorKind.Equals => l == r,
                    BinaryOperatorKind.NotEquals or BinaryOperatorKind.ExclusiveOr => l != r,
                    _ => null,
                };
                if (value is null)
                {
                    return Unknown;
                }

                result |= value.Value ? True : False;
            }
        }

        return result;
    }

    /// <summary>The possible values of the bool <paramref name="operation"/> on a path where IsBlockable is <paramref name="blockable"/>.</summary>
    private byte Evaluate(IOperation operation, ImmutableDictionary<object, byte> env, bool blockable)
    {
        if (operation.ConstantValue.HasValue && operation.ConstantValue.Value is bool constant)
        {
            return constant ? True : False;
        }

        switch (operation)
        {
            case IConversionOperation conversion when ReturnSites.IsBool(conversion.Operand.Type):
                return Evaluate(conversion.Operand, env, blockable);
            case IPropertyReferenceOperation when IsBlockableOfRange(operation):
                return blockable ? True : False;
            case ILocalReferenceOperation local when ReturnSites.IsBool(local.Type):
                return Lookup(env, local.Local);
            case IFlowCaptureReferenceOperation capture when ReturnSites.IsBool(capture.Type):
                return Lookup(env, capture.Id);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Not(Evaluate(not.Operand, env, blockable));
            case IBinaryOperation binary when ReturnSites.IsBool(binary.LeftOperand.Type) && ReturnSites.IsBool(binary.RightOperand.Type):
                return Combine(binary.OperatorKind, Evaluate(binary.LeftOperand, env, blockable),
                               Evaluate(binary.RightOperand, env, blockable));
            case IIsPatternOperation isPattern:
                return EvaluatePattern(isPattern, env, blockable);
            case IInvocationOperation invocation when IsInfiniteWait(invocation) && !IsOpaque(invocation, env):
                return True;
            case IInvocationOperation invocation when IsInfiniteWaitOnPath(invocation, env, blockable):
                return True;
        }

        return IsOpaque(operation, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte EvaluatePattern(IIsPatternOperation isPattern, ImmutableDictionary<object, byte> env, bool blockable)
    {
        if (IsRangeParameter(isPattern.Value))
        {
            return MatchRange(isPattern.Pattern, env, blockable);
        }

        if (ReturnSites.IsBool(isPattern.Value.Type))
        {
            return MatchBool(isPattern.Pattern, Evaluate(isPattern.Value, env, blockable), env);
        }

        return IsOpaque(isPattern, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte MatchRange(IPatternOperation pattern, ImmutableDictionary<object, byte> env, bool blockable)
    {
        switch (pattern)
        {
            case INegatedPatternOperation negated:
                return Not(MatchRange(negated.Pattern, env, blockable));
            case IBinaryPatternOperation binary:
                return Combine(binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOperatorKind.Or : BinaryOperatorKind.And,
                               MatchRange(binary.LeftPattern, env, blockable), MatchRange(binary.RightPattern, env, blockable));
            case IDiscardPatternOperation:
                return True;
            case IRecursivePatternOperation recursive when recursive.DeconstructionSubpatterns.IsEmpty:
                byte result = True;
                foreach (var subpattern in recursive.PropertySubpatterns)
                {
                    byte matched;
                    if (subpattern.Member is IPropertyReferenceOperation member && IsBlockableProperty(member))
                    {
                        matched = MatchBool(subpattern.Pattern, blockable ? True : False, env);
                    }
                    else
                    {
                        matched = IsOpaque(subpattern.Pattern, env) ? (byte)(Unknown | Opaque) : Unknown;
                    }

                    result = Combine(BinaryOperatorKind.And, result, matched);
                }

                return result;
        }

        return IsOpaque(pattern, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte MatchBool(IPatternOperation pattern, byte value, ImmutableDictionary<object, byte> env)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant when constant.Value.ConstantValue is { HasValue: true, Value: bool expected }:
                if ((value & Opaque) != 0)
                {
                    return Unknown | Opaque;
                }

                byte result = 0;
                if ((value & True) != 0)
                {
                    result |= expected ? True : False;
                }

                if ((value & False) != 0)
                {
                    result |= expected ? False : True;
                }

                return result;
            case INegatedPatternOperation negated:
                return Not(MatchBool(negated.Pattern, value, env));
            case IBinaryPatternOperation binary:
                return Combine(binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOperatorKind.Or : BinaryOperatorKind.And,
                               MatchBool(binary.LeftPattern, value, env), MatchBool(binary.RightPattern, value, env));
            case IDiscardPatternOperation:
                return True;
        }

        return IsOpaque(pattern, env) || (value & Opaque) != 0 ? (byte)(Unknown | Opaque) : Unknown;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> may encode the blockability in a way the flow cannot read: it
    /// reads IsBlockable, hands the range to other code, names something about blocking or sleeping, or
    /// reads a local that is itself opaque.
    /// </summary>
    private bool IsOpaque(IOperation operation, ImmutableDictionary<object, byte> env)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case IPropertyReferenceOperation property when IsBlockableProperty(property):
                    return true;
                case IParameterReferenceOperation parameter
                    when SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range) && !IsPlainRangeRead(parameter):
                    return true;
                case ILocalReferenceOperation local when (Lookup(env, local.Local) & Opaque) != 0:
                    return true;
                case IFlowCaptureReferenceOperation capture when (Lookup(env, capture.Id) & Opaque) != 0:
                    return true;
                case IFieldReferenceOperation field when SpeaksOfBlocking(field.Field.Name):
                case IPropertyReferenceOperation property2 when SpeaksOfBlocking(property2.Property.Name):
                case IInvocationOperation invocation when SpeaksOfBlocking(invocation.TargetMethod.Name):
                case ILocalReferenceOperation local2 when SpeaksOfBlocking(local2.Local.Name):
                case IParameterReferenceOperation parameter2 when SpeaksOfBlocking(parameter2.Parameter.Name):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the range parameter is only read through Start, End, Event or Owner here (it does not escape).</summary>
    private bool IsPlainRangeRead(IParameterReferenceOperation reference)
        => reference.Parent is IPropertyReferenceOperation property && property.Instance == reference
           && (SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _types.RangeOwner)
               || SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _types.RangeEvent)
               || SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _types.RangeIsBlockable)
               || property.Property.Name is "Start" or "End");

    /// <summary><c>Monitor.Enter(obj, ref taken)</c> or <c>SpinLock.Enter(ref taken)</c>: sets its flag to true (or throws).</summary>
    private static bool IsBlockingEnter(IInvocationOperation invocation)
        => invocation.TargetMethod.Name == "Enter"
           && invocation.TargetMethod.ContainingType is { Name: "Monitor" or "SpinLock", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } };

    /// <summary>
    /// A wait whose timeout is chosen by the blockability (<c>Wait(blockable ? Timeout.Infinite : 0)</c>,
    /// <c>TryEnter(x, range.IsBlockable ? -1 : 0)</c>) and is infinite on this path: it returns true.
    /// </summary>
    private bool IsInfiniteWaitOnPath(IInvocationOperation invocation, ImmutableDictionary<object, byte> env, bool blockable)
    {
        if (!IsWaitMethod(invocation.TargetMethod) || (invocation.Instance is not null && IsOpaque(invocation.Instance, env)))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.StripConversions(argument.Value) is IFlowCaptureReferenceOperation timeout && IsTimeoutType(timeout.Type)
                && Lookup(env, timeout.Id) == True)
            {
                return true; // the control-flow graph splits the ?: into captures: this path captured the infinite arm
            }

            if (OperationFacts.StripConversions(argument.Value) is not IConditionalOperation { WhenFalse: { } whenFalse } conditional
                || !ReturnSites.IsBool(conditional.Condition.Type))
            {
                continue;
            }

            var chosen = Evaluate(conditional.Condition, env, blockable) switch
            {
                True => conditional.WhenTrue,
                False => whenFalse,
                _ => null,
            };
            if (chosen is not null && IsInfiniteTimeout(OperationFacts.StripConversions(chosen)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="conditional"/> is (through conversions) an argument of a wait method.</summary>
    private static bool IsWaitTimeout(IConditionalOperation conditional)
    {
        IOperation current = conditional;
        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation invocation } && IsWaitMethod(invocation.TargetMethod);
    }

    /// <summary>A wait that returns whether it got in, or <c>Monitor.TryEnter(..., ref taken)</c>.</summary>
    private static bool IsWaitMethod(IMethodSymbol method)
        => IsWaitName(method.Name)
           && (ReturnSites.IsBool(method.ReturnType) || method.Parameters.Any(p => p.RefKind == RefKind.Ref && ReturnSites.IsBool(p.Type)));

    private static bool IsWaitName(string name)
        => name is "Wait" or "WaitOne" or "TryEnter" or "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock";

    private static bool IsTimeoutType(ITypeSymbol? type)
        => type is { SpecialType: SpecialType.System_Int32 } or { Name: "TimeSpan", ContainingNamespace.Name: "System" };

    private static bool IsInfiniteTimeout(IOperation value)
    {
        if (value.ConstantValue is { HasValue: true, Value: -1 })
        {
            return true;
        }

        var member = value switch
        {
            IFieldReferenceOperation field => (ISymbol)field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        return member is { Name: "Infinite" or "InfiniteTimeSpan", ContainingType: { Name: "Timeout", ContainingNamespace.Name: "Threading" } };
    }

    /// <summary>A wait that cannot time out (<c>Wait(-1)</c>, <c>TryEnter(x, Timeout.Infinite)</c>): it returns true.</summary>
    private static bool IsInfiniteWait(IInvocationOperation invocation)
    {
        if (!IsWaitName(invocation.TargetMethod.Name)
            || !ReturnSites.IsBool(invocation.TargetMethod.ReturnType))
        {
            return false;
        }

        return invocation.Arguments.Any(argument => IsInfiniteTimeout(OperationFacts.StripConversions(argument.Value)));
    }

    private static bool SpeaksOfBlocking(string? name)
        => name is not null && (name.IndexOf("block", StringComparison.OrdinalIgnoreCase) >= 0
           || name.IndexOf("sleep", StringComparison.OrdinalIgnoreCase) >= 0);

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

    private static ImmutableDictionary<object, byte>? JoinEnv(ImmutableDictionary<object, byte>? a, ImmutableDictionary<object, byte>? b)
    {
        if (a is null)
        {
            return b;
        }

        if (b is null || ReferenceEquals(a, b))
        {
            return a;
        }

        var result = a.Clear();
        foreach (var pair in a)
        {
            var joined = (byte)(pair.Value | Lookup(b, pair.Key));
            if (joined != Unknown)
            {
                result = result.SetItem(pair.Key, joined);
            }
        }

        foreach (var pair in b)
        {
            if (!a.ContainsKey(pair.Key))
            {
                var joined = (byte)(pair.Value | Unknown);
                if (joined != Unknown)
                {
                    result = result.SetItem(pair.Key, joined);
                }
            }
        }

        return result;
    }

    protected override bool Same(State a, State b) => SameEnv(a.NotBlockable, b.NotBlockable) && SameEnv(a.Blockable, b.Blockable);

    private static bool SameEnv(ImmutableDictionary<object, byte>? a, ImmutableDictionary<object, byte>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var pair in a)
        {
            if (!b.TryGetValue(pair.Key, out var other) || other != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    protected override State Transfer(State state, IOperation operation)
        => new(TransferEnv(state.NotBlockable, operation, blockable: false),
               TransferEnv(state.Blockable, operation, blockable: true));

    private ImmutableDictionary<object, byte>? TransferEnv(ImmutableDictionary<object, byte>? env, IOperation operation, bool blockable)
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
                    when ReturnSites.IsBool(local.Type):
                    env = Set(env, local.Local, Evaluate(assignment.Value, env, blockable));
                    break;
                case IFlowCaptureOperation capture when ReturnSites.IsBool(capture.Value.Type):
                    env = Set(env, capture.Id, Evaluate(capture.Value, env, blockable));
                    break;
                case IFlowCaptureOperation capture when IsTimeoutType(capture.Value.Type):
                    // An arm of 'blockable ? Timeout.Infinite : 0': True when this arm is an infinite timeout.
                    env = Set(env, capture.Id, IsInfiniteTimeout(OperationFacts.StripConversions(capture.Value)) ? True : False);
                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation local } compound
                    when ReturnSites.IsBool(local.Type):
                    env = Set(env, local.Local, Combine(compound.OperatorKind, Lookup(env, local.Local),
                                                        Evaluate(compound.Value, env, blockable)));
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument:
                    var target = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
                    if (target is ILocalReferenceOperation outLocal && ReturnSites.IsBool(outLocal.Type))
                    {
                        var call = argument.Parent ?? argument;
                        env = Set(env, outLocal.Local,
                                  IsOpaque(call, env) ? (byte)(Unknown | Opaque)
                                  : call is IInvocationOperation enter && (IsBlockingEnter(enter) || IsInfiniteWaitOnPath(enter, env, blockable)) ? True
                                  : Unknown);
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var t in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (t is ILocalReferenceOperation deconstructed && ReturnSites.IsBool(deconstructed.Type))
                        {
                            env = Set(env, deconstructed.Local, Unknown | Opaque);
                        }
                    }

                    break;
            }
        }

        if (RangeEscapes(operation))
        {
            env = Set(env, Escaped, Unknown | Opaque);
        }

        return env;
    }

    private static ImmutableDictionary<object, byte> Set(ImmutableDictionary<object, byte> env, object key, byte value)
        => value == Unknown ? env.Remove(key) : env.SetItem(key, value);

    protected override (State? WhenTrue, State? WhenFalse) Branch(State state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var (notTrue, notFalse) = BranchEnv(after.NotBlockable, condition, blockable: false);
        var (blockTrue, blockFalse) = BranchEnv(after.Blockable, condition, blockable: true);
        return (Make(notTrue, blockTrue), Make(notFalse, blockFalse));

        static State? Make(ImmutableDictionary<object, byte>? notBlockable, ImmutableDictionary<object, byte>? blockable)
            => notBlockable is null && blockable is null ? null : new State(notBlockable, blockable);
    }

    private (ImmutableDictionary<object, byte>? WhenTrue, ImmutableDictionary<object, byte>? WhenFalse) BranchEnv(
        ImmutableDictionary<object, byte>? env, IOperation condition, bool blockable)
    {
        if (env is null)
        {
            return (null, null);
        }

        var value = Evaluate(condition, env, blockable);
        if ((value & Opaque) != 0)
        {
            var marked = Set(env, Escaped, Unknown | Opaque);
            return (marked, marked);
        }

        return ((value & True) != 0 ? env : null, (value & False) != 0 ? env : null);
    }

    internal sealed class State
    {
        public State(ImmutableDictionary<object, byte>? notBlockable, ImmutableDictionary<object, byte>? blockable)
        {
            NotBlockable = notBlockable;
            Blockable = blockable;
        }

        /// <summary>The bool values on the paths where the range is not blockable; null when there are none.</summary>
        public ImmutableDictionary<object, byte>? NotBlockable { get; }

        /// <summary>The bool values on the paths where the range is blockable; null when there are none.</summary>
        public ImmutableDictionary<object, byte>? Blockable { get; }
    }
}
