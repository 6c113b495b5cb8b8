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
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007: turns <c>if (cond) return false;</c> into <c>if (!range.IsBlockable &amp;&amp; cond) return false;</c>, so
/// the callback gives up only when the range cannot block and otherwise goes on with the code after the
/// <c>if</c>. Offered only where that edit is obviously right: a literal <c>return false;</c> that is the whole
/// body of an <c>if</c> without <c>else</c>, whose condition has no side effects (no calls, assignments,
/// increments, awaits) and declares no variables (skipping the test would change definite assignment).
/// A bare <c>return false;</c>, or one after a call such as <c>Monitor.TryEnter</c>, needs a decision the fix
/// cannot make (wait for the lock when the range can block) and gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF007GuardFalseReturnCodeFix)), Shared]
public sealed class NTF007GuardFalseReturnCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF007.ReturnFalseOnlyWhenNotBlockable";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FalseOnBlockableRange);

    protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(CallbackFlowAnalyzer.LiteralReturnProperty)
            && TryGetProperty(diagnostic, CallbackFlowAnalyzer.RangeProperty, out var range)
            && FindNode(root, diagnostic) is ReturnStatementSyntax statement
            && EnclosingIf(statement) is { } ifStatement
            && IsPlainCondition(ifStatement.Condition))
        {
            RegisterRootEdit(
                context,
                diagnostic,
                "Return false only when the range cannot block",
                () =>
                {
                    var name = SyntaxHelpers.Escape(range);
                    var notBlockable = SyntaxFactory.ParseExpression($"!{name}.IsBlockable");
                    var condition = SyntaxFactory.BinaryExpression(
                            SyntaxKind.LogicalAndExpression,
                            notBlockable,
                            Parenthesize(ifStatement.Condition.WithoutTrivia()))
                        .WithTriviaFrom(ifStatement.Condition)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return root.ReplaceNode(ifStatement.Condition, condition);
                },
                EquivalenceKey);
        }

        return Task.CompletedTask;
    }

    /// <summary>The <c>if</c> (without else) whose whole body is <paramref name="statement"/>.</summary>
    private static IfStatementSyntax? EnclosingIf(ReturnStatementSyntax statement)
    {
        SyntaxNode? node = statement;
        if (node.Parent is BlockSyntax { Statements.Count: 1 } block)
        {
            node = block;
        }

        return node.Parent is IfStatementSyntax { Else: null } ifStatement && ifStatement.Statement == node ? ifStatement : null;
    }

    /// <summary>A condition that can be skipped without changing anything but the branch taken.</summary>
    private static bool IsPlainCondition(ExpressionSyntax condition)
        => !condition.DescendantNodesAndSelf().Any(node => node
            is InvocationExpressionSyntax
            or BaseObjectCreationExpressionSyntax
            or AssignmentExpressionSyntax
            or PostfixUnaryExpressionSyntax
            or AwaitExpressionSyntax
            or AnonymousFunctionExpressionSyntax
            or SingleVariableDesignationSyntax
            or DeclarationExpressionSyntax
            || node is PrefixUnaryExpressionSyntax prefix
               && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)));

    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression)
    {
        var safe = expression switch
        {
            IdentifierNameSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax or LiteralExpressionSyntax
                or ElementAccessExpressionSyntax or PrefixUnaryExpressionSyntax or IsPatternExpressionSyntax => true,
            BinaryExpressionSyntax binary => !binary.IsKind(SyntaxKind.LogicalOrExpression) && !binary.IsKind(SyntaxKind.CoalesceExpression),
            _ => false,
        };
        return safe ? expression : SyntaxFactory.ParenthesizedExpression(expression);
    }
}
