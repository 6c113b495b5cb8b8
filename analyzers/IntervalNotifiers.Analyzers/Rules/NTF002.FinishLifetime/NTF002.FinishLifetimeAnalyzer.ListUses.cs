using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.FinishLifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF002 inside an ops type: every use of a finish in the two-pass list, judged at the type's end.</summary>
public sealed partial class FinishLifetimeAnalyzer
{
    private const string CaptureAdvice =
        "that code can run after the finish pass, when the finish is reused or gone: copy the data it needs out of the finish, or do the work inside InvalidateFinish";

    private const string PassAdvice =
        "only the 'out finish' parameter, the NotifierFinishPool and private helpers called only from the two passes may take a finish";

    private const string StoreAdvice =
        "a finish must not outlive its invalidation; keep it in a local and hand it out only through the 'out finish' parameter";

    private static void AnalyzeOpsType(SymbolAnalysisContext context, NotifierTypes types, TypeBodies bodies, KeepSummaries summaries)
    {
        var scope = new ListScope(bodies);
        var stores = new StoreTargets(types);
        var walk = new EscapeWalk(types, scope, stores, summaries);
        var handOuts = new HandOutSources(types, stores);
        var found = new List<Finding>();
        var facts = new BodyFacts(types, bodies);
        foreach (var body in bodies.Bodies)
        {
            var owner = body.Owner;
            if (!SymbolEqualityComparer.Default.Equals(owner.ContainingType?.OriginalDefinition, bodies.Type.OriginalDefinition))
            {
                continue;
            }

            // Every check below asks first what the operation itself shows (its kind, its type, its target) and only
            // then where the body stands (the helper clause, which may build the type's call graph): most bodies never
            // ask (BodyFacts computes each answer once per body, on first use).
            facts.Reset(owner);
            foreach (var operation in body.Operations())
            {
                Diagnostic? diagnostic = null;
                Finding? use = null;
                switch (operation.Kind)
                {
                    case OperationKind.ObjectCreation or OperationKind.TypeParameterObjectCreation:
                        if (!types.IsFinishType(operation.Type))
                        {
                            break; // neither created outside the start nor a use: not a finish
                        }

                        diagnostic = CheckCreation(types, operation, owner, facts.InStart || facts.IsFinishFactoryHook);
                        if (diagnostic is null && facts.InList)
                        {
                            use = CheckUse(walk, operation, body);
                        }

                        break;
                    case OperationKind.Invocation when operation is IInvocationOperation invocation:
                        diagnostic = CheckInvalidateFinishCall(types, invocation, invocation.TargetMethod, owner, facts);
                        if (diagnostic is null && invocation.TargetMethod.ReturnType.TypeKind == TypeKind.Delegate && facts.InList
                            && walk.ReturnedCaptureEscape(invocation, body) is { } returnedCapture)
                        {
                            diagnostic = CreateEscape(invocation.Syntax, returnedCapture.Kind,
                                "the finish passed here is " + returnedCapture.Words + ": " + AdviceFor(returnedCapture.Kind));
                        }

                        if (diagnostic is null && types.IsFinishType(invocation.Type)
                            && !types.IsPoolType(invocation.TargetMethod.ContainingType) && facts.InList)
                        {
                            use = CheckUse(walk, operation, body);
                        }

                        break;
                    case OperationKind.MethodReference when operation is IMethodReferenceOperation reference:
                        diagnostic = CheckInvalidateFinishCall(types, reference, reference.Method, owner, facts);
                        break;
                    case OperationKind.PropertyReference when types.FinishNotifier is not null
                                                              && operation is IPropertyReferenceOperation property
                                                              && SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, types.FinishNotifier)
                                                              && facts.StartOnly
                                                              && !OperationFacts.IsInsideFunction(property):
                        diagnostic = Create(property.Syntax, KindNotifier,
                            "'Notifier' is read inside InvalidateStart, but the runtime sets it only when it links the finish after the start returns (InvalidOperationException here): use the start's 'notifier' parameter");
                        break;
                    case OperationKind.LocalReference or OperationKind.ParameterReference
                        when types.IsFinishType(operation.Type) && !IsWriteTarget(operation) && facts.InList:
                        use = CheckUse(walk, operation, body);
                        break;
                    case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment
                                                             && Unwrap(assignment.Target) is IParameterReferenceOperation { Parameter: { RefKind: RefKind.Out or RefKind.Ref } parameter }
                                                             && types.IsFinishType(parameter.Type)
                                                             && facts.HandsOut
                                                             && !OperationFacts.IsInsideFunction(assignment):
                        diagnostic = CheckHandOut(handOuts, assignment, assignment.Value, body);
                        break;
                    case OperationKind.Return when operation is IReturnOperation { ReturnedValue: { } returned } returnOperation
                                                   && facts.ReturnsFinish
                                                   && !OperationFacts.IsInsideFunction(returnOperation):
                        diagnostic = CheckHandOut(handOuts, returnOperation, returned, body);
                        break;
                }

                if (diagnostic is not null)
                {
                    found.Add(new Finding(diagnostic));
                }
                else if (use is { } finding)
                {
                    found.Add(finding);
                }
            }
        }

