using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF008's question (docs/rules/NTF008.md), for one callback or in-callback helper of an ops type: path by path,
/// whether <c>SetSequence</c> was called, and whether the path is
/// exempt (it took an early return on a range the driver started itself, a guard on <c>range.Owner</c> or
/// <c>range.Event</c>, or went through code that may call SetSequence in a way the analysis cannot follow).
/// The state is a set of (called, exempt) pairs.
/// </summary>
internal sealed partial class SetSequenceFlow : ForwardFlow<SetSequenceFlow.State>
{
    private const byte MissingPlain = 1;
    private const byte MissingExempt = 2;
    private const byte CalledPlain = 4;
    private const byte CalledExempt = 8;

    private readonly SetSequenceCalls _calls;
    private readonly IMethodSymbol _method;
    private readonly MethodBody _body;
    private readonly IParameterSymbol? _range;
    private readonly Dictionary<ILocalSymbol, int> _guardLocals;
    private readonly HashSet<ILocalSymbol> _rangeLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<CaptureId> _guardCaptures = new();
    private readonly HashSet<CaptureId> _rangeCaptures = new();
    private readonly IParameterSymbol? _notifier;
    private readonly HashSet<ILocalSymbol> _tryCastLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<CaptureId> _notifierCaptures = new();
    private List<TextSpan>? _spansCoveredByFinally;

    public SetSequenceFlow(SetSequenceCalls calls, IMethodSymbol method, MethodBody body)
    {
        _calls = calls;
        _method = method;
        _body = body;
        _range = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, calls.Types.Range));
        _notifier = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, calls.Types.Notifier));
        _guardLocals = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
    }

    private NotifierTypes Types => _calls.Types;

    /// <summary>At the entry no path has called SetSequence, and none is exempt.</summary>
    protected override State Entry => State.Of(MissingPlain);

    protected override void Prepare(ControlFlowGraph cfg) => CollectGuards(_body, cfg);

    /// <summary>A path offends when it returns a constant <c>true</c> without SetSequence, not exempt.</summary>
    protected override bool Offends(ReturnPath<State> path)
        => FlowFacts.IsConstant(path.Value, true) && (path.State.Bits & MissingPlain) != 0
           && !SpansCoveredByFinally().Any(span => span.Contains(path.Statement.Span));

    /// <summary>How the paths of a helper that return normally cover SetSequence; null when the run gave up.</summary>
    public SetSequenceCoverage? CoverageAtExit(ControlFlowGraph cfg, CancellationToken cancellationToken)
    {
        if (Run(cfg, cancellationToken) is not { } result)
        {
            return null;
        }

        var exit = result.In[cfg.Blocks.Length - 1];
        if (exit is null)
        {
            return SetSequenceCoverage.None;
        }

        if ((exit.Bits & (MissingPlain | MissingExempt)) == 0)
        {
            return SetSequenceCoverage.All;
        }

        return exit.Bits == MissingPlain ? SetSequenceCoverage.None : SetSequenceCoverage.Some;
    }

    /// <summary>
    /// The flow does not carry a finally's effect to the return that leaves through it: a return inside a try whose
    /// finally may set the sequence is not judged.
    /// </summary>
    private List<TextSpan> SpansCoveredByFinally()
    {
        if (_spansCoveredByFinally is null)
        {
            _spansCoveredByFinally = new List<TextSpan>();
            foreach (var operation in _body.Operations())
            {
                if (operation.Kind == OperationKind.Try && operation is ITryOperation { Finally: { } finallyBlock } tryOperation
                    && finallyBlock.DescendantsAndSelf().Any(o => o is IInvocationOperation call && _calls.CoverageOfCall(call, _method) != SetSequenceCoverage.None))
                {
                    _spansCoveredByFinally.Add(tryOperation.Body.Syntax.Span);
                }
            }
        }

        return _spansCoveredByFinally;
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
                    switch (_calls.CoverageOfCall(invocation, _method))
                    {
                        case SetSequenceCoverage.All:
                            bits = Called(bits);
                            break;
                        case SetSequenceCoverage.Some:
                            bits = Exempt(bits);
                            break;
                    }

                    break;
                case IFlowAnonymousFunctionOperation function when _calls.FunctionCallsSetSequence(function.Syntax):
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

    internal sealed class State
    {
        private static readonly State[] Cache = Enumerable.Range(0, 16).Select(b => new State((byte)b)).ToArray();

        private State(byte bits) => Bits = bits;

        public byte Bits { get; }

        public static State Of(byte bits) => Cache[bits & 15];
    }
}
