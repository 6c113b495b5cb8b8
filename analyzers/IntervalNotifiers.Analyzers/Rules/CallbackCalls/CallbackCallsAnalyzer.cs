using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Calls that are wrong from where they are made: NTF011 and NTF013 (<c>Remove()</c> and <c>ReadBegin()</c> reached from an ops callback) and NTF012
/// (<c>SetSequence</c> outside an invalidate callback). Per named type, in a symbol-start scope (so private helpers
/// count, docs/contract.md#helpers-count-as-the-callback); the calls of a callback into source methods of any type
/// are followed (docs/contract.md#calls-followed-through-source, Core/SourceCalls.cs). Each rule's check is in
/// Rules/CallbackCalls/NTFnnn.*.cs, the part they share in Rules/CallbackCalls/CallsFromCallbacks.cs.
/// </summary>
/// <remarks>
/// Code inside a lambda runs when (and where) its delegate is invoked, which the analysis cannot see: both rules
/// stay silent there. A local function counts as part of its method unless it is made into a delegate.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class CallbackCallsAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF011, Descriptors.NTF012, Descriptors.NTF013);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        if (types.SetSequence is null && types.Remove.IsEmpty && types.ReadBegin is null)
        {
            return;
        }

        var names = SourceNames.For(start.Compilation);
        var summaries = CallSummaries.For(start.Compilation, types);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
            {
                return;
            }

            // SetSequence matters anywhere; Remove, ReadBegin and the calls that may reach them only inside ops types
            // (their callbacks). A type that is no ops type and whose files never spell SetSequence registers nothing.
            // Otherwise the driver hands every invocation of the type's members to a cheap filter, and the call graph
            // is built at the end only for a type with a call that may be reported (MayBeReported): a Remove or a
            // ReadBegin, a call of a source method that reaches one of them, made where a callback may run it, or a
            // SetSequence whose member is not itself an invalidate callback (one made there, in the callback or in a
            // lambda or local function of it, is never reported). What a source method reaches is answered once per
            // method for the compilation (Speed/CallSummaries.cs), most often without binding it (Speed/CallSyntax.cs).
            var isOps = types.IsOpsType(type);
            if (!isOps && !names.MayName(type, SourceNames.SetSequence, symbolStart.CancellationToken))
            {
                return;
            }

            var relevant = 0;
            symbolStart.RegisterOperationAction(operationContext =>
            {
                if (relevant == 0 && operationContext.Operation is IInvocationOperation invocation
                    && MayBeReported(operationContext, types, summaries, type, invocation, isOps))
                {
                    System.Threading.Volatile.Write(ref relevant, 1);
                }
            }, OperationKind.Invocation);

            TypeBodies.Collect(symbolStart, types, (end, bodies) =>
            {
                if (System.Threading.Volatile.Read(ref relevant) != 0)
                {
                    Analyze(end, bodies);
                }
            });
        }, SymbolKind.NamedType);
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> calls SetSequence; or, in an ops type, Remove, ReadBegin or a method
    /// whose calls are followed through source.
    /// </summary>
    private static bool IsCheckedCall(NotifierTypes types, IInvocationOperation invocation, bool isOps)
    {
        if (NotifierTypes.Is(invocation.TargetMethod, types.SetSequence))
        {
            return true;
        }

        return isOps && (SourceCalls.TargetOf(types, invocation.TargetMethod) != CallTargets.None
                         || SourceCalls.FollowedTarget(invocation) is not null);
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> may lead <see cref="Analyze"/> to a diagnostic: a SetSequence made outside
    /// an invalidate callback; in an ops type, a Remove or a ReadBegin, or a call of a followed method that reaches one
    /// (<see cref="CallSummaries"/>) made where a callback may run it (a callback, a private or internal method that
    /// may be one of its helpers). A call of a followed method that reaches nothing makes the type no work at its end.
    /// </summary>
    private static bool MayBeReported(OperationAnalysisContext context, NotifierTypes types, CallSummaries summaries,
                                      INamedTypeSymbol type, IInvocationOperation invocation, bool isOps)
    {
        if (NotifierTypes.Is(invocation.TargetMethod, types.SetSequence))
        {
            return !IsSetSequenceInInvalidateCallback(types, invocation, context.ContainingSymbol);
        }

        if (!isOps)
        {
            return false;
        }

        if (SourceCalls.TargetOf(types, invocation.TargetMethod) != CallTargets.None)
        {
            return true;
        }

        // A callee of this type that may itself run as part of a callback needs no answer here: the driver hands its own
        // calls to this action too, and one of them is the Remove or ReadBegin, or a call that reaches one.
        return SourceCalls.FollowedTarget(invocation) is { } callee
               && MayBeInCallback(types, context.ContainingSymbol)
               && !(SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, type.OriginalDefinition)
                    && MayBeInCallback(types, callee))
               && summaries.Reach(callee, context.CancellationToken) != CallTargets.None;
    }

    /// <summary>
    /// Whether code of <paramref name="member"/> may run as part of a callback (<see cref="TypeBodies.MembershipOf"/>
    /// is not None for it, or it is a lambda or local function): a callback, or a private or internal method.
    /// </summary>
    private static bool MayBeInCallback(NotifierTypes types, ISymbol? member)
        => member is IMethodSymbol method
           && (method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction
               || method.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal
               || types.GetCallbackKind(method) != CallbackKind.None);

    private static bool IsSetSequenceInInvalidateCallback(NotifierTypes types, IInvocationOperation invocation, ISymbol? member)
        => member is IMethodSymbol method
           && (types.GetCallbackKind(method) & CallbackKind.InvalidateCallbacks) != 0
           && NotifierTypes.Is(invocation.TargetMethod, types.SetSequence);

    private static void Analyze(SymbolAnalysisContext context, TypeBodies bodies)
    {
        var types = bodies.Types;
        var isOps = types.IsOpsType(bodies.Type);
        HashSet<ISymbol>? reachedFromInvalidate = null;

        foreach (var body in bodies.Bodies)
        {
            foreach (var operation in body.Operations())
            {
                if (operation.Kind != OperationKind.Invocation || operation is not IInvocationOperation invocation
                    || operation.Syntax is not InvocationExpressionSyntax
                    || !IsCheckedCall(types, invocation, isOps) || OperationFacts.IsDeferred(invocation))
                {
                    continue;
                }

                if (NotifierTypes.Is(invocation.TargetMethod, types.SetSequence))
                {
                    AnalyzeSetSequence(context, bodies, body, invocation, ref reachedFromInvalidate);
                }
                else if (isOps)
                {
                    AnalyzeCallFromCallback(context, bodies, body, invocation);
                }
            }
        }
    }

    /// <summary>The invocation, or the whole <c>a?.Remove()</c> when it is the end of a conditional access.</summary>
    private static Location ReportLocation(SyntaxNode invocation)
    {
        var node = invocation;
        while (node.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == node)
        {
            node = access;
        }

        return node.GetLocation();
    }
}
