using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Calls that are wrong from where they are made: NTF011 (<c>Remove()</c> from an ops callback or one of its
/// helpers) and NTF012 (<c>SetSequence</c> outside an invalidate callback). Per named type, in a symbol-start
/// scope (so private helpers count, docs/contract.md#helpers-count-as-the-callback), and only for types that call
/// <c>Remove</c> or <c>SetSequence</c>. Each rule's check is in Rules/CallbackCalls/NTFnnn.*.cs.
/// </summary>
/// <remarks>
/// Code inside a lambda runs when (and where) its delegate is invoked, which the analysis cannot see: both rules
/// stay silent there. A local function counts as part of its method unless it is made into a delegate.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class CallbackCallsAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF011, Descriptors.NTF012);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        if (types.SetSequence is null && types.Remove.IsEmpty)
        {
            return;
        }

        var names = SourceNames.For(start.Compilation);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
            {
                return;
            }

            // Remove matters only inside ops types (their callbacks); SetSequence anywhere. A type whose files never
            // spell the names registers nothing; otherwise the driver hands every invocation of the type's members
            // to a cheap filter, and the call graph is built at the end only for a type with a call that may be
            // reported: a Remove, or a SetSequence whose member is not itself an invalidate callback (one made there,
            // in the callback or in a lambda or local function of it, is never reported).
            // An ops type whose every SetSequence is spelled inside its invalidate callbacks (where a call is never
            // reported) and that never spells Remove registers nothing either: the common driver.
            var isOps = types.IsOpsType(type);
            var callbacks = isOps ? InvalidateCallbacksOf(types, type) : null;
            if (!names.MayNameOutside(type, isOps ? SourceNames.SetSequence | SourceNames.Remove : SourceNames.SetSequence,
                                      callbacks is null ? null : (tree, position, name) => name == SourceNames.SetSequence && IsInAny(callbacks, tree, position),
                                      symbolStart.CancellationToken))
            {
                return;
            }

            var relevant = 0;
            symbolStart.RegisterOperationAction(operationContext =>
            {
                if (relevant == 0 && operationContext.Operation is IInvocationOperation invocation
                    && IsCheckedCall(types, invocation.TargetMethod.OriginalDefinition, isOps)
                    && !IsSetSequenceInInvalidateCallback(types, invocation, operationContext.ContainingSymbol))
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

    /// <summary>Whether <paramref name="definition"/> (an original definition) is SetSequence, or Remove in an ops type.</summary>
    private static bool IsCheckedCall(NotifierTypes types, IMethodSymbol definition, bool isOps)
    {
        if (types.SetSequence is { } setSequence && SymbolEqualityComparer.Default.Equals(definition, setSequence.OriginalDefinition))
        {
            return true;
        }

        return isOps && types.IsRemove(definition);
    }

    /// <summary>The <c>Invalidate</c> and <c>InvalidateStart</c> overrides declared in <paramref name="type"/>.</summary>
    private static List<IMethodSymbol>? InvalidateCallbacksOf(NotifierTypes types, INamedTypeSymbol type)
    {
        List<IMethodSymbol>? callbacks = null;
        foreach (var name in InvalidateCallbackNames)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol method && (types.GetCallbackKind(method) & CallbackKind.InvalidateCallbacks) != 0)
                {
                    (callbacks ??= new List<IMethodSymbol>()).Add(method);
                }
            }
        }

        return callbacks;
    }

    private static readonly string[] InvalidateCallbackNames =
        { NotifierTypes.NameOf(CallbackKind.Invalidate), NotifierTypes.NameOf(CallbackKind.InvalidateStart) };

    private static bool IsInAny(List<IMethodSymbol> methods, SyntaxTree tree, int position)
    {
        foreach (var method in methods)
        {
            if (SourceNames.IsInDeclarationOf(method, tree, position))
            {
                return true;
            }
        }

        return false;
    }

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
                if (operation is not IInvocationOperation invocation || operation.Syntax is not InvocationExpressionSyntax)
                {
                    continue;
                }

                var target = invocation.TargetMethod;
                var isRemove = isOps && types.IsRemove(target);
                var isSetSequence = !isRemove && NotifierTypes.Is(target, types.SetSequence);
                if ((!isRemove && !isSetSequence) || IsInsideDeferredCode(invocation))
                {
                    continue;
                }

                if (isRemove)
                {
                    AnalyzeRemove(context, bodies, body, invocation);
                }
                else
                {
                    AnalyzeSetSequence(context, bodies, body, invocation, ref reachedFromInvalidate);
                }
            }
        }
    }

    /// <summary>Inside a lambda, or inside a local function that is made into a delegate somewhere in its method.</summary>
    private static bool IsInsideDeferredCode(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation:
                    return true;
                case ILocalFunctionOperation localFunction when IsReferencedAsDelegate(localFunction):
                    return true;
            }
        }

        return false;
    }

    private static bool IsReferencedAsDelegate(ILocalFunctionOperation localFunction)
    {
        var root = (IOperation)localFunction;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IMethodReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.Symbol.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
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
