using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007's flag wait must never deadlock (docs/rules/NTF007.md, "Code fix"). The blockable invalidation waits for
/// whoever set the flag to clear it; if that code, while the flag is set, waits for the invalidation (mlx5 ODP's fault
/// path: <c>Interlocked.Increment(ref mr.Populating)</c>, then <c>mr.ReadBegin()</c>, which waits for the invalidation
/// in progress), neither ever goes on. The wait is declined when:
/// <list type="bullet">
/// <item>the callback may hold a lock at the test (a <c>lock</c>, <c>using</c> or <c>try</c>/<c>finally</c> around
/// it, or a call before it that looks like taking one): the setter may want that lock while the flag is set;</item>
/// <item>code that sets the flag (every write that is not a clear, wherever the flag can be written: the member that
/// writes it, and, when that member does not also clear it, the members that call it, up to the runtime's callbacks)
/// or a source method it calls may wait: a <c>lock</c>, an <c>await</c>, <c>ReadBegin</c>/<c>ReadBeginAsync</c>, any
/// other runtime method than <c>SetSequence</c>, <c>ReadRetry</c>, <c>CheckRetry</c> and the pool's <c>TryRent</c> /
/// <c>Return</c>, a delegate, a virtual or interface method, or any method out of sight that is not on a short list of
/// calls that cannot wait (<c>Volatile</c>, <c>Interlocked</c>, <c>Math</c>, the non-blocking collections...); a setter
/// another assembly can call is out of sight too.</item>
/// </list>
/// </summary>
public sealed partial class NTF007GuardFalseReturnCodeFix
{
    /// <summary>Whether the flag wait on <paramref name="field"/> tested by <paramref name="condition"/> could deadlock (see the type's summary).</summary>
    private static bool WaitMayDeadlock(IFieldSymbol field, Func<object?, bool> passes, ExpressionSyntax condition, SyntaxNode body,
                                        SemanticModel model, CancellationToken cancellationToken)
    {
        if (NotifierTypes.TryCreate(model.Compilation) is not { } types)
        {
            return true;
        }

        var apis = new LockApis(types.Notifier);
        if (MayHoldALockAt(condition, body, model, apis, cancellationToken))
        {
            return true;
        }

        var setters = new List<SyntaxNode>();
        var clearers = new HashSet<SyntaxNode>();
        foreach (var (name, nameModel) in Mentions(field, model, cancellationToken))
        {
            var member = EnclosingMember(name);
            var written = IsWritten(name, nameModel, cancellationToken)
                          || name.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression };
            if (!written)
            {
                continue;
            }

            var clears = MayClear(name, passes, nameModel, cancellationToken);
            if (clears && member is not null)
            {
                clearers.Add(member);
            }

            if (clears && !IsInterlockedAdd(name, nameModel, cancellationToken))
            {
                continue;
            }

            if (member is null)
            {
                return true; // a top-level statement, or a write this search cannot place
            }

            setters.Add(member);
        }

