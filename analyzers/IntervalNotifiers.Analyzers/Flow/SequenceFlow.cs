using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Flow;

/// <summary>How much of a helper's paths call SetSequence.</summary>
internal enum SequenceCoverage
{
    /// <summary>No path calls it.</summary>
    None,

    /// <summary>Some paths do, or the analysis cannot tell: calls of the helper make the path unknown (silent).</summary>
    Some,

    /// <summary>Every path that returns normally calls it.</summary>
    All,
}

/// <summary>
/// NTF008 for one ops type: path by path, whether <c>SetSequence</c> was called, and whether the path is
/// exempt (it took an early return on a range the driver started itself, a guard on <c>range.Owner</c> or
/// <c>range.Event</c>, or went through code that may call SetSequence in a way the analysis cannot follow).
/// The state is a set of (called, exempt) pairs.
/// </summary>
internal sealed class SequenceFlow : ForwardFlow<SequenceFlow.State>
{
    public const byte MissingPlain = 1;
    public const byte MissingExempt = 2;
    public const byte CalledPlain = 4;
    public const byte CalledExempt = 8;

    private readonly TypeSequenceInfo _info;
    private readonly IMethodSymbol _method;
    private readonly IParameterSymbol? _range;
    private readonly Dictionary<ILocalSymbol, int> _guardLocals;
    private readonly HashSet<CaptureId> _guardCaptures = new();
    private readonly IParameterSymbol? _notifier;
    private readonly HashSet<ILocalSymbol> _tryCastLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<CaptureId> _notifierCaptures = new();

