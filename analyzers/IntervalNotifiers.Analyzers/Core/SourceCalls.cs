using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>
/// Calls followed through source (docs/contract.md#calls-followed-through-source): what a method whose body is in
/// the compilation does when it is called, through the methods it calls in turn, up to <see cref="MaxDepth"/> calls
/// deep. Only calls whose target is known are followed (docs/contract.md#no-proof-no-diagnostic): a non-virtual
/// call, a call through <c>base</c>, a sealed method; never an interface, abstract or overridable method, a
/// delegate, or code inside a lambda or a local function made into a delegate (it runs later, elsewhere).
/// </summary>
internal static class SourceCalls
{
    /// <summary>How many calls deep a chain from a callback is followed (the called method is the first).</summary>
    public const int MaxDepth = 8;

    /// <summary>At most this many methods are looked at for one called method; beyond that the rest stays unseen (silence).</summary>
    public const int MaxMethods = 256;

    /// <summary>
    /// The method a call runs, when it is known statically and its body may be in source: the target's original
    /// definition (the implementation part of a partial method, the static method of a reduced extension call), or
    /// null when the call is not followed.
    /// </summary>
    public static IMethodSymbol? FollowedTarget(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        if (target.MethodKind == MethodKind.ReducedExtension)
        {
            target = target.ReducedFrom ?? target;
        }

        if (target.MethodKind != MethodKind.Ordinary || target.IsAbstract || target.IsExtern
            || target.DeclaringSyntaxReferences.IsEmpty && target.PartialImplementationPart is null)
        {
            return null;
        }

        if (invocation.IsVirtual && !target.IsSealed && target.ContainingType is not { IsSealed: true })
        {
            return null; // may dispatch to an override the analysis cannot pick
        }

        return BodyDefinition(target);
    }

    /// <summary>
    /// The declaration whose body a call of <paramref name="method"/> runs: its original definition, and for a partial
    /// method the implementation part (the one form of a method that summaries and searches by name key by).
    /// </summary>
    public static IMethodSymbol BodyDefinition(IMethodSymbol method)
    {
        var definition = method.OriginalDefinition;
        return definition.PartialImplementationPart ?? definition;
    }

    /// <summary>
    /// The operation of <paramref name="declaration"/> (a method's declaration in any tree of the compilation), bound on
    /// demand for a method that a callback calls; null when the tree is not the compilation's or nothing binds. The one
    /// place where calls followed through source read another tree's semantic model.
    /// </summary>
    public static IOperation? BodyOf(SyntaxNode declaration, Compilation compilation, CancellationToken cancellationToken)
    {
        if (!compilation.ContainsSyntaxTree(declaration.SyntaxTree))
        {
            return null;
        }

#pragma warning disable RS1030 // Only for methods that callbacks call, once per method (summaries); the driver's compilation caches its models per tree.
        var model = compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
        return model.GetOperation(declaration, cancellationToken);
    }

    /// <summary>What <paramref name="method"/>'s own body calls: the targets, and the followed methods.</summary>
    public static MethodCalls Compute(IMethodSymbol method, Compilation compilation, NotifierTypes types,
                                      CancellationToken cancellationToken)
    {
        var direct = CallTargets.None;
        List<IMethodSymbol>? callees = null;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (BodyOf(reference.GetSyntax(cancellationToken), compilation, cancellationToken) is not { } body)
            {
                continue;
            }

            foreach (var operation in Walks.For(compilation).Get(ImmutableArray.Create(body)))
            {
                if (operation is not IInvocationOperation invocation || OperationFacts.IsDeferred(invocation))
                {
                    continue;
                }

                var targets = TargetOf(types, invocation.TargetMethod);
                if (targets != CallTargets.None)
                {
                    direct |= targets;
                }
                else if (FollowedTarget(invocation) is { } callee)
                {
                    (callees ??= new List<IMethodSymbol>()).Add(callee);
                }
            }
        }

        return new MethodCalls(direct, callees?.ToImmutableArray() ?? ImmutableArray<IMethodSymbol>.Empty);
    }

    /// <summary>Which target <paramref name="method"/> is itself.</summary>
    public static CallTargets TargetOf(NotifierTypes types, IMethodSymbol method)
    {
        if (types.IsRemove(method))
        {
            return CallTargets.Remove;
        }

        return types.IsReadBegin(method) ? CallTargets.ReadBegin : CallTargets.None;
    }

    /// <summary>
    /// The targets that a call of <paramref name="method"/> reaches: its own body's, and those of the methods it calls,
    /// breadth first, up to <see cref="MaxDepth"/> calls deep and <see cref="MaxMethods"/> methods.
    /// </summary>
    public static CallTargets Reach(IMethodSymbol method, System.Func<IMethodSymbol, MethodCalls> callsOf)
    {
        var reached = CallTargets.None;
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        var level = new List<IMethodSymbol> { method };
        for (var depth = 1; depth <= MaxDepth && level.Count > 0 && reached != CallTargets.All; depth++)
        {
            var next = new List<IMethodSymbol>();
            foreach (var current in level)
            {
                var calls = callsOf(current);
                reached |= calls.Direct;
                foreach (var callee in calls.Callees)
                {
                    if (seen.Count < MaxMethods && seen.Add(callee))
                    {
                        next.Add(callee);
                    }
                }
            }

            level = next;
        }

        return reached;
    }
}
