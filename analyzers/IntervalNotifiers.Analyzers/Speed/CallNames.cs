using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Per compilation, a syntax-only answer to "can a call of this source method reach <c>Remove</c> or
/// <c>ReadBegin</c>?", asked before <see cref="CallSummaries"/> binds the method's body. It follows the names that
/// bodies invoke (no binding: the declaration table finds the source methods of a name), and answers "no" only when no
/// chain of invoked names within the bounds of <see cref="SourceCalls.Reach"/> spells a target's name.
/// </summary>
/// <remarks>
/// What it skips: binding the bodies of the methods a callback calls (a device's <c>Flush</c>, a trace ring's
/// <c>Record</c>) when nothing they call can be the runtime's <c>Remove</c> or <c>ReadBegin</c>. Invariant that
/// keeps it consistent: a followed call (<see cref="SourceCalls.FollowedTarget"/>) is an invocation, which spells its
/// method's name in the caller's body, and its target is a source method of that name, so the methods reached by
/// name are a superset of those <see cref="SourceCalls.Reach"/> binds; a target is a call that spells
/// <c>Remove</c>, <c>RemoveAsync</c>, <c>ReadBegin</c> or <c>ReadBeginAsync</c>. Any doubt (too many methods, a
/// body that is not a method's) answers "maybe".
/// </remarks>
internal sealed class CallNames
{
    private static readonly ConditionalWeakTable<Compilation, CallNames> PerCompilation = new();

    private static readonly ImmutableHashSet<string> TargetNames =
        ImmutableHashSet.Create("Remove", "RemoveAsync", "ReadBegin", "ReadBeginAsync");

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, string[]?> _invoked = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, IMethodSymbol[]> _methods = new();

    private CallNames(Compilation compilation) => _compilation = compilation;

    public static CallNames For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new CallNames(c));

    /// <summary>False only when no call of <paramref name="method"/> can reach a target (see the remarks).</summary>
    public bool MayReachTarget(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        var level = new List<IMethodSymbol> { method };
        for (var depth = 1; depth <= SourceCalls.MaxDepth && level.Count > 0; depth++)
        {
            var next = new List<IMethodSymbol>();
            foreach (var current in level)
            {
                if (InvokedNames(current, cancellationToken) is not { } names)
                {
                    return true; // a body this cannot read
                }

                foreach (var name in names)
                {
                    if (TargetNames.Contains(name))
                    {
                        return true;
                    }

                    foreach (var callee in MethodsNamed(name, cancellationToken))
                    {
                        if (seen.Add(callee))
                        {
                            if (seen.Count > SourceCalls.MaxMethods)
                            {
                                return true;
                            }

                            next.Add(callee);
                        }
                    }
                }
            }

            level = next;
        }

        return false;
    }

    /// <summary>The names <paramref name="method"/>'s bodies invoke (null: a declaration that is no method body).</summary>
    private string[]? InvokedNames(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_invoked.TryGetValue(method, out var known))
        {
            return known;
        }

        var names = new HashSet<string>();
        var readable = true;
        var definition = method.PartialImplementationPart ?? method;
        foreach (var reference in definition.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not BaseMethodDeclarationSyntax declaration)
            {
                readable = false;
                break;
            }

            foreach (var node in declaration.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && NameOf(invocation.Expression) is { } name)
                {
                    names.Add(name);
                }
                else if (node is InvocationExpressionSyntax)
                {
                    readable = false; // a call through an expression this cannot name (a delegate is never followed,
                                      // but stay simple: maybe)
                }
            }
        }

        var result = readable ? System.Linq.Enumerable.ToArray(names) : null;
        return _invoked.GetOrAdd(method, result);
    }

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The source methods named <paramref name="name"/> (from the declaration table: no binding).</summary>
    private IMethodSymbol[] MethodsNamed(string name, CancellationToken cancellationToken)
    {
        if (_methods.TryGetValue(name, out var known))
        {
            return known;
        }

        var methods = new List<IMethodSymbol>();
        if (_compilation.ContainsSymbolsWithName(name, SymbolFilter.Member, cancellationToken))
        {
            foreach (var symbol in _compilation.GetSymbolsWithName(name, SymbolFilter.Member, cancellationToken))
            {
                if (symbol is IMethodSymbol method)
                {
                    methods.Add((IMethodSymbol)method.OriginalDefinition);
                }
            }
        }

        return _methods.GetOrAdd(name, methods.ToArray());
    }
}
