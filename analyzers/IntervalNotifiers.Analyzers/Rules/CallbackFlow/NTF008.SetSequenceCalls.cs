using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// What NTF008 knows about one ops type: which of its methods call SetSequence (directly, through in-callback
/// helpers, in lambdas or local functions), computed once per type and shared by its callbacks.
/// </summary>
internal sealed class SetSequenceCalls
{
    private readonly TypeBodies _bodies;
    private readonly CancellationToken _cancellationToken;
    private readonly CallbackFlowWork? _work;
    private readonly Dictionary<IMethodSymbol, SetSequenceCoverage> _coverage = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _inProgress = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, MethodScan> _scans = new(SymbolEqualityComparer.Default);
    private FunctionsWithSetSequence? _functions;

    public SetSequenceCalls(TypeBodies bodies, CancellationToken cancellationToken, CallbackFlowWork? work = null)
    {
        _bodies = bodies;
        _cancellationToken = cancellationToken;
        _work = work;
    }

    /// <summary>The lambdas and local functions of the type that call SetSequence, found on first use (one walk of every body).</summary>
    private FunctionsWithSetSequence Functions => _functions ??= new FunctionsWithSetSequence(this);

    private sealed class FunctionsWithSetSequence
    {
        public readonly HashSet<SyntaxNode> Lambdas = new();
        public readonly HashSet<IMethodSymbol> LocalFunctions = new(SymbolEqualityComparer.Default);

        public FunctionsWithSetSequence(SetSequenceCalls info)
        {
            info._work?.Count("NTF008 functions walk");
            foreach (var body in info._bodies.Bodies)
            {
                foreach (var operation in body.Operations())
                {
                    if (operation.Kind == OperationKind.Invocation && operation is IInvocationOperation invocation && info.IsSetSequence(invocation.TargetMethod))
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

    /// <summary>The helper membership of <paramref name="member"/> (the first ask builds the type's call graph: counted).</summary>
    private CallbackKind Membership(ISymbol member)
    {
        _work?.Count("NTF008 membership");
        return _bodies.MembershipOf(member);
    }

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
    public SetSequenceCoverage CoverageOfCall(IInvocationOperation invocation, IMethodSymbol caller)
    {
        var target = invocation.TargetMethod;
        if (IsSetSequence(target))
        {
            return SetSequenceCoverage.All;
        }

        if (target.MethodKind == MethodKind.LocalFunction)
        {
            return Functions.LocalFunctions.Contains(target.OriginalDefinition) ? SetSequenceCoverage.Some : SetSequenceCoverage.None;
        }

        if (SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition)
            && Types.GetCallbackKind(target) == CallbackKind.None)
        {
            // An own method: an in-callback helper is part of the callback (its paths are followed); any other
            // method that may set the sequence makes the path unknown, without building its graph. A method that
            // cannot call SetSequence covers nothing either way (speed only: the membership is not asked for).
            if (!MayCallSetSequence(target))
            {
                return SetSequenceCoverage.None;
            }

            if (!_bodies.IsHelperCandidate((IMethodSymbol)target.OriginalDefinition) || Membership(target) == CallbackKind.None)
            {
                return MayCallSetSequence(target) ? SetSequenceCoverage.Some : SetSequenceCoverage.None;
            }

            return CoverageOf(target);
        }

        // Code elsewhere that receives the sequence may set it: unknown.
        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.StripConversions(argument.Value) is IParameterReferenceOperation { Type.SpecialType: SpecialType.System_UInt64 } parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, caller))
            {
                return SetSequenceCoverage.Some;
            }
        }

        return SetSequenceCoverage.None;
    }

    /// <summary>
    /// Whether <see cref="CoverageOfCall"/> is certainly not <see cref="SetSequenceCoverage.None"/> for this call, found
    /// without building a graph: false when that would take a helper's graph and the helper's tree cannot tell
    /// (see <see cref="HelperCertainlyCovers"/>).
    /// </summary>
    public bool CertainlyCovers(IInvocationOperation invocation, IMethodSymbol caller)
    {
        var target = invocation.TargetMethod;
        if (SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition)
            && target.MethodKind != MethodKind.LocalFunction
            && !IsSetSequence(target)
            && Types.GetCallbackKind(target) == CallbackKind.None
            && _bodies.IsHelperCandidate((IMethodSymbol)target.OriginalDefinition))
        {
            // Speed only: a helper that cannot call SetSequence covers nothing, whatever its membership.
            if (!MayCoverAnything(target))
            {
                return false;
            }

            if (Membership(target) != CallbackKind.None)
            {
                return HelperCertainlyCovers(target);
            }
        }

