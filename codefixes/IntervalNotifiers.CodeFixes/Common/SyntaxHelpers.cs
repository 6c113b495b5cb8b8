using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>Small syntax helpers shared by the code fixes.</summary>
internal static class SyntaxHelpers
{
    /// <summary>The runtime's namespace, imported when a generated member names its types.</summary>
    public const string RuntimeNamespace = "IntervalNotifiers";

    /// <summary>The end-of-line sequence the document already uses (LF when it has none).</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
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

    /// <summary>The identifier as it must be written (a keyword gets its <c>@</c>).</summary>
    public static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>The expression under any parentheses, casts and <c>!</c> (null-forgiving) operators.</summary>
    public static ExpressionSyntax Strip(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    break;
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } bang:
                    expression = bang.Operand;
                    break;
                default:
                    return expression;
            }
        }
    }

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

    /// <summary>
    /// Parses a member from <paramref name="lines"/> joined with the document's end of line, marked for
    /// formatting, preceded by a blank line when <paramref name="afterAnotherMember"/>.
    /// </summary>
    public static MemberDeclarationSyntax ParseMember(SyntaxNode root, bool afterAnotherMember, params string[] lines)
    {
        var eol = EndOfLine(root);
        var member = SyntaxFactory.ParseMemberDeclaration(string.Join(eol.ToFullString(), lines))!;
        member = afterAnotherMember ? member.WithLeadingTrivia(eol) : member.WithoutLeadingTrivia();
        return member.WithTrailingTrivia(eol).WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>
    /// Whether the runtime's type <paramref name="typeName"/> binds by its simple name at <paramref name="position"/>
    /// (a <c>using IntervalNotifiers;</c>, a global using or an enclosing namespace).
    /// </summary>
    public static bool RuntimeTypeIsInScope(SemanticModel model, int position, string typeName)
        => model.LookupNamespacesAndTypes(position, name: typeName)
                .Any(symbol => symbol is INamedTypeSymbol named
                               && named.ContainingNamespace?.ToDisplayString() == RuntimeNamespace);

    /// <summary>Adds <c>using IntervalNotifiers;</c> after the file's other usings, unless it is already there.</summary>
    public static CompilationUnitSyntax AddRuntimeUsing(CompilationUnitSyntax unit)
    {
        if (unit.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None)
                                 && u.Name?.ToString() == RuntimeNamespace))
        {
            return unit;
        }

        var eol = EndOfLine(unit);
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(RuntimeNamespace))
                                     .WithTrailingTrivia(eol)
                                     .WithAdditionalAnnotations(Formatter.Annotation);
        if (unit.Usings.Count == 0)
        {
            // Keep the file's leading trivia (a header comment) above the new directive.
            var first = unit.GetFirstToken(includeZeroWidth: true);
            var leading = first.LeadingTrivia;
            unit = unit.ReplaceToken(first, first.WithLeadingTrivia(SyntaxTriviaList.Empty));
            directive = directive.WithLeadingTrivia(leading).WithTrailingTrivia(eol, eol);
        }

        return unit.AddUsings(directive);
    }
}
