using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// The hint in the message of a pooled token's new <c>InvalidateFinish</c>: what the start does itself when its pool
/// is empty. Only text for the user to read; the fix never generates code from it.
/// </summary>
public sealed partial class NTF001AddInvalidateFinishCodeFix
{
    private const int MaxHintCallLength = 60;

    /// <summary>
    /// The calls (at most two, as written, "; "-separated) that the start makes on its fallback path (the branch taken
    /// when <c>TryRent</c> on <paramref name="pool"/> fails) on what the ops type <paramref name="type"/> keeps: a
    /// method of a field or property of the type (<c>_cmdq.Sync()</c>) or a method of the type itself
    /// (<c>Flush(range)</c>); empty when there is no such path or call.
    /// </summary>
    private static string FallbackCalls(SyntaxNode start, SemanticModel model, ISymbol pool, INamedTypeSymbol type,
                                        CancellationToken cancellationToken)
    {
        var calls = new List<string>();
        foreach (var path in FallbackPaths(start, model, pool, cancellationToken))
        {
            var statements = path.DescendantNodesAndSelf(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                                 .OfType<ExpressionStatementSyntax>();
            foreach (var statement in statements)
            {
                if (statement.Expression is InvocationExpressionSyntax invocation
                    && IsWorkOfTheOpsType(invocation, model, pool, type, cancellationToken)
                    && invocation.WithoutTrivia().NormalizeWhitespace().ToString() is { Length: <= MaxHintCallLength } text
                    && text.IndexOf('\n') < 0 && !calls.Contains(text))
                {
                    calls.Add(text);
                }
            }
        }

        return string.Join("; ", calls.Take(2));
    }

    /// <summary>
    /// The statements the start runs when <c>pool.TryRent(...)</c> fails: the body of <c>if (!pool.TryRent(...))</c>,
    /// the <c>else</c> of <c>if (pool.TryRent(...))</c>, or, when that <c>if</c> has no <c>else</c> and its body ends in
    /// a <c>return</c>, the statements after it.
    /// </summary>
    private static IEnumerable<SyntaxNode> FallbackPaths(SyntaxNode start, SemanticModel model, ISymbol pool,
                                                         CancellationToken cancellationToken)
    {
        foreach (var invocation in start.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryRent" } access
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(access.Expression, cancellationToken).Symbol, pool))
            {
                continue;
            }

            var condition = Outermost(invocation);
            var negated = condition.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not;
            if (negated)
            {
                condition = Outermost((ExpressionSyntax)condition.Parent!);
            }

            if (condition.Parent is not IfStatementSyntax statement || statement.Condition != condition)
            {
                continue;
            }

            if (negated)
            {
                yield return statement.Statement;
            }
            else if (statement.Else is { } otherwise)
            {
                yield return otherwise.Statement;
            }
            else if (EndsInReturn(statement.Statement) && statement.Parent is BlockSyntax block)
            {
                foreach (var after in block.Statements.Skip(block.Statements.IndexOf(statement) + 1))
                {
                    yield return after;
                }
            }
        }
    }

    /// <summary><paramref name="expression"/> with the parentheses around it.</summary>
    private static ExpressionSyntax Outermost(ExpressionSyntax expression)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized;
        }

        return expression;
    }

    private static bool EndsInReturn(StatementSyntax statement)
        => statement is ReturnStatementSyntax || (statement is BlockSyntax { Statements: { Count: > 0 } statements }
                                                  && statements[statements.Count - 1] is ReturnStatementSyntax);

    /// <summary>
    /// Whether <paramref name="invocation"/> calls a method of the ops type (not a callback), or a method of a field or
    /// property of the type other than the pool.
    /// </summary>
    private static bool IsWorkOfTheOpsType(InvocationExpressionSyntax invocation, SemanticModel model, ISymbol pool,
                                           INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
        {
            return false;
        }

        switch (invocation.Expression)
        {
            case IdentifierNameSyntax or GenericNameSyntax:
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                return InChain(type, method.ContainingType)
                       && method.Name is not ("Invalidate" or "InvalidateStart" or "InvalidateFinish");
            case MemberAccessExpressionSyntax { Expression: var receiver }
                when receiver is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                return model.GetSymbolInfo(receiver, cancellationToken).Symbol is (IFieldSymbol or IPropertySymbol) and var member
                       && !SymbolEqualityComparer.Default.Equals(member, pool)
                       && InChain(type, member.ContainingType);
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="owner"/> is <paramref name="type"/> or one of its base classes.</summary>
    private static bool InChain(INamedTypeSymbol type, INamedTypeSymbol? owner)
    {
        for (var t = type; t is not null && owner is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, owner.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
