using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007 on a busy flag that only read-side sections set (mlx5 implicit ODP: the fault path sets <c>Populating</c>,
/// calls <c>ReadBegin</c>, and maps the pages under <c>umem_mutex</c> only when <c>ReadRetry</c> says nothing changed).
/// Waiting for such a flag would deadlock (<c>NTF007GuardFalseReturnCodeFix.SetterWaits.cs</c>: the reader waits in
/// <c>ReadBegin</c> for this invalidation), and no wait is needed: the sequence already protects what the flag was meant
/// to. A blockable invalidation that goes on past the test sets the sequence under the lock; a reader that commits
/// after it sees <c>ReadRetry</c> true under the same lock and starts again (its next <c>ReadBegin</c> waits for the
/// invalidation to end), and a mapping committed before it is invalidated by it. So the fix is the guard,
/// <c>if (!range.IsBlockable &amp;&amp; Volatile.Read(ref mr.Populating) != 0) return false;</c>, offered only when all of
/// these hold:
/// <list type="bullet">
/// <item>the test only reads the flag, a field: <c>Volatile.Read(ref f)</c> or <c>Interlocked.Read(ref f)</c>, alone,
/// negated, or compared with a constant, through a receiver that calls nothing (<c>mr.Populating</c>,
/// <c>_dev.Populating</c>); the callback does not write the flag itself (it is no test-then-set);</item>
/// <item>every member that sets the flag (a write that is not a clear, looked for wherever the flag can be written; a
/// flag another assembly can write gets no fix) also clears it, and in its own body, outside lambdas and local functions, calls <c>ReadBegin</c> or
/// <c>ReadBeginAsync</c> and <c>ReadRetry</c>, each <c>ReadRetry</c> inside a <c>lock</c> statement on the lock
/// (<c>Common/SameLock.cs</c>) that the callback holds around every <c>SetSequence</c> it makes: the commit the flag guarded
/// is the reader's, under the sequence's lock.</item>
/// </list>
/// What the reader does outside that lock before <c>ReadRetry</c> is speculative by the read side's contract
/// (docs/contract.md#the-contract-in-brief, row 4): it may not be handed to the device until <c>ReadRetry</c> under the lock says it still holds.
/// </summary>
public sealed partial class NTF007GuardFalseReturnCodeFix
{
    /// <summary>Whether <paramref name="condition"/> tests a flag that only read-side sections set (see the type's summary).</summary>
    private static bool SequenceGuardsTheFlag(ExpressionSyntax condition, SyntaxNode body, SemanticModel model,
                                              CancellationToken cancellationToken)
    {
        if (FlagRead(condition, model, cancellationToken) is not var (field, passes)
            || NotifierTypes.TryCreate(model.Compilation) is not { } types
            || !SeesEveryWrite(field, model.Compilation)
            || WritesField(body, field, model, cancellationToken))
        {
            return false; // (a flag another assembly may set: its setters are out of sight)
        }

        var sameLock = new SameLock(model.Compilation, cancellationToken);
        var locks = SetSequenceLocks(body, types, model, cancellationToken);
        if (locks is null || locks.Count == 0)
        {
            return false;
        }

        var setters = new HashSet<SyntaxNode>();
        var clearers = new HashSet<SyntaxNode>();
        foreach (var (name, nameModel) in Mentions(field, model, cancellationToken))
        {
            if (!IsWritten(name, nameModel, cancellationToken))
            {
                continue;
            }

            var member = EnclosingMember(name);
            if (member is null)
            {
                return false; // a top-level statement, or a write this search cannot place
            }

            var clears = MayClear(name, passes, nameModel, cancellationToken);
            if (clears)
            {
                clearers.Add(member);
            }

            if (!clears || IsInterlockedAdd(name, nameModel, cancellationToken))
            {
                setters.Add(member);
            }
        }

        return setters.Count > 0
               && setters.All(setter => clearers.Contains(setter)
                                        && IsReadSection(setter, locks, sameLock, types, SemanticModels.For(model, setter.SyntaxTree), cancellationToken));
    }

    /// <summary>
    /// The field a flag read names (<c>Volatile.Read(ref f)</c> or <c>Interlocked.Read(ref f)</c> of <c>System.Threading</c>,
    /// alone, negated or compared with a constant, whose receiver calls nothing), with the values of it on which the
    /// callback goes on past the test; null for any other test.
    /// </summary>
    private static (IFieldSymbol Field, System.Func<object?, bool> Passes)? FlagRead(ExpressionSyntax condition, SemanticModel model,
                                                                                    CancellationToken cancellationToken)
    {
        if (ThreadingFlagTest(condition, model, cancellationToken) is not var (test, method, arguments, _, constant)
            || (method.ContainingType.Name, method.Name, arguments.Count) is not ("Volatile" or "Interlocked", "Read", 1)
            || !IsPlainCondition(arguments[0].Expression))
        {
            return null;
        }

        return model.GetSymbolInfo(arguments[0].Expression, cancellationToken).Symbol is IFieldSymbol field ? (field, PassesOf(test, constant)) : null;
    }

    /// <summary>
    /// The locks (a field or property each) of the <c>lock</c> statements around the <c>SetSequence</c> calls in the
    /// callback's body; null when a <c>SetSequence</c> is under no such lock in the body.
    /// </summary>
    private static List<ISymbol>? SetSequenceLocks(SyntaxNode body, NotifierTypes types, SemanticModel model, CancellationToken cancellationToken)
    {
        var locks = new List<ISymbol>();
        foreach (var call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
                || !NotifierTypes.Is(method, types.SetSequence))
            {
                continue;
            }

            if (LockAround(call, body, model, cancellationToken) is not { } held)
            {
                return null;
            }

            locks.Add(held);
        }

        return locks;
    }

    /// <summary>
    /// Whether <paramref name="member"/> is a read-side section of a notifier committed under one of
    /// <paramref name="locks"/>: <c>ReadBegin</c> (or <c>ReadBeginAsync</c>) and <c>ReadRetry</c> in its own body, every
    /// <c>ReadRetry</c> inside a <c>lock</c> statement on one of them.
    /// </summary>
    private static bool IsReadSection(SyntaxNode member, List<ISymbol> locks, SameLock sameLock, NotifierTypes types, SemanticModel model,
                                      CancellationToken cancellationToken)
    {
        bool begins = false, retries = false;
        foreach (var call in member.DescendantNodes(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                                   .OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
            {
                continue;
            }

            if (types.IsReadBegin(method))
            {
                begins = true;
            }
            else if (NotifierTypes.Is(method, types.ReadRetry))
            {
                if (LockAround(call, member, model, cancellationToken) is not { } held || !sameLock.Contains(locks, held))
                {
                    return false;
                }

                retries = true;
            }
        }

        return begins && retries;
    }

    /// <summary>The field or property that the innermost <c>lock</c> statement around <paramref name="node"/> (inside <paramref name="within"/>) locks on.</summary>
    private static ISymbol? LockAround(SyntaxNode node, SyntaxNode within, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var current = node.Parent; current is not null && current != within; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return null; // runs later, wherever the delegate is invoked
            }

            if (current is LockStatementSyntax statement)
            {
                return model.GetSymbolInfo(statement.Expression, cancellationToken).Symbol is var held and (IFieldSymbol or IPropertySymbol { IsIndexer: false })
                    ? held
                    : null;
            }
        }

        return null;
    }
}