        return CoverageOfCall(invocation, caller) != SetSequenceCoverage.None;
    }

    /// <summary>
    /// Whether <see cref="CoverageOf"/> is certainly not <see cref="SetSequenceCoverage.None"/> for the own helper
    /// <paramref name="method"/>, read from its operation tree: its coverage when already computed; otherwise true
    /// when some path from its entry runs a covering call and reaches its exit: the call is an unconditional statement
    /// (nested only in blocks, <c>lock</c>, <c>using</c> and catch-less <c>try</c> bodies), every <c>return</c> before it
    /// is an early return the path can pass over (<see cref="PassesOver"/>), and the body has no <c>throw</c>, no
    /// <c>goto</c> and no loop without an exit condition. The flow's state at the exit then has a bit other than
    /// "missing, not exempt". False when it cannot tell.
    /// </summary>
    public bool HelperCertainlyCovers(IMethodSymbol method)
    {
        method = (IMethodSymbol)method.OriginalDefinition;
        if (_coverage.TryGetValue(method, out var known))
        {
            return known != SetSequenceCoverage.None;
        }

        var body = BodyOf(method);
        if (body is null)
        {
            return method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_UInt64);
        }

        if (!_inProgress.Add(method))
        {
            return false;
        }

        try
        {
            List<IReturnOperation>? returns = null;
            foreach (var operation in body.Operations())
            {
                if (OperationFacts.IsInsideFunction(operation))
                {
                    continue;
                }

                switch (operation)
                {
                    case IInvalidOperation:
                    case IThrowOperation:
                    case IBranchOperation { BranchKind: BranchKind.GoTo }:
                    case IWhileLoopOperation { Condition: null }:
                    case IForLoopOperation { Condition: null }:
                    case IWhileLoopOperation { Condition.ConstantValue.HasValue: true }:
                    case IForLoopOperation { Condition.ConstantValue.HasValue: true }:
                        return false;
                    case IReturnOperation returnOperation:
                        (returns ??= new List<IReturnOperation>()).Add(returnOperation);
                        break;
                }
            }

            foreach (var operation in body.Operations())
            {
                if (operation.Kind == OperationKind.Invocation && operation is IInvocationOperation invocation
                    && MissingSetSequencePrefilter.IsUnconditionalStatement(invocation)
                    && EveryEarlierReturnIsPassedOver(returns, invocation)
                    && CertainlyCovers(invocation, method))
                {
                    if (_work is not null)
                    {
                        // Tests: the tree's claim against the graph's answer.
                        _work.Count("NTF008 helper tree");
                        if (CoverageByGraph(method, body) == SetSequenceCoverage.None)
                        {
                            _work.Count("NTF008 helper tree contradicted");
                        }
                    }

                    return true;
                }
            }

            return false;
        }
        finally
        {
            _inProgress.Remove(method);
        }
    }

    /// <summary>Whether every return of <paramref name="returns"/> before <paramref name="call"/> is one a path to the call passes over.</summary>
    private static bool EveryEarlierReturnIsPassedOver(List<IReturnOperation>? returns, IOperation call)
    {
        if (returns is null)
        {
            return true;
        }

        foreach (var returnOperation in returns)
        {
            if (returnOperation.Syntax.SpanStart < call.Syntax.SpanStart && !PassesOver(returnOperation, call))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a path to <paramref name="call"/> (an unconditional statement) can pass over the earlier
    /// <paramref name="returnOperation"/>: the return sits, inside blocks only, in the branch of an <c>if</c> without
    /// <c>else</c> that is a statement of a block around the call, and whose condition holds no bool constant (the graph
    /// drops the edge of a constant test, and so could drop the path that skips the return). The condition's false
    /// edge then leads past the return, and the statements between that <c>if</c> and the call, which cannot throw,
    /// jump or loop forever (see <see cref="HelperCertainlyCovers"/>), lead to the call. (Speed only: otherwise the
    /// helper's graph is built.)
    /// </summary>
    private static bool PassesOver(IReturnOperation returnOperation, IOperation call)
    {
        IOperation current = returnOperation;
        while (current.Parent is IBlockOperation block)
        {
            current = block;
        }

        if (current.Parent is not IConditionalOperation { WhenFalse: null } guard || guard.WhenTrue != current
            || guard.Parent is not IBlockOperation around || HoldsAConstant(guard.Condition))
        {
            return false;
        }

        for (var ancestor = call.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor == around)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="condition"/> or a bool operand inside it is a constant (<c>x == null</c> and <c>n &gt; 0</c>
    /// hold constants of other types, which the graph never branches on).
    /// </summary>
    private static bool HoldsAConstant(IOperation condition)
    {
        if (condition.ConstantValue.HasValue && FlowFacts.IsBool(condition.Type))
        {
            return true;
        }

        foreach (var child in condition.ChildOperations)
        {
            if (HoldsAConstant(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How the paths of the own method <paramref name="method"/> cover SetSequence.</summary>
    public SetSequenceCoverage CoverageOf(IMethodSymbol method)
    {
        method = (IMethodSymbol)method.OriginalDefinition;
        if (_coverage.TryGetValue(method, out var known))
        {
            return known;
        }

        if (!_inProgress.Add(method))
        {
            return SetSequenceCoverage.Some;
        }

        var coverage = Compute(method);
        _inProgress.Remove(method);
        _coverage[method] = coverage;
        return coverage;
    }

    private SetSequenceCoverage Compute(IMethodSymbol method)
    {
        var body = BodyOf(method);
        if (body is null)
        {
            // No body to read (abstract, extern, partial without implementation): unknown when it gets the sequence.
            return method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_UInt64) ? SetSequenceCoverage.Some : SetSequenceCoverage.None;
        }

        if (!MayCallSetSequence(body))
        {
            return SetSequenceCoverage.None;
        }

        if (StraightLineCoverage(method, body) is { } straight)
        {
            _work?.Count("NTF008 helper straight");
            if (_work is not null && CoverageByGraph(method, body) != straight)
            {
                _work.Count("NTF008 helper straight contradicted");
            }

            return straight;
        }

        _work?.Graph("NTF008 helper graph", body);
        return CoverageByGraph(method, body);
    }

    /// <summary>The flow's coverage at the exit of the own method <paramref name="method"/>, on its graph.</summary>
    private SetSequenceCoverage CoverageByGraph(IMethodSymbol method, MethodBody body)
    {
        var cfg = body.GetControlFlowGraph();
        if (cfg is null)
        {
            return SetSequenceCoverage.Some;
        }

        return new SetSequenceFlow(this, method, body).CoverageAtExit(cfg, _cancellationToken) ?? SetSequenceCoverage.Some;
    }

    /// <summary>
    /// The coverage of a helper whose body is one path (speed only: its graph is not built): no branch, loop, switch,
    /// <c>try</c>, <c>lock</c>, <c>using</c>, <c>throw</c>, jump, conditional or short-circuit operator, pattern test,
    /// interpolated string or <c>await</c>, and a <c>return</c> only as its last statement. The flow then carries one
    /// state from the entry to the exit, through each call's coverage (<see cref="CoverageOfCall"/>) and each lambda that
    /// calls SetSequence, in any order with the same result: All when a call covers all, Some when something covers some,
    /// None otherwise. Null when the body is not one path.
    /// </summary>
    private SetSequenceCoverage? StraightLineCoverage(IMethodSymbol method, MethodBody body)
    {
        if (method.IsAsync || body.Blocks.Length != 1 || body.Blocks[0] is not IBlockOperation block)
        {
            return null;
        }

        var coverage = SetSequenceCoverage.None;
        foreach (var operation in body.Operations())
        {
            if (OperationFacts.IsInsideFunction(operation))
            {
                continue;
            }

            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    coverage = Stronger(coverage, CoverageOfCall((IInvocationOperation)operation, method));
                    break;
                case OperationKind.AnonymousFunction:
                    if (FunctionCallsSetSequence(operation.Syntax))
                    {
                        coverage = Stronger(coverage, SetSequenceCoverage.Some);
                    }

                    break;
                case OperationKind.Return:
                    if (operation.Parent != block || block.Operations[block.Operations.Length - 1] != operation)
                    {
                        return null;
                    }

                    break;
                case OperationKind.Binary when ((IBinaryOperation)operation).OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr:
                case OperationKind.Conditional or OperationKind.Coalesce or OperationKind.CoalesceAssignment
                    or OperationKind.ConditionalAccess or OperationKind.SwitchExpression or OperationKind.Switch
                    or OperationKind.Loop or OperationKind.Try or OperationKind.Using or OperationKind.UsingDeclaration
                    or OperationKind.Lock or OperationKind.Throw or OperationKind.Branch or OperationKind.Labeled
                    or OperationKind.InterpolatedString or OperationKind.IsPattern or OperationKind.IsType
                    or OperationKind.Await or OperationKind.YieldReturn or OperationKind.YieldBreak or OperationKind.Invalid
                    or OperationKind.None:
                    return null;
            }
        }

        return coverage;
    }

    private static SetSequenceCoverage Stronger(SetSequenceCoverage a, SetSequenceCoverage b)
        => a == SetSequenceCoverage.All || b == SetSequenceCoverage.All ? SetSequenceCoverage.All
           : a == SetSequenceCoverage.Some || b == SetSequenceCoverage.Some ? SetSequenceCoverage.Some
           : SetSequenceCoverage.None;

    /// <summary>A cheap scan: the own method <paramref name="method"/> calls SetSequence, an own method, or passes on a sequence.</summary>
    private bool MayCallSetSequence(IMethodSymbol method)
        => (Scan(method) & MethodScan.MayCall) != 0;

    /// <summary>
    /// Speed only: a necessary condition for <see cref="HelperCertainlyCovers"/> or <see cref="CoverageOf"/> of the own
    /// method <paramref name="method"/> to find a covering call (see <see cref="MethodScan.MayCover"/>): when false, the
    /// membership of the helper (the type's call graph) need not be asked for.
    /// </summary>
    private bool MayCoverAnything(IMethodSymbol method)
        => (Scan(method) & MethodScan.MayCover) != 0;

    private bool MayCallSetSequence(MethodBody body)
        => (Scan(body) & MethodScan.MayCall) != 0;

    /// <summary>What one pass over an own method's body found (speed only: kept per method, the bodies never change).</summary>
    [System.Flags]
    private enum MethodScan : byte
    {
        None = 0,

        /// <summary>A call of SetSequence or of an own method (a local function included), or a call with an argument of type <c>ulong</c>.</summary>
        MayCall = 1,

        /// <summary>
        /// <see cref="MayCall"/>, or a call with an argument that is a <c>ulong</c> below conversions: every call that
        /// <see cref="CoverageOfCall"/> or <see cref="CertainlyCovers"/> may count; for a method without a body, a
        /// <c>ulong</c> parameter.
        /// </summary>
        MayCover = 2,
    }

    private MethodScan Scan(IMethodSymbol method)
    {
        var key = TypeBodies.Key(method);
        if (_scans.TryGetValue(key, out var known))
        {
            return known;
        }

        var body = BodyOf(method);
        var scan = body is not null ? Scan(body)
            : method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_UInt64) ? MethodScan.MayCall | MethodScan.MayCover
            : MethodScan.None;
        _scans[key] = scan;
        return scan;
    }

    private MethodScan Scan(MethodBody body)
    {
        var scan = MethodScan.None;
        foreach (var operation in body.Operations())
        {
            if (operation.Kind != OperationKind.Invocation)
            {
                continue;
            }

            var invocation = (IInvocationOperation)operation;
            if (IsSetSequence(invocation.TargetMethod)
                || SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition))
            {
                return MethodScan.MayCall | MethodScan.MayCover;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Value.Type?.SpecialType == SpecialType.System_UInt64)
                {
                    return MethodScan.MayCall | MethodScan.MayCover;
                }

                if (OperationFacts.StripConversions(argument.Value).Type?.SpecialType == SpecialType.System_UInt64)
                {
                    scan = MethodScan.MayCover;
                }
            }
        }

        return scan;
    }

    /// <summary>Whether <paramref name="body"/> calls SetSequence on some path, as docs/contract.md#helpers-count-as-the-callback counts it.</summary>
    public bool CallsSetSequence(MethodBody body, IMethodSymbol method)
    {
        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.Invocation && operation is IInvocationOperation invocation && !OperationFacts.IsInsideFunction(operation))
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
                             && MayCoverAnything(invocation.TargetMethod)
                             && Membership(invocation.TargetMethod) != CallbackKind.None
                             && (HelperCertainlyCovers(invocation.TargetMethod) || CoverageOf(invocation.TargetMethod) != SetSequenceCoverage.None))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
