using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.FinishLifetime;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF002: a finish object used outside the two-pass list. The list is the start and finish overrides of an ops
/// type and the private or internal helpers called only from them (<see cref="TypeBodies.MembershipOf"/>); inside
/// it every use of a finish value is walked up to its consumer, and only stores, escaping captures and calls
/// that provably keep the finish are reported. Anywhere in user code, creating a finish outside the start and
/// calling <c>InvalidateFinish</c> are reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FinishLifetimeAnalyzer : NotifierAnalyzer
{
    /// <summary>The diagnostic property naming the sub-case; the code fixes read it.</summary>
    public const string KindKey = "NTF002.Kind";

    /// <summary>A direct call of InvalidateFinish (fix: remove the call).</summary>
    public const string KindCall = "Call";

    /// <summary>A long-lived finish handed out through 'out finish' (fix: one per invocation).</summary>
    public const string KindHandOut = "HandOut";

    public const string KindEscape = "Escape";
    public const string KindNotifier = "Notifier";
    public const string KindCreate = "Create";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF002);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is INamedTypeSymbol type && types.IsOpsType(type))
            {
                TypeBodies.Collect(symbolStart, types, (end, bodies) => AnalyzeOpsType(end, types, bodies));
            }
        }, SymbolKind.NamedType);

        start.RegisterOperationAction(
            operationContext => AnalyzeOutsideOps(operationContext, types),
            OperationKind.ObjectCreation, OperationKind.TypeParameterObjectCreation, OperationKind.Invocation,
            OperationKind.MethodReference);
    }

    /// <summary>Code outside ops types: creations of finishes and direct InvalidateFinish calls only.</summary>
    private static void AnalyzeOutsideOps(OperationAnalysisContext context, NotifierTypes types)
    {
        var owner = context.ContainingSymbol;
        if (owner is null || types.IsOpsType(owner.ContainingType))
        {
            return; // judged with the whole type at its symbol end
        }

        var diagnostic = context.Operation switch
        {
            IInvocationOperation invocation => CheckInvalidateFinishCall(types, invocation, invocation.TargetMethod, owner),
            IMethodReferenceOperation reference => CheckInvalidateFinishCall(types, reference, reference.Method, owner),
            _ => CheckCreation(types, context.Operation, owner, inStart: IsFinishFactoryHook(types, owner as IMethodSymbol)),
        };
        if (diagnostic is not null)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static void AnalyzeOpsType(SymbolAnalysisContext context, NotifierTypes types, TypeBodies bodies)
    {
        var flow = new FinishFlow(types, bodies);
        var found = new List<Diagnostic>();
        foreach (var body in bodies.Bodies)
        {
            var owner = body.Owner;
            if (!SymbolEqualityComparer.Default.Equals(owner.ContainingType?.OriginalDefinition, bodies.Type.OriginalDefinition))
            {
                continue;
            }

            var membership = bodies.MembershipOf(owner);
            var inList = flow.IsInList(owner);
            var inStart = flow.IsInStart(owner);
            var startOnly = inStart && (membership & CallbackKind.InvalidateFinish) == 0;
            var method = owner as IMethodSymbol;
            var handsOut = inStart && method is not null;
            var returnsFinish = handsOut && types.GetCallbackKind(method) == CallbackKind.None && types.IsFinishType(method!.ReturnType);

            foreach (var operation in body.Operations())
            {
                Diagnostic? diagnostic = null;
                switch (operation)
                {
                    case IObjectCreationOperation or ITypeParameterObjectCreationOperation:
                        diagnostic = CheckCreation(types, operation, owner, inStart || IsFinishFactoryHook(types, method));
                        if (diagnostic is null && inList && types.IsFinishType(operation.Type))
                        {
                            diagnostic = CheckUse(flow, operation, body);
                        }

                        break;
                    case IInvocationOperation invocation:
                        diagnostic = CheckInvalidateFinishCall(types, invocation, invocation.TargetMethod, owner, membership);
                        if (diagnostic is null && inList && flow.ReturnedCaptureEscape(invocation, body) is { } returnedCapture)
                        {
                            diagnostic = Create(invocation.Syntax, KindEscape, "the finish passed here is " + returnedCapture
                                + ": that code can run after the finish pass, when the finish is reused or gone: copy the data it needs out of the finish, or do the work inside InvalidateFinish");
                        }

                        if (diagnostic is null && inList && types.IsFinishType(invocation.Type)
                            && !types.IsPoolType(invocation.TargetMethod.ContainingType))
                        {
                            diagnostic = CheckUse(flow, operation, body);
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
                        when inList && types.IsFinishType(operation.Type) && !FinishFlow.IsWriteTarget(operation):
                        diagnostic = CheckUse(flow, operation, body);
                        break;
                    case ISimpleAssignmentOperation assignment when handsOut
                                                                    && FinishFlow.Unwrap(assignment.Target) is IParameterReferenceOperation { Parameter: { RefKind: RefKind.Out or RefKind.Ref } parameter }
                                                                    && types.IsFinishType(parameter.Type)
                                                                    && !OperationFacts.IsInsideFunction(assignment):
                        diagnostic = CheckHandOut(flow, assignment, assignment.Value, body);
                        break;
                    case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } returnOperation
                        when returnsFinish && !OperationFacts.IsInsideFunction(returnOperation):
                        diagnostic = CheckHandOut(flow, returnOperation, returned, body);
                        break;
                }

                if (diagnostic is not null)
                {
                    found.Add(diagnostic);
                }
            }
        }

        if (found.Count == 0)
        {
            return;
        }

        // One diagnostic per offending line.
        foreach (var group in found.GroupBy(d => (d.Location.SourceTree, d.Location.GetLineSpan().StartLinePosition.Line)))
        {
            context.ReportDiagnostic(group.OrderBy(d => d.Location.SourceSpan.Start).First());
        }
    }

    /// <summary>
    /// A hook that hands a finish back to a caller it cannot see, returning a finish (or with an 'out' finish
    /// parameter): a protected method of an ops type, an override of a method that an ops type declares (a
    /// template-method hook called by the base's callbacks), or an implementation of an interface member (a
    /// factory called through the interface, e.g. a static abstract <c>Create</c>). Its callers may be in another
    /// compilation: a finish it creates cannot be proved to be made outside the start, so it is not reported.
    /// </summary>
    private static bool IsFinishFactoryHook(NotifierTypes types, IMethodSymbol? method)
    {
        if (method is null || method.MethodKind != MethodKind.Ordinary || types.GetCallbackKind(method) != CallbackKind.None)
        {
            return false;
        }

        var inOps = types.IsOpsType(method.ContainingType);
        var isHook = (inOps && method.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal
                          or Accessibility.ProtectedOrInternal)
                     || (method.IsOverride && types.IsOpsType(method.OverriddenMethod?.ContainingType))
                     || ImplementsAnInterfaceMember(method);
        if (!isHook)
        {
            return false;
        }

        if (types.IsFinishType(method.ReturnType))
        {
            return true;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Out or RefKind.Ref && types.IsFinishType(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="method"/> implements an interface member (explicitly, implicitly, or a static abstract one).</summary>
    private static bool ImplementsAnInterfaceMember(IMethodSymbol method)
    {
        if (!method.ExplicitInterfaceImplementations.IsEmpty)
        {
            return true;
        }

        var type = method.ContainingType;
        if (type is null || method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static Diagnostic? CheckUse(FinishFlow flow, IOperation use, MethodBody body)
    {
        var escape = flow.FinishEscape(use, body, 0, out var at);
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
        string advice;
        if (escape.StartsWith("captured", System.StringComparison.Ordinal))
        {
            advice = "that code can run after the finish pass, when the finish is reused or gone: copy the data it needs out of the finish, or do the work inside InvalidateFinish";
        }
        else if (escape.StartsWith("passed", System.StringComparison.Ordinal))
        {
            advice = "only the 'out finish' parameter, the NotifierFinishPool and private helpers called only from the two passes may take a finish";
        }
        else
        {
            advice = "a finish must not outlive its invalidation; keep it in a local and hand it out only through the 'out finish' parameter";
        }

        return Create(at.Syntax, KindEscape, name + " is " + escape + ": " + advice);
    }

    private static Diagnostic? CheckHandOut(FinishFlow flow, IOperation at, IOperation value, MethodBody body)
    {
        var longLived = flow.LongLived(value, body, 0);
        return longLived is null
            ? null
            : Create(at.Syntax, KindHandOut,
                "the finish handed out is " + longLived + ", which outlives this invocation, but overlapping invalidations run in parallel and each needs its own finish: create one per invocation with 'new', or rent it from a NotifierFinishPool");
    }

    private static Diagnostic? CheckCreation(NotifierTypes types, IOperation operation, ISymbol owner, bool inStart)
    {
        if (inStart || !types.IsFinishType(operation.Type))
        {
            return null;
        }

        var initializerOrConstructor = owner is IFieldSymbol or IPropertySymbol
                                       || owner is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor };
        if (operation is ITypeParameterObjectCreationOperation && !initializerOrConstructor)
        {
            return null; // 'new T()' in a generic factory: who calls it is not known here
        }

        if (operation is not (IObjectCreationOperation or ITypeParameterObjectCreationOperation))
        {
            return null;
        }

        if (IsInsideFinishFactoryLambda(types, operation))
        {
            return null; // '() => new GpuFinish()': a factory delegate, who invokes it (a start, say) is not known here
        }

        var where = owner switch
        {
            IFieldSymbol field => "in the initializer of '" + field.Name + "'",
            IPropertySymbol property => "in the initializer of '" + property.Name + "'",
            IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => "in a constructor of '" + owner.ContainingType?.Name + "'",
            IMethodSymbol method => "in '" + method.Name + "'",
            _ => "here",
        };
        return Create(operation.Syntax, KindCreate,
            "'" + operation.Type!.Name + "' is created " + where + ", outside InvalidateStart: create each finish inside InvalidateStart (or a private helper called only from it), or rent it from a NotifierFinishPool");
    }

    private static Diagnostic? CheckInvalidateFinishCall(NotifierTypes types, IOperation operation, IMethodSymbol? target, ISymbol owner,
                                                         CallbackKind membership = CallbackKind.None)
    {
        if (target is null
            || !(NotifierTypes.Is(target, types.InvalidateFinish) || types.GetCallbackKind(target) == CallbackKind.InvalidateFinish))
        {
            return null;
        }

        if (operation is IInvocationOperation { Instance.Syntax: BaseExpressionSyntax }
            && owner is IMethodSymbol method
            && (types.GetCallbackKind(method) == CallbackKind.InvalidateFinish || membership == CallbackKind.InvalidateFinish))
        {
            return null; // base.InvalidateFinish(finish) inside an override, or inside a helper called only from it
        }

        if (IsForwardedFinish(types, operation, owner))
        {
            return null; // a wrapper's finish handing its own finish on to the ops it wraps: still once per finish pass
        }

        return Create(operation.Syntax, KindCall,
            "InvalidateFinish is called directly, but only the runtime's finish pass may call it, once for each finish a start handed out: remove this call");
    }

    /// <summary>
    /// <c>_inner.InvalidateFinish(finish)</c> inside an <c>InvalidateFinish</c> override, on another ops object, with
    /// the override's own <c>finish</c> parameter: a decorator or multiplexer forwarding the runtime's finish pass to
    /// the ops it wraps (whose start it forwarded too). It runs once for each finish the runtime finishes.
    /// </summary>
    private static bool IsForwardedFinish(NotifierTypes types, IOperation operation, ISymbol owner)
    {
        if (operation is not IInvocationOperation { Instance: { } instance } invocation
            || owner is not IMethodSymbol method || types.GetCallbackKind(method) != CallbackKind.InvalidateFinish
            || FinishFlow.Unwrap(instance) is IInstanceReferenceOperation)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Value is not null && FinishFlow.Unwrap(argument.Value) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the innermost function around <paramref name="operation"/> is a lambda that returns a finish (a finish factory).</summary>
    private static bool IsInsideFinishFactoryLambda(NotifierTypes types, IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    return types.IsFinishType(lambda.Symbol.ReturnType);
                case ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }

    private static Diagnostic Create(SyntaxNode syntax, string kind, string message)
        => Diagnostic.Create(Descriptors.NTF002, syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(KindKey, kind), message);
}
