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
        foreach (var body in bodies.Bodies)
        {
            var owner = body.Owner;
            if (!SymbolEqualityComparer.Default.Equals(owner.ContainingType?.OriginalDefinition, bodies.Type.OriginalDefinition))
            {
                continue;
            }

            var membership = bodies.MembershipOf(owner);
            var inList = scope.IsInList(owner);
            var inStart = scope.IsInStart(owner);
            var startOnly = inStart && (membership & CallbackKind.InvalidateFinish) == 0;
            var method = owner as IMethodSymbol;
            var handsOut = inStart && method is not null;
            var returnsFinish = handsOut && types.GetCallbackKind(method) == CallbackKind.None && types.IsFinishType(method!.ReturnType);

            foreach (var operation in body.Operations())
            {
                Diagnostic? diagnostic = null;
                Finding? use = null;
                switch (operation)
                {
                    case IObjectCreationOperation or ITypeParameterObjectCreationOperation:
                        diagnostic = CheckCreation(types, operation, owner, inStart || IsFinishFactoryHook(types, method));
                        if (diagnostic is null && inList && types.IsFinishType(operation.Type))
                        {
                            use = CheckUse(walk, operation, body);
                        }

                        break;
                    case IInvocationOperation invocation:
                        diagnostic = CheckInvalidateFinishCall(types, invocation, invocation.TargetMethod, owner, membership);
                        if (diagnostic is null && inList && walk.ReturnedCaptureEscape(invocation, body) is { } returnedCapture)
                        {
                            diagnostic = CreateEscape(invocation.Syntax, returnedCapture.Kind,
                                "the finish passed here is " + returnedCapture.Words + ": " + AdviceFor(returnedCapture.Kind));
                        }

                        if (diagnostic is null && inList && types.IsFinishType(invocation.Type)
                            && !types.IsPoolType(invocation.TargetMethod.ContainingType))
                        {
                            use = CheckUse(walk, operation, body);
                        }

                        break;
                    case IMethodReferenceOperation reference:
                        diagnostic = CheckInvalidateFinishCall(types, reference, reference.Method, owner, membership);
                        break;
                    case IPropertyReferenceOperation property when startOnly
                                                                   && types.FinishNotifier is not null
                                                                   && SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, types.FinishNotifier)
                                                                   && !OperationFacts.IsInsideFunction(property):
                        diagnostic = Create(property.Syntax, KindNotifier,
                            "'Notifier' is read inside InvalidateStart, but the runtime sets it only when it links the finish after the start returns (InvalidOperationException here): use the start's 'notifier' parameter");
                        break;
                    case ILocalReferenceOperation or IParameterReferenceOperation
                        when inList && types.IsFinishType(operation.Type) && !IsWriteTarget(operation):
                        use = CheckUse(walk, operation, body);
                        break;
                    case ISimpleAssignmentOperation assignment when handsOut
                                                                    && Unwrap(assignment.Target) is IParameterReferenceOperation { Parameter: { RefKind: RefKind.Out or RefKind.Ref } parameter }
                                                                    && types.IsFinishType(parameter.Type)
                                                                    && !OperationFacts.IsInsideFunction(assignment):
                        diagnostic = CheckHandOut(handOuts, assignment, assignment.Value, body);
                        break;
                    case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } returnOperation
                        when returnsFinish && !OperationFacts.IsInsideFunction(returnOperation):
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
