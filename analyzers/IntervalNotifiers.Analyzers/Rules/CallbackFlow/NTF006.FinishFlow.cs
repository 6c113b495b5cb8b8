using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF006's question (docs/rules/NTF006.md): which values the <c>out finish</c> parameter of <c>InvalidateStart</c>
/// may hold, path by path; a path offends when it returns a constant <c>false</c> while the finish may be non-null.
/// Tracked (in <see cref="FlowValues"/>): the parameter, the method's locals of a finish type, and the CFG's flow
/// captures. Each holds a set of {definitely null, definitely non-null, unknown}: only a value created with
/// <c>new</c> (or proved non-null by a null check or a successful <c>NotifierFinishPool.TryRent</c>) is "non-null".
/// </summary>
internal sealed class FinishOnFalseReturnFlow : ForwardFlow<FinishOnFalseReturnFlow.State>
{
    private const byte Null = 1;
    private const byte NonNull = 2;
    private const byte Unknown = 4;

    private readonly NotifierTypes _types;
    private readonly IParameterSymbol _finish;

    // Captures of a tracked variable used as the target of a write: `finish = new F { X = 1 }` captures the out
    // parameter first (its value spills), and the write through the capture is a write of the parameter.
    private readonly Dictionary<CaptureId, ISymbol?> _variableCaptures = new();

    public FinishOnFalseReturnFlow(NotifierTypes types, IParameterSymbol finish)
    {
        _types = types;
        _finish = finish;
    }

    /// <summary>An <c>out</c> parameter starts unassigned: nothing is handed out yet.</summary>
    protected override State Entry => new(FlowValues.Empty(Unknown).Set(_finish, Null), ImmutableDictionary.Create<object, object>(FlowKeyComparer.Instance));

    protected override bool Offends(ReturnPath<State> path)
        => FlowFacts.IsConstant(path.Value, false) && (path.State.Values[_finish] & NonNull) != 0;