    private SequenceFlow(TypeSequenceInfo info, IMethodSymbol method)
    {
        _info = info;
        _method = method;
        _range = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, info.Types.Range));
        _notifier = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, info.Types.Notifier));
        _guardLocals = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
    }

    private NotifierTypes Types => _info.Types;

    /// <summary>Runs the flow over <paramref name="cfg"/>; null when it did not converge.</summary>
    public static (SequenceFlow Flow, FlowResult<State> Result)? Run(TypeSequenceInfo info, IMethodSymbol method, MethodBody body,
                                                                   ControlFlowGraph cfg, CancellationToken cancellationToken)
    {
        var flow = new SequenceFlow(info, method);
        flow.CollectGuards(body, cfg);
        var result = flow.Run(cfg, State.Of(MissingPlain), cancellationToken);
        return result is null ? null : (flow, result);
    }

    /// <summary>The return statements that return true on a path that neither called SetSequence nor is exempt.</summary>
    public IReadOnlyList<SyntaxNode> OffendingReturns(MethodBody body, ControlFlowGraph cfg, FlowResult<State> result)
    {
        // The flow does not carry a finally's effect to the return that leaves through it: a return inside a
        // try whose finally may set the sequence is not judged.
        var coveredSpans = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
        foreach (var operation in body.Operations())
        {
            if (operation is ITryOperation { Finally: { } finallyBlock } tryOperation
                && finallyBlock.DescendantsAndSelf().Any(o => o is IInvocationOperation call && _info.CoverageOfCall(call, _method) != SequenceCoverage.None))
            {
                coveredSpans.Add(tryOperation.Body.Syntax.Span);
            }
        }

        var found = new List<SyntaxNode>();
        foreach (var path in ReturnSites.Enumerate(cfg, result))
        {
            if (ReturnSites.IsConstant(path.Value, true) && (path.State.Bits & MissingPlain) != 0
                && !found.Contains(path.Statement)
                && !coveredSpans.Any(span => span.Contains(path.Statement.Span)))
            {
                found.Add(path.Statement);
            }
        }

        return found;
    }

    private void CollectGuards(MethodBody body, ControlFlowGraph cfg)
    {
        // Bool locals that only ever hold a guard on Owner/Event (var mine = range.Owner == _owner).
        var candidates = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
        var rejected = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in body.Operations())
        {
            if (LocalWrite(operation) is not { } w || !ReturnSites.IsBool(w.Local.Type))
            {
                continue;
            }

            var polarity = Polarity(w.Value);
            if (polarity is 1 or -1 && (!candidates.TryGetValue(w.Local, out var previous) || previous == polarity))
            {
                candidates[w.Local] = polarity;
            }
            else
            {
                rejected.Add(w.Local);
            }
        }

        foreach (var pair in candidates)
        {
            if (!rejected.Contains(pair.Key))
            {
                _guardLocals[pair.Key] = pair.Value;
            }
        }

        // Locals that only ever hold 'notifier as T' (null when the notifier is not the driver's type).
        var rejectedCasts = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in body.Operations())
        {
            if (LocalWrite(operation) is not { } cast)
            {
                continue;
            }

            if (cast.Value is IConversionOperation { IsTryCast: true } tryCast && IsNotifierParameter(tryCast.Operand))
            {
                _tryCastLocals.Add(cast.Local);
            }
            else
            {
                rejectedCasts.Add(cast.Local);
            }
        }

        _tryCastLocals.ExceptWith(rejectedCasts);

        // Captures that hold range.Owner or range.Event (the switch value of 'switch (range.Event)').
        AddCapturesAlwaysHolding(cfg, IsOwnerOrEventRead, _guardCaptures);

        // Captures that hold the notifier itself (the value of 'switch (notifier)' or 'notifier switch { ... }').
        AddCapturesAlwaysHolding(cfg, IsNotifierParameter, _notifierCaptures);
    }

    /// <summary>A write of a local (its declarator's initializer or a simple assignment): the local and the value.</summary>
    private static (ILocalSymbol Local, IOperation Value)? LocalWrite(IOperation operation) => operation switch
    {
        IVariableDeclaratorOperation { Initializer.Value: { } value } declarator => (declarator.Symbol, value),
        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment => (target.Local, assignment.Value),
        _ => null,
    };

    /// <summary>
    /// Adds to <paramref name="captures"/> the flow captures whose every captured value satisfies
    /// <paramref name="holds"/>, in block order (so the test can see the captures already accepted).
    /// </summary>
    private static void AddCapturesAlwaysHolding(ControlFlowGraph cfg, System.Func<IOperation, bool> holds, HashSet<CaptureId> captures)
    {
        var rejected = new HashSet<CaptureId>();
        foreach (var block in cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                if (operation is IFlowCaptureOperation capture)
                {
                    if (holds(capture.Value))
                    {
                        captures.Add(capture.Id);
                    }
                    else
                    {
                        rejected.Add(capture.Id);
                    }
                }
            }
        }

        captures.ExceptWith(rejected);
    }

    protected override State Join(State a, State b) => State.Of((byte)(a.Bits | b.Bits));

    protected override bool Same(State a, State b) => a.Bits == b.Bits;

    protected override State Transfer(State state, IOperation operation)
    {
        var bits = state.Bits;
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case IInvocationOperation invocation:
                    switch (_info.CoverageOfCall(invocation, _method))
                    {
                        case SequenceCoverage.All:
                            bits = Called(bits);
                            break;
                        case SequenceCoverage.Some:
                            bits = Exempt(bits);
                            break;
                    }

                    break;
                case IFlowAnonymousFunctionOperation function when _info.FunctionCallsSetSequence(function.Syntax):
                    bits = Exempt(bits);
                    break;
            }
        }

        return State.Of(bits);
    }

    protected override (State? WhenTrue, State? WhenFalse) Branch(State state, IOperation condition)
    {
        var after = Transfer(state, condition);
        var exempt = State.Of(Exempt(after.Bits));
        return Polarity(condition) switch
        {
            1 => (exempt, after),
            -1 => (after, exempt),
            2 => (exempt, exempt),
            _ => (after, after),
        };
    }

    private static byte Called(byte bits)
        => (byte)(((bits & (MissingPlain | CalledPlain)) != 0 ? CalledPlain : 0)
                  | ((bits & (MissingExempt | CalledExempt)) != 0 ? CalledExempt : 0));

    private static byte Exempt(byte bits)
        => (byte)(((bits & (MissingPlain | MissingExempt)) != 0 ? MissingExempt : 0)
                  | ((bits & (CalledPlain | CalledExempt)) != 0 ? CalledExempt : 0));

    /// <summary>
    /// Whether <paramref name="condition"/> tests that the range is one the driver started itself: 1 when its
    /// truth means "range.Owner / range.Event matched", -1 for the opposite, 2 when it involves the range in a
    /// way the analysis cannot read (both edges are exempt then), 0 when it has nothing to do with it.
    /// </summary>
    private int Polarity(IOperation condition)
    {
        var operation = OperationFacts.StripConversions(condition);
        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                var inner = Polarity(not.Operand);
                return inner is 1 or -1 ? -inner : inner;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var left = IsOwnerOrEventRead(binary.LeftOperand);
                var right = IsOwnerOrEventRead(binary.RightOperand);
                if (left || right)
                {
                    var other = left ? binary.RightOperand : binary.LeftOperand;
                    var isNull = other.ConstantValue is { HasValue: true, Value: null };
                    var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                    return equals != isNull ? 1 : -1;
                }

                break;

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd } and:
                var l = Polarity(and.LeftOperand);
                var r = Polarity(and.RightOperand);
                if (l == 2 || r == 2)
                {
                    return 2;
                }

                if (l == 1 || r == 1)
                {
                    return l == -1 || r == -1 ? 2 : 1;
                }

                return l == 0 && r == 0 ? 0 : 2;

            case IIsPatternOperation isPattern when IsOwnerOrEventRead(isPattern.Value):
                return PatternPolarity(isPattern.Pattern);

            case IIsPatternOperation isPattern when IsRangeParameter(isPattern.Value):
                return RangePatternPolarity(isPattern.Pattern);

            case IInvocationOperation invocation when invocation.TargetMethod.Name is "Equals" or "ReferenceEquals"
                                                       && (invocation.Instance is not null && IsOwnerOrEventRead(invocation.Instance)
                                                           || invocation.Arguments.Any(a => IsOwnerOrEventRead(a.Value))):
                return 1;

            case ILocalReferenceOperation local when _guardLocals.TryGetValue(local.Local, out var localPolarity):
                return localPolarity;
        }

        var notOurs = NotOursPolarity(operation);
        if (notOurs != 0)
        {
            return notOurs;
        }

        return InvolvesRange(operation) ? 2 : 0;
    }

    /// <summary>
    /// A type test of the callback's <c>notifier</c> (<c>notifier is not UserPtr u</c>, <c>!(notifier is UserPtr)</c>,
    /// <c>(notifier as UserPtr) == null</c>): on the edge where the notifier is not the driver's type the callback has
    /// nothing of its own to invalidate, and no reader of that type can be waiting on it, so that edge is exempt
    /// like a range the driver started itself. 1 when truth means "not ours", -1 for "ours", 0 otherwise.
    /// </summary>
    private int NotOursPolarity(IOperation operation)
    {
        switch (operation)
        {
            case IIsTypeOperation isType when IsNotifierParameter(isType.ValueOperand):
                return -1;
            case IIsPatternOperation isPattern when IsNotifierParameter(isPattern.Value):
                return TypePatternPolarity(isPattern.Pattern);
            case IIsPatternOperation isPattern when IsTryCastLocal(isPattern.Value):
                return NullPatternPolarity(isPattern.Pattern);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when (IsTryCastLocal(binary.LeftOperand) && IsNull(binary.RightOperand))
                     || (IsTryCastLocal(binary.RightOperand) && IsNull(binary.LeftOperand)):
                return binary.OperatorKind == BinaryOperatorKind.Equals ? 1 : -1;
            default:
                return 0;
        }

        static bool IsNull(IOperation value) => OperationFacts.StripConversions(value).ConstantValue is { HasValue: true, Value: null };
    }

    private static int TypePatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => -TypePatternPolarity(negated.Pattern),
        IDeclarationPatternOperation or ITypePatternOperation => -1,
        IRecursivePatternOperation { DeconstructionSubpatterns.IsEmpty: true, PropertySubpatterns.IsEmpty: true } => -1,
        _ => 0,
    };

    private static int NullPatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => -NullPatternPolarity(negated.Pattern),
        IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => 1,
        _ => 0,
    };

    private bool IsNotifierParameter(IOperation? operation)
        => _notifier is not null && operation is not null
           && OperationFacts.StripConversions(operation) switch
           {
               IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, _notifier),
               IFlowCaptureReferenceOperation capture => _notifierCaptures.Contains(capture.Id),
               _ => false,
           };

    private bool IsTryCastLocal(IOperation operation)
        => OperationFacts.StripConversions(operation) is ILocalReferenceOperation local && _tryCastLocals.Contains(local.Local);

    private static int PatternPolarity(IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => PatternPolarity(negated.Pattern) is var p && p is 1 or -1 ? -p : p,
        IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: null } } => -1,
        IBinaryPatternOperation binary => PatternPolarity(binary.LeftPattern) == 1 && PatternPolarity(binary.RightPattern) == 1 ? 1 : 2,
        IDiscardPatternOperation => 2,
        _ => 1,
    };

    private int RangePatternPolarity(IPatternOperation pattern)
    {
        switch (pattern)
        {
            case INegatedPatternOperation negated:
                var inner = RangePatternPolarity(negated.Pattern);
                return inner is 1 or -1 ? -inner : inner;
            case IRecursivePatternOperation recursive:
                var guards = false;
                foreach (var subpattern in recursive.PropertySubpatterns)
                {
                    if (subpattern.Member is IPropertyReferenceOperation member
                        && (IsProperty(member, Types.RangeOwner) || IsProperty(member, Types.RangeEvent)))
                    {
                        if (PatternPolarity(subpattern.Pattern) != 1)
                        {
                            return 2;
                        }

                        guards = true;
                    }
                }

                return guards ? 1 : 0;
        }

        return 0;
    }

    private bool InvolvesRange(IOperation operation)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            if (IsOwnerOrEventRead(op))
            {
                return true;
            }

            if (op is IParameterReferenceOperation parameter && _range is not null
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range)
                && parameter.Parent is not IPropertyReferenceOperation)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsOwnerOrEventRead(IOperation operation)
    {
        operation = OperationFacts.StripConversions(operation);
        if (operation is IFlowCaptureReferenceOperation capture)
        {
            return _guardCaptures.Contains(capture.Id);
        }

        return operation is IPropertyReferenceOperation property
               && (IsProperty(property, Types.RangeOwner) || IsProperty(property, Types.RangeEvent))
               && IsRangeParameter(property.Instance);
    }

    private static bool IsProperty(IPropertyReferenceOperation reference, IPropertySymbol? property)
        => property is not null && SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, property);

    private bool IsRangeParameter(IOperation? operation)
        => _range is not null && operation is not null
           && OperationFacts.StripConversions(operation) is IParameterReferenceOperation parameter
           && SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range);

    internal sealed class State
    {
        private static readonly State[] Cache = Enumerable.Range(0, 16).Select(b => new State((byte)b)).ToArray();

        private State(byte bits) => Bits = bits;

        public byte Bits { get; }

        public static State Of(byte bits) => Cache[bits & 15];
    }
}

