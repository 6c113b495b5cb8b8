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
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF006: inserts <c>finish = null;</c> just before the offending <c>return false;</c> (wrapping an embedded
/// statement in a block). Offered only for a literal <c>return false;</c>: for a return whose value is false on
/// one path only (<c>return busy ? false : true;</c>) clearing the finish before it would also clear it on the
/// true path.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF006FinishOnFalseReturnCodeFix)), Shared]
public sealed class NTF006FinishOnFalseReturnCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF006.ClearFinishBeforeFalseReturn";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishOnFalseReturn);

    protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(CallbackFlowAnalyzer.LiteralReturnProperty)
            && diagnostic.Properties.TryGetValue(CallbackFlowAnalyzer.FinishProperty, out var finish)
            && !string.IsNullOrEmpty(finish)
            && FindNode(root, diagnostic) is ReturnStatementSyntax statement)
        {
            RegisterRootEdit(
                context,
                diagnostic,
                $"Set '{finish}' to null before returning false",
                () =>
                {
                    var clear = SyntaxFactory.ParseStatement(FlowFixSyntax.Escape(finish!) + " = null;");
                    return FlowFixSyntax.InsertBefore(root, statement, new[] { clear });
                },
                EquivalenceKey);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Syntax edits shared by the NTF006/NTF007/NTF008 fixes.</summary>
internal static class FlowFixSyntax
{
    /// <summary>The identifier as it must be written (a keyword gets its <c>@</c>).</summary>
    public static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// Inserts <paramref name="statements"/> just before <paramref name="statement"/>; when the statement is
    /// embedded (the body of an <c>if</c> without braces, say) it becomes a block holding both.
    /// </summary>
    public static SyntaxNode InsertBefore(SyntaxNode root, StatementSyntax statement, IEnumerable<StatementSyntax> statements)
    {
        var endOfLine = EndOfLine(root);
        var inserted = statements.Select(s => s.WithoutTrailingTrivia().WithTrailingTrivia(endOfLine)
                                                .WithAdditionalAnnotations(Formatter.Annotation)).ToList();
        if (statement.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            return root.InsertNodesBefore(statement, inserted);
        }

        var block = SyntaxFactory.Block(inserted.Concat(new[] { statement.WithoutLeadingTrivia().WithoutTrailingTrivia().WithTrailingTrivia(endOfLine) }))
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(statement.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(statement, block);
    }

    /// <summary>The end-of-line sequence the document already uses (LF when it has none).</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.LineFeed;
    }
}