    protected override void Prepare(ControlFlowGraph cfg)
    {
        foreach (var block in cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var op in operation.DescendantsAndSelf())
                {
                    if (op is IFlowCaptureOperation capture)
                    {
                        var symbol = KeyOf(capture.Value) as ISymbol;
                        if (_variableCaptures.TryGetValue(capture.Id, out var previous)
                            && !SymbolEqualityComparer.Default.Equals(previous, symbol))
                        {
                            symbol = null; // captured from different variables on different paths: not one variable
                        }

                        _variableCaptures[capture.Id] = symbol;
                    }
                }
            }
        }
    }

    /// <summary>The tracked entity a write to <paramref name="target"/> changes (through a variable capture, the variable).</summary>
    private object? TargetKeyOf(IOperation target)
        => KeyOf(target) switch
        {
            CaptureId id when _variableCaptures.TryGetValue(id, out var symbol) && symbol is not null => symbol,
            var key => key,
        };

    protected override State Join(State a, State b)
    {
        if (ReferenceEquals(a, b))
        {
            return a;
        }

        var values = a.Values.Join(b.Values);
        var aliases = a.Aliases;
        foreach (var pair in a.Aliases)
        {
            if (!b.Aliases.TryGetValue(pair.Key, out var other) || !FlowKeyComparer.Instance.Equals(other, pair.Value))
            {
                aliases = aliases.Remove(pair.Key);
            }
        }

        return new State(values, aliases);
    }

    protected override bool Same(State a, State b)
    {
        if (!a.Values.Same(b.Values) || a.Aliases.Count != b.Aliases.Count)
        {
            return false;
        }

        foreach (var pair in a.Aliases)
        {
            if (!b.Aliases.TryGetValue(pair.Key, out var other) || !FlowKeyComparer.Instance.Equals(other, pair.Value))
            {
                return false;
            }
        }

        return true;
    }

    protected override State Transfer(State state, IOperation operation)
    {
        var values = state.Values;
        var aliases = state.Aliases;
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case ISimpleAssignmentOperation assignment when TargetKeyOf(assignment.Target) is { } key:
                    values = values.Set(key, Evaluate(values, assignment.Value));
                    aliases = Forget(aliases, key);
                    if (KeyOf(assignment.Value) is { } source && !FlowKeyComparer.Instance.Equals(source, key))
                    {
                        aliases = aliases.SetItem(key, source);
                    }

                    break;
                case ICoalesceAssignmentOperation coalesce when TargetKeyOf(coalesce.Target) is { } key:
                    var right = Evaluate(values, coalesce.Value);
                    var left = values[key];
                    values = values.Set(key, (byte)((left & ~Null) | right));
                    break;
                case IFlowCaptureOperation capture:
                    values = values.Set(capture.Id, Evaluate(values, capture.Value));
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument
                    when KeyOf(argument.Value) is { } key:
                    values = values.Set(key, Unknown);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (KeyOf(target) is { } key)
                        {
                            values = values.Set(key, Unknown);
                        }
                    }

                    break;
            }
        }

        if (values != state.Values)
        {
            // Any other write (out/ref arguments, deconstruction, ??=) ends the copies of the keys it changed.
            foreach (var key in values.ChangedSince(state.Values))
            {
                if (aliases.TryGetValue(key, out var source) && values[source] != values[key])
                {
                    aliases = Forget(aliases, key);
                }
            }
        }

        return values == state.Values && aliases == state.Aliases ? state : new State(values, aliases);
    }

    /// <summary>Drops the copy relations that involve <paramref name="key"/> (it was written).</summary>
    private static ImmutableDictionary<object, object> Forget(ImmutableDictionary<object, object> aliases, object key)
    {
        aliases = aliases.Remove(key);
        foreach (var pair in aliases)
        {
            if (FlowKeyComparer.Instance.Equals(pair.Value, key))
            {
                aliases = aliases.Remove(pair.Key);
            }
        }

        return aliases;
    }

    protected override (State? WhenTrue, State? WhenFalse) Branch(State state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var negated = false;
        var test = OperationFacts.StripConversions(condition);
        while (test is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            test = OperationFacts.StripConversions(not.Operand);
        }

        State? whenTrue = after;
        State? whenFalse = after;
        switch (test)
        {
            // TryRent(out f): f is non-null when it returns true, null when it returns false.
            case IInvocationOperation invocation when _types.PoolTryRent is not null
                                                      && NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent):
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.RefKind == RefKind.Out && KeyOf(argument.Value) is { } key)
                    {
                        whenTrue = Refine(after, key, NonNull);
                        whenFalse = Refine(after, key, Null);
                    }
                }

                break;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var tested = FlowFacts.IsNullConstant(binary.RightOperand) ? binary.LeftOperand
                    : FlowFacts.IsNullConstant(binary.LeftOperand) ? binary.RightOperand : null;
                if (tested is not null && KeyOf(tested) is { } nullKey)
                {
                    var isNull = Refine(after, nullKey, Null);
                    var isNotNull = Refine(after, nullKey, NonNull);
                    (whenTrue, whenFalse) = binary.OperatorKind == BinaryOperatorKind.Equals
                        ? (isNull, isNotNull)
                        : (isNotNull, isNull);
                }

                break;

            case IIsPatternOperation pattern when KeyOf(pattern.Value) is { } patternKey:
                var matchesNull = MatchesOnlyNull(pattern.Pattern);
                if (matchesNull is { } onlyNull)
                {
                    var isNull = Refine(after, patternKey, Null);
                    var isNotNull = Refine(after, patternKey, NonNull);
                    (whenTrue, whenFalse) = onlyNull ? (isNull, isNotNull) : (isNotNull, isNull);
                }

                break;
        }

        return negated ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
    }

    /// <summary>True: the pattern matches only null; false: only non-null values; null: cannot tell.</summary>
    private static bool? MatchesOnlyNull(IPatternOperation pattern) => pattern switch
    {
        IConstantPatternOperation constant when FlowFacts.IsNullConstant(constant.Value) => true,
        INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when FlowFacts.IsNullConstant(constant.Value) => false,
        IDeclarationPatternOperation { MatchesNull: false } => false,
        ITypePatternOperation => false,
        IRecursivePatternOperation => false,
        _ => null,
    };

    /// <summary>The state where <paramref name="key"/> holds <paramref name="kind"/>, or null when that is impossible.</summary>
    private State? Refine(State state, object key, byte kind)
    {
        var current = state.Values[key];
        if ((current & (kind | Unknown)) == 0)
        {
            return null;
        }

        // A copy holds the same value: refine the source and every other copy of it too.
        var root = state.Aliases.TryGetValue(key, out var source) ? source : key;
        var values = state.Values.Set(key, kind).Set(root, kind);
        foreach (var pair in state.Aliases)
        {
            if (FlowKeyComparer.Instance.Equals(pair.Value, root))
            {
                values = values.Set(pair.Key, kind);
            }
        }

        return new State(values, state.Aliases);
    }

    private byte Evaluate(FlowValues values, IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        if (FlowFacts.IsNullConstant(value) || value is IDefaultValueOperation { ConstantValue.HasValue: true })
        {
            return Null;
        }

        switch (value)
        {
            case IObjectCreationOperation:
            case ITypeParameterObjectCreationOperation:
                return NonNull;
            case ISimpleAssignmentOperation nested:
                return Evaluate(values, nested.Value);
        }

        return KeyOf(value) is { } key ? values[key] : Unknown;
    }

    /// <summary>The tracked entity that <paramref name="operation"/> names: the finish parameter, a finish-typed local, or a capture.</summary>
    private object? KeyOf(IOperation operation)
    {
        operation = OperationFacts.StripConversions(operation);
        if (operation is IDeclarationExpressionOperation declaration)
        {
            operation = declaration.Expression;
        }

        return operation switch
        {
            IParameterReferenceOperation parameter
                when SymbolEqualityComparer.Default.Equals(parameter.Parameter, _finish) => _finish,
            ILocalReferenceOperation local when _types.IsFinishType(local.Local.Type) => local.Local,
            IFlowCaptureReferenceOperation capture => capture.Id,
            _ => null,
        };
    }

    internal sealed class State
    {
        public State(FlowValues values, ImmutableDictionary<object, object> aliases)
        {
            Values = values;
            Aliases = aliases;
        }

        public FlowValues Values { get; }

        /// <summary>Copies: a key assigned from another tracked key (and neither written since) maps to that source.</summary>
        public ImmutableDictionary<object, object> Aliases { get; }
    }
}
