using System.Collections.Immutable;
using System.Composition;
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
/// NTF014 (docs/rules/NTF014.md): inserts <c>pool.Return(f);</c> on the leaking path, just before the leaking
/// <c>return</c> (wrapping an embedded statement in a block), or as the last statement of an
/// <c>InvalidateFinish</c> that falls off its end; guarded by <c>if (f is not null)</c> when the return is also
/// reached where the <c>TryRent</c> failed (<see cref="PoolReturnAnalyzer.MayBeNullProperty"/>). The pool and the expression to return come from the
/// diagnostic's properties; a diagnostic without them (a pool the rule cannot name) gets no fix. Fix All goes
/// through the batch fixer with one equivalence key, so <c>dotnet format analyzers</c> applies it too.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF014ReturnToPoolCodeFix)), Shared]
public sealed class NTF014ReturnToPoolCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF014.ReturnFinishToPool";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.PooledFinishNotReturned);

    protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!TryGetProperty(diagnostic, PoolReturnAnalyzer.PoolProperty, out var pool)
            || !TryGetProperty(diagnostic, PoolReturnAnalyzer.FinishProperty, out var finish))
        {
            return Task.CompletedTask;
        }

        var node = FindNode(root, diagnostic);
        var statementText = SyntaxHelpers.Escape(pool) + ".Return(" + finish + ");";
        if (diagnostic.Properties.ContainsKey(PoolReturnAnalyzer.MayBeNullProperty))
        {
            // The TryRent may also have failed on a path to this return: Return(null) would throw.
            statementText = "if (" + finish + " is not null)\n{\n" + statementText + "\n}";
        }

        var title = $"Return the finish to '{pool}'";
        switch (node)
        {
            case ReturnStatementSyntax statement:
                RegisterRootEdit(context, diagnostic, title,
                                 () => SyntaxHelpers.InsertBefore(root, statement, new[] { SyntaxFactory.ParseStatement(statementText) }),
                                 EquivalenceKey);
                break;

            case BlockSyntax body when diagnostic.Location.SourceSpan == body.CloseBraceToken.Span:
                RegisterRootEdit(context, diagnostic, title, () =>
                {
                    var statement = SyntaxFactory.ParseStatement(statementText)
                        .WithTrailingTrivia(SyntaxHelpers.EndOfLine(root))
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return root.ReplaceNode(body, body.AddStatements(statement));
                }, EquivalenceKey);
                break;
        }

        return Task.CompletedTask;
    }
}