        return SettersMayWait(setters, clearers, types, model, cancellationToken);
    }

    /// <summary>Whether the callback may hold a lock where it tests the flag.</summary>
    private static bool MayHoldALockAt(ExpressionSyntax condition, SyntaxNode body, SemanticModel model, LockApis apis,
                                       CancellationToken cancellationToken)
    {
        for (var node = condition.Parent; node is not null && node != body.Parent; node = node.Parent)
        {
            if (node is LockStatementSyntax or UsingStatementSyntax || node is TryStatementSyntax { Finally: not null } tried && tried.Block.Span.Contains(condition.Span))
            {
                return true;
            }
        }

        foreach (var node in body.DescendantNodes())
        {
            if (node.SpanStart >= condition.SpanStart)
            {
                break;
            }

            if (node is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword }
                || node is InvocationExpressionSyntax call
                   && (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method || apis.LooksLikeAcquire(method)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the <paramref name="setters"/> (members that set the flag), the members that call a setter which does not
    /// clear the flag itself, or a source method any of them calls, may wait (see the type's summary).
    /// </summary>
    private static bool SettersMayWait(List<SyntaxNode> setters, HashSet<SyntaxNode> clearers, NotifierTypes types, SemanticModel model,
                                       CancellationToken cancellationToken)
    {
        var seen = new HashSet<SyntaxNode>();
        var pending = new Stack<(SyntaxNode Node, bool Setter)>(setters.Select(setter => (setter, true)));
        while (pending.Count > 0)
        {
            var (node, setter) = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            if (seen.Count > MaxMethodsSearched)
            {
                return true;
            }

            var nodeModel = SemanticModels.For(model, node.SyntaxTree);
            if (setter && !clearers.Contains(node) && !AddCallers(node, nodeModel, types, model.Compilation, pending, cancellationToken))
            {
                return true; // the flag stays set after the setter returns, and its callers are out of sight
            }

            foreach (var descendant in node.DescendantNodes())
            {
                switch (descendant)
                {
                    case LockStatementSyntax or AwaitExpressionSyntax:
                    case ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }:
                    case UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }:
                    case LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }:
                        return true;
                    case InvocationExpressionSyntax call:
                        if (nodeModel.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
                            || !CannotWait(method, types, pending))
                        {
                            return true;
                        }

                        break;
                    case BaseObjectCreationExpressionSyntax creation:
                        if (nodeModel.GetSymbolInfo(creation, cancellationToken).Symbol is not IMethodSymbol constructor)
                        {
                            return true;
                        }

                        PushBodies(constructor, pending);
                        break;
                    case IdentifierNameSyntax name when nodeModel.GetSymbolInfo(name, cancellationToken).Symbol is IPropertySymbol property:
                        if (property.DeclaringSyntaxReferences.IsEmpty)
                        {
                            if (property.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
                                || property.ContainingType?.Name == "Lazy")
                            {
                                return true; // Task.Result, Lazy.Value: may wait for anything
                            }
                        }
                        else if (property.IsVirtual || property.IsAbstract || property.ContainingType?.TypeKind == TypeKind.Interface)
                        {
                            return true;
                        }
                        else
                        {
                            PushBodies(property, pending);
                        }

                        break;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Adds the members that call or reference <paramref name="member"/>'s symbol; false when code out of sight may call
    /// it. The runtime's callbacks (overrides of the ops type's methods) have no callers to follow: the runtime calls them.
    /// </summary>
    private static bool AddCallers(SyntaxNode member, SemanticModel model, NotifierTypes types, Compilation compilation,
                                   Stack<(SyntaxNode, bool)> pending, CancellationToken cancellationToken)
    {
        var symbol = member switch
        {
            BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax => model.GetDeclaredSymbol(member, cancellationToken),
            _ => null,
        };
        if (symbol is IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet })
        {
            symbol = (symbol as IMethodSymbol)?.AssociatedSymbol ?? symbol;
        }

        if (symbol is null)
        {
            return false;
        }

        if (symbol is IMethodSymbol { IsOverride: true } overriding && types.IsOpsType(overriding.ContainingType))
        {
            return true;
        }

        if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } || !SameLock.OnlyThisCompilationReaches(compilation, symbol)
            || symbol.IsVirtual || symbol.IsAbstract || symbol.IsOverride)
        {
            return false; // a constructor's caller keeps the flag set; a public or virtual member may be called from anywhere
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetRoot(cancellationToken);
            SemanticModel? treeModel = null;
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != symbol.Name)
                {
                    continue;
                }

                treeModel ??= SemanticModels.For(model, tree);
                if (!SymbolEqualityComparer.Default.Equals(treeModel.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition,
                                                           symbol.OriginalDefinition))
                {
                    continue;
                }

                if (EnclosingMember(name) is not { } caller)
                {
                    return false;
                }

                if (caller != member)
                {
                    pending.Push((caller, true));
                }
            }
        }

        return true;
    }

    /// <summary>Whether a call of <paramref name="method"/> cannot wait on its own (a source method's body is searched next).</summary>
    private static bool CannotWait(IMethodSymbol method, NotifierTypes types, Stack<(SyntaxNode, bool)> pending)
    {
        if (method.MethodKind == MethodKind.DelegateInvoke || method.IsExtern)
        {
            return false;
        }

        var implementation = method.PartialImplementationPart ?? method;
        if (!implementation.DeclaringSyntaxReferences.IsEmpty)
        {
            if (method.IsAbstract || method.IsVirtual || (method.IsOverride && !method.IsSealed && !(method.ContainingType?.IsSealed ?? false))
                || method.ContainingType?.TypeKind == TypeKind.Interface)
            {
                return false;
            }

            PushBodies(implementation, pending);
            return true;
        }

        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, types.Notifier.ContainingAssembly))
        {
            return method.Name is "SetSequence" or "ReadRetry" or "CheckRetry" or "TryRent" or "Return";
        }

        if (type.SpecialType != SpecialType.None)
        {
            return true; // int.ToString, string.Concat, object.Equals...
        }

        return (type.ContainingNamespace?.ToDisplayString(), type.MetadataName) switch
        {
            ("System.Threading", "Volatile" or "Interlocked") => true,
            ("System.Threading", "Thread") => method.Name is "Sleep" or "Yield" or "SpinWait" or "MemoryBarrier",
            ("System.Threading", "SpinWait") => method.Name is "SpinOnce" or "Reset",
            ("System", "Math" or "MathF" or "Convert" or "BitConverter" or "Console" or "MemoryExtensions" or "TimeSpan" or "DateTime"
                or "Guid" or "HashCode" or "Array" or "Span`1" or "ReadOnlySpan`1" or "Nullable`1") => true,
            ("System.Collections.Generic", _) => true,
            ("System.Collections.Concurrent", "ConcurrentQueue`1" or "ConcurrentDictionary`2" or "ConcurrentStack`1" or "ConcurrentBag`1") => true,
            ("System.Linq", "Enumerable") => true,
            _ => false,
        };
    }

    private static void PushBodies(ISymbol symbol, Stack<(SyntaxNode, bool)> pending)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            pending.Push((reference.GetSyntax(), false));
        }
    }

    /// <summary>The member of a type that holds <paramref name="node"/> (a method, an accessor's property, a field's initializer); null at top level.</summary>
    private static SyntaxNode? EnclosingMember(SyntaxNode node)
        => node.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault(member => member.Parent is TypeDeclarationSyntax);

    private static bool IsInterlockedAdd(IdentifierNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
        => name.Ancestors().OfType<InvocationExpressionSyntax>().FirstOrDefault() is { } call
           && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { Name: "Add", ContainingType.Name: "Interlocked" };
}
