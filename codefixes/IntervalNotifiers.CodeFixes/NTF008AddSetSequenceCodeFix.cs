using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF008: inserts <c>notifier.SetSequence(currentSequence);</c> (with the callback's own parameter names) just
/// before the offending <c>return true;</c>. When the callback already calls SetSequence inside a
/// <c>lock (x)</c> statement on one lock expression (a field, a property, <c>this.x</c>) and the return is not
/// under a lock, the new call goes under that same lock: <c>lock (x) { notifier.SetSequence(currentSequence); }</c>.
/// Not offered for an expression body (<c>=&gt; true</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF008AddSetSequenceCodeFix)), Shared]
public sealed class NTF008AddSetSequenceCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF008.AddSetSequence";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingSetSequence);

    protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (TryGetProperty(diagnostic, CallbackFlowAnalyzer.NotifierProperty, out var notifier)
            && TryGetProperty(diagnostic, CallbackFlowAnalyzer.SequenceProperty, out var sequence)
            && FindNode(root, diagnostic) is ReturnStatementSyntax statement)
        {
            RegisterRootEdit(
                context,
                diagnostic,
                $"Call '{notifier}.SetSequence({sequence})' before returning true",
                () =>
                {
                    var call = SyntaxFactory.ParseStatement($"{SyntaxHelpers.Escape(notifier)}.SetSequence({SyntaxHelpers.Escape(sequence)});");
                    var lockExpression = LockToReuse(statement);
                    var inserted = lockExpression is null
                        ? call
                        : SyntaxFactory.LockStatement(lockExpression.WithoutTrivia(), SyntaxFactory.Block(call));
                    return SyntaxHelpers.InsertBefore(root, statement, new[] { inserted });
                },
                EquivalenceKey);
        }

        return Task.CompletedTask;
    }

    /// <summary>The lock expression the callback uses around its other SetSequence calls, when there is exactly one and the return is not already locked.</summary>
    private static ExpressionSyntax? LockToReuse(ReturnStatementSyntax statement)
    {
        if (statement.Ancestors().Any(a => a is LockStatementSyntax))
        {
            return null;
        }

        var body = statement.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax);
        if (body is null)
        {
            return null;
        }

        var locks = new List<ExpressionSyntax>();
        foreach (var lockStatement in body.DescendantNodes().OfType<LockStatementSyntax>())
        {
            var setsSequence = lockStatement.Statement.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
                .Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "SetSequence" });
            if (setsSequence && !locks.Any(l => l.IsEquivalentTo(lockStatement.Expression, topLevel: false)))
            {
                locks.Add(lockStatement.Expression);
            }
        }

        return locks.Count == 1 && IsSimple(locks[0]) ? locks[0] : null;
    }

    private static bool IsSimple(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax => true,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax } => true,
        _ => false,
    };
}
