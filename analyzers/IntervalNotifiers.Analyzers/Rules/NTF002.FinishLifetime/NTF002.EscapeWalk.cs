using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// The walk behind NTF002's escapes: from a use of a finish value (or of a delegate that captures one) up to the
/// operation that consumes it, accepting only the sanctioned consumptions (docs/contract.md#the-two-pass-list) and
/// naming the escaping ones as an <see cref="Escape"/>; null when the use stays inside the list or cannot be proved
/// to leave it (docs/contract.md#no-proof-no-diagnostic). This file follows values; the partial files follow
/// objects made in the pass and captures.
/// </summary>
internal sealed partial class EscapeWalk
{
    private const int MaxDepth = 3;

    private readonly NotifierTypes _types;
    private readonly ListScope? _scope;
    private readonly StoreTargets _stores;
    private readonly KeepSummaries _summaries;

    /// <summary>A walk inside the two-pass list of <paramref name="scope"/>'s ops type, or (scope null) inside any source method.</summary>
    public EscapeWalk(NotifierTypes types, ListScope? scope, StoreTargets stores, KeepSummaries summaries)
    {
        _types = types;
        _scope = scope;
        _stores = stores;
        _summaries = summaries;
    }

    /// <summary>
    /// Where a finish value flows from its use <paramref name="use"/> inside <paramref name="body"/>, with the
    /// operation to report at (the capture, the assignment or the call). Returns are never escapes: the value goes
    /// back to the caller, whose own use is judged there (an in-list helper may hand the finish back).
    /// </summary>
    public Escape? FinishEscape(IOperation use, MethodBody? body, int depth, out IOperation at)
    {
        at = use;
        if (depth > MaxDepth)
        {
            return null;
        }

        if (use is ILocalReferenceOperation or IParameterReferenceOperation)
        {
            var capture = CaptureEscape(use, body, depth);
            if (capture is not null)
            {
                return capture;
            }
        }

        var (consumer, child) = Climb(use);
        switch (consumer)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == child && !assignment.IsRef:
                at = assignment;
                return AssignmentEscape(assignment.Target, body, depth);
            case ICoalesceAssignmentOperation assignment when assignment.Value == child:
                at = assignment;
                return AssignmentEscape(assignment.Target, body, depth);
            case IArgumentOperation argument when argument.Value == child && argument.Parameter is { RefKind: not RefKind.Out }:
                at = argument.Parent ?? argument;
                return ArgumentEscape(argument, body, depth, isDelegate: false);
            case IArrayInitializerOperation { Parent: IArrayCreationOperation array }:
                // An array made here is judged by where the array goes (a local array dies with the pass).
                return ContainerEscape(array, body, depth + 1, out at)?.After(EscapeKind.InEscapingArray, "put in an array that is ");
            case ITupleOperation tuple:
                return TupleEscape(tuple, child, body, depth, out at);
            default:
                return null;
        }
    }

    private Escape? FinishEscape(IOperation use, MethodBody? body, int depth) => FinishEscape(use, body, depth, out _);

    /// <summary>Where the value of a parameter goes from one of its uses (a delegate parameter: where the delegate goes).</summary>
    public Escape? ParameterEscape(IParameterReferenceOperation reference, MethodBody body)
        => reference.Parameter.Type.TypeKind == TypeKind.Delegate
            ? CaptureEscape(reference, body, 0) ?? DelegateEscape(reference, body, 1)
            : FinishEscape(reference, body, 0);

    /// <summary>Where <c>this</c> goes from a method of the object (<c>All.Add(this)</c>): the first escape of it not into its own state, or null.</summary>
    public Escape? ThisEscape(MethodBody body)
    {
        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.InstanceReference
                && operation is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
                && operation.Parent is not (IMemberReferenceOperation or IInvocationOperation { Instance: not null })
                && FinishEscape(operation, body, 0) is { InReceiver: false } escape)
            {
                return escape;
            }
        }

        return null;
    }

    /// <summary>Whether the argument (a finish, or with <paramref name="isDelegate"/> a delegate capturing one) is kept by the call.</summary>
    private Escape? ArgumentEscape(IArgumentOperation argument, MethodBody? body, int depth, bool isDelegate)
    {
        var parameter = argument.Parameter;
        IMethodSymbol? callee = argument.Parent switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        };
        if (callee is null || parameter is null)
        {
            return null;
        }

        if (NotifierTypes.Is(callee, _types.PoolReturn) || NotifierTypes.Is(callee, _types.PoolTryRent)
            || NotifierTypes.Is(callee, _types.InvalidateFinish) || _types.GetCallbackKind(callee) == CallbackKind.InvalidateFinish
            || callee.MethodKind == MethodKind.LocalFunction || callee.MethodKind == MethodKind.AnonymousFunction
            || callee.MethodKind == MethodKind.DelegateInvoke)
        {
            return null;
        }

        var followed = KeepSummaries.IsFollowed(callee);
        if (!isDelegate && followed && _summaries.Yields(callee, parameter.Ordinal))
        {
            // An iterator that yields it: the finish is in the sequence the call returns.
            return ContainerEscape(argument.Parent!, body, depth + 1)?.After(EscapeKind.InIteratorSequence,
                "yielded by '" + callee.Name + "', whose sequence is ");
        }

        if (_scope is not null && _scope.IsOwnMethod(callee))
        {
            return OwnMethodEscape(_scope, callee, parameter, depth, isDelegate);
        }

        if (_types.IsPoolType(callee.ContainingType))
        {
            return null;
        }

        if (followed)
        {
            return SourceCallEscape(argument, callee, parameter, body, depth);
        }

        if ((isDelegate || string.Equals(parameter.Name, "state", System.StringComparison.Ordinal))
            && (ScheduledWork.IsWaitedAtOnce(argument.Parent) || ScheduledWork.IsJoinedBeforeReturn(callee, argument.Parent, body, _stores)))
        {
            return null; // Task.Run(...).Wait(), Task.WaitAll(tasks), a disposed registration: the work ends before the pass does
        }

        if (!isDelegate && KnownApis.IsSequenceOperator(callee, parameter))
        {
            return ContainerEscape(argument.Parent!, body, depth + 1)?.After(EscapeKind.InOperatorResult,
                "passed to '" + CalleeName(callee) + "', whose result is ");
        }

        if (isDelegate && KnownApis.IsScheduler(callee))
        {
            return Escape.Of(EscapeKind.Scheduled, "passed to '" + CalleeName(callee) + "', which runs it later");
        }

        var isAtomicStore = KnownApis.IsAtomicStore(callee);
        if (callee.MethodKind == MethodKind.Ordinary && (KnownApis.StoringMethods.Contains(callee.Name) || isAtomicStore)
            && !(isAtomicStore && parameter.Name != "value")
            && parameter.Name != "comparisonValue"
            && !StoresIntoLocal(argument.Parent, body, isAtomicStore))
        {
            return Escape.Of(EscapeKind.StoringCall, "stored through '" + TypeName(callee.ContainingType) + "." + callee.Name + "'",
                StoresIntoReceiverState(argument.Parent, isAtomicStore));
        }

        if (!isDelegate && string.Equals(parameter.Name, "state", System.StringComparison.Ordinal))
        {
            return Escape.Of(EscapeKind.PassedAsState,
                "passed as the state of '" + CalleeName(callee) + "', which hands it to a callback that runs later");
        }

        return null;
    }

    /// <summary>A finish (or delegate) passed to a non-virtual method of the ops type that is not an in-list helper: its body is walked.</summary>
    private Escape? OwnMethodEscape(ListScope scope, IMethodSymbol callee, IParameterSymbol parameter, int depth, bool isDelegate)
    {
        if (scope.Bodies.MembershipOf(callee) != CallbackKind.None || callee.IsAbstract || callee.IsVirtual || callee.IsOverride)
        {
            return null;
        }

        var calleeBody = scope.FindBody(callee);
        var calleeParameter = calleeBody is null ? null : ListScope.FindParameter(calleeBody, parameter);
        if (calleeBody is null || calleeParameter is null)
        {
            return null;
        }

        foreach (var operation in calleeBody.Operations())
        {
            if (operation.Kind == OperationKind.ParameterReference && operation is IParameterReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Parameter, calleeParameter))
            {
                var escape = isDelegate ? DelegateEscape(reference, calleeBody, depth + 1) : FinishEscape(reference, calleeBody, depth + 1);
                if (escape is not null)
                {
                    return escape.After(EscapeKind.PassedToMethod, "passed to '" + callee.Name + "', where it is ");
                }
            }
        }

        return null;
    }
}