        ReportOnePerPlace(context, found);
    }

    /// <summary>
    /// Where the body being judged stands in the two-pass list, each answer computed on first use and kept for the
    /// body (the helper clause asks for the type's call graph; a body whose operations never ask does not build it).
    /// One instance per ops type, <see cref="Reset"/> for each body.
    /// </summary>
    private sealed class BodyFacts
    {
        private readonly NotifierTypes _types;
        private readonly TypeBodies _bodies;
        private ISymbol _owner = null!;
        private CallbackKind? _membership;
        private bool? _isFinishFactoryHook;
        private bool? _returnsFinish;

        public BodyFacts(NotifierTypes types, TypeBodies bodies)
        {
            _types = types;
            _bodies = bodies;
        }

        public void Reset(ISymbol owner)
        {
            _owner = owner;
            _membership = null;
            _isFinishFactoryHook = null;
            _returnsFinish = null;
        }

        /// <summary>The callbacks the body is (or, as a helper, is part of): <see cref="TypeBodies.MembershipOf"/>.</summary>
        public CallbackKind Membership => _membership ??= _bodies.MembershipOf(_owner);

        /// <summary>In the two-pass list (<see cref="ListScope.IsInList"/>).</summary>
        public bool InList => (Membership & (CallbackKind.InvalidateStart | CallbackKind.InvalidateFinish)) != 0;

        /// <summary>A finish created here is created inside the start (<see cref="ListScope.IsInStart"/>).</summary>
        public bool InStart => (Membership & CallbackKind.InvalidateStart) != 0;

        /// <summary>Part of the start and not of the finish: 'finish.Notifier' is not set yet.</summary>
        public bool StartOnly => InStart && (Membership & CallbackKind.InvalidateFinish) == 0;

        /// <summary>A method of the start, whose 'out finish' (or returned finish) is handed out.</summary>
        public bool HandsOut => InStart && _owner is IMethodSymbol;

        /// <summary>A helper of the start that returns a finish.</summary>
        public bool ReturnsFinish
            => _returnsFinish ??= HandsOut && _types.GetCallbackKind((IMethodSymbol)_owner) == CallbackKind.None
                                  && _types.IsFinishType(((IMethodSymbol)_owner).ReturnType);

        /// <summary><see cref="FinishLifetimeAnalyzer.IsFinishFactoryHook"/> of the body's method.</summary>
        public bool IsFinishFactoryHook => _isFinishFactoryHook ??= FinishLifetimeAnalyzer.IsFinishFactoryHook(_types, _owner as IMethodSymbol);
    }

    /// <summary>The advice that follows an escape in the message, chosen by how the finish leaves the list.</summary>
    private static string AdviceFor(EscapeKind kind)
        => kind switch
        {
            EscapeKind.CapturedByLambda or EscapeKind.CapturedByLocalFunction or EscapeKind.CapturedByReturnedLambda => CaptureAdvice,
            EscapeKind.PassedToMethod or EscapeKind.PassedAsState or EscapeKind.Scheduled => PassAdvice,
            _ => StoreAdvice,
        };

    private static Finding? CheckUse(EscapeWalk walk, IOperation use, MethodBody body)
    {
        var escape = walk.FinishEscape(use, body, 0, out var at);
        if (escape is null)
        {
            return null;
        }

        var name = use switch
        {
            ILocalReferenceOperation local => "'" + local.Local.Name + "'",
            IParameterReferenceOperation parameter => "'" + parameter.Parameter.Name + "'",
            _ => "the finish",
        };
        var message = name + " is " + escape.Words + ": " + AdviceFor(escape.Kind);
        return new Finding(CreateEscape(at.Syntax, escape.Kind, message), at == use ? escape.Function : null, message);
    }

    private static Diagnostic? CheckHandOut(HandOutSources handOuts, IOperation at, IOperation value, MethodBody body)
    {
        var longLived = handOuts.LongLived(value, body, 0);
        return longLived is null
            ? null
            : Create(at.Syntax, KindHandOut,
                "the finish handed out is " + longLived + ", which outlives this invocation, but overlapping invalidations run in parallel and each needs its own finish: create one per invocation with 'new', or rent it from a NotifierFinishPool");
    }
}