/// <summary>
/// What NTF008 knows about one ops type: which of its methods call SetSequence (directly, through in-callback
/// helpers, in lambdas or local functions), computed once per type and shared by its callbacks.
/// </summary>
internal sealed class TypeSequenceInfo
{
    private readonly TypeBodies _bodies;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IMethodSymbol, SequenceCoverage> _coverage = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _inProgress = new(SymbolEqualityComparer.Default);
    private FunctionsWithSetSequence? _functions;

    public TypeSequenceInfo(TypeBodies bodies, CancellationToken cancellationToken)
    {
        _bodies = bodies;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The lambdas and local functions of the type that call SetSequence, found on first use (one walk of every body).</summary>
    private FunctionsWithSetSequence Functions => _functions ??= new FunctionsWithSetSequence(this);

    private sealed class FunctionsWithSetSequence
    {
        public readonly HashSet<SyntaxNode> Lambdas = new();
        public readonly HashSet<IMethodSymbol> LocalFunctions = new(SymbolEqualityComparer.Default);

        public FunctionsWithSetSequence(TypeSequenceInfo info)
        {
            foreach (var body in info._bodies.Bodies)
            {
                foreach (var operation in body.Operations())
                {
                    if (operation is IInvocationOperation invocation && info.IsSetSequence(invocation.TargetMethod))
                    {
                        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
                        {
                            if (parent is IAnonymousFunctionOperation function)
                            {
                                Lambdas.Add(function.Syntax);
                            }
                            else if (parent is ILocalFunctionOperation local)
                            {
                                LocalFunctions.Add(local.Symbol);
                            }
                        }
                    }
                }
            }
        }
    }

    public NotifierTypes Types => _bodies.Types;

    public TypeBodies Bodies => _bodies;

    public bool IsSetSequence(IMethodSymbol method) => NotifierTypes.Is(method, Types.SetSequence);

    public bool FunctionCallsSetSequence(SyntaxNode syntax) => Functions.Lambdas.Contains(syntax);

    /// <summary>The body of <paramref name="method"/> when it is declared in this type.</summary>
    public MethodBody? BodyOf(IMethodSymbol method)
    {
        foreach (var body in _bodies.Bodies)
        {
            if (SymbolEqualityComparer.Default.Equals(TypeBodies.Key(body.Owner), TypeBodies.Key(method)))
            {
                return body;
            }
        }

        return null;
    }

    /// <summary>How a call made from <paramref name="caller"/> covers SetSequence.</summary>
    public SequenceCoverage CoverageOfCall(IInvocationOperation invocation, IMethodSymbol caller)
    {
        var target = invocation.TargetMethod;
        if (IsSetSequence(target))
        {
            return SequenceCoverage.All;
        }

        if (target.MethodKind == MethodKind.LocalFunction)
        {
            return Functions.LocalFunctions.Contains(target.OriginalDefinition) ? SequenceCoverage.Some : SequenceCoverage.None;
        }

        if (SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition)
            && Types.GetCallbackKind(target) == CallbackKind.None)
        {
            // An own method: an in-callback helper is part of the callback (its paths are followed); any other
            // method that may set the sequence makes the path unknown, without building its graph.
            if (!_bodies.IsHelperCandidate((IMethodSymbol)target.OriginalDefinition) || _bodies.MembershipOf(target) == CallbackKind.None)
            {
                return MayCallSetSequence(target) ? SequenceCoverage.Some : SequenceCoverage.None;
            }

            return CoverageOf(target);
        }

        // Code elsewhere that receives the sequence may set it: unknown.
        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.StripConversions(argument.Value) is IParameterReferenceOperation { Type.SpecialType: SpecialType.System_UInt64 } parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, caller))
            {
                return SequenceCoverage.Some;
            }
        }

        return SequenceCoverage.None;
    }

    /// <summary>How the paths of the own method <paramref name="method"/> cover SetSequence.</summary>
    public SequenceCoverage CoverageOf(IMethodSymbol method)
    {
        method = (IMethodSymbol)method.OriginalDefinition;
        if (_coverage.TryGetValue(method, out var known))
        {
            return known;
        }

        if (!_inProgress.Add(method))
        {
            return SequenceCoverage.Some;
        }

        var coverage = Compute(method);
        _inProgress.Remove(method);
        _coverage[method] = coverage;
        return coverage;
    }

    private SequenceCoverage Compute(IMethodSymbol method)
    {
        var body = BodyOf(method);
        if (body is null)
        {
            // No body to read (abstract, extern, partial without implementation): unknown when it gets the sequence.
            return method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_UInt64) ? SequenceCoverage.Some : SequenceCoverage.None;
        }

        if (!MayCallSetSequence(body))
        {
            return SequenceCoverage.None;
        }

        var cfg = body.GetControlFlowGraph();
        if (cfg is null)
        {
            return SequenceCoverage.Some;
        }

        var run = SequenceFlow.Run(this, method, body, cfg, _cancellationToken);
        if (run is not { } r)
        {
            return SequenceCoverage.Some;
        }

        var exit = r.Result.In[cfg.Blocks.Length - 1];
        if (exit is null)
        {
            return SequenceCoverage.None;
        }

        if ((exit.Bits & (SequenceFlow.MissingPlain | SequenceFlow.MissingExempt)) == 0)
        {
            return SequenceCoverage.All;
        }

        return exit.Bits == SequenceFlow.MissingPlain ? SequenceCoverage.None : SequenceCoverage.Some;
    }

    /// <summary>A cheap scan: the own method <paramref name="method"/> calls SetSequence, an own method, or passes on a sequence.</summary>
    private bool MayCallSetSequence(IMethodSymbol method)
    {
        var body = BodyOf(method);
        return body is null
            ? method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_UInt64)
            : MayCallSetSequence(body);
    }

    private bool MayCallSetSequence(MethodBody body)
    {
        foreach (var operation in body.Operations())
        {
            if (operation is IInvocationOperation invocation
                && (IsSetSequence(invocation.TargetMethod)
                    || SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition)
                    || invocation.Arguments.Any(a => a.Value.Type?.SpecialType == SpecialType.System_UInt64)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="body"/> calls SetSequence on some path, as RULES.md counts it (helpers included).</summary>
    public bool CallsSetSequence(MethodBody body, IMethodSymbol method)
    {
        foreach (var operation in body.Operations())
        {
            if (operation is IInvocationOperation invocation && !OperationFacts.IsInsideFunction(operation))
            {
                if (IsSetSequence(invocation.TargetMethod))
                {
                    return true;
                }

                if (SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition)
                    && invocation.TargetMethod.MethodKind == MethodKind.Ordinary)
                {
                    var kind = Types.GetCallbackKind(invocation.TargetMethod);
                    if (kind == CallbackKind.Invalidate && !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method.OriginalDefinition))
                    {
                        // The single-pass fallback 'return Invalidate(...)': its body answers for that path.
                        var fallback = BodyOf(invocation.TargetMethod);
                        if (fallback is not null && CallsSetSequence(fallback, invocation.TargetMethod))
                        {
                            return true;
                        }
                    }
                    else if (kind == CallbackKind.None
                             && _bodies.IsHelperCandidate((IMethodSymbol)invocation.TargetMethod.OriginalDefinition)
                             && _bodies.MembershipOf(invocation.TargetMethod) != CallbackKind.None
                             && CoverageOf(invocation.TargetMethod) != SequenceCoverage.None)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
