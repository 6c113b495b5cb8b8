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

    /// <summary>
    /// A name for a new local made from <paramref name="memberName"/> (leading <c>_</c>, <c>s_</c>, <c>m_</c> dropped,
    /// first letter lowered, a keyword suffixed) that is no local or parameter in scope at <paramref name="position"/>
    /// and no identifier used anywhere in <paramref name="body"/> (a local declared later); a digit is appended when needed.
    /// </summary>
    public static string UniqueLocalName(string memberName, SemanticModel model, SyntaxNode body, int position)
    {
        var name = memberName.TrimStart('_');
        if (name.StartsWith("s_", System.StringComparison.Ordinal) || name.StartsWith("m_", System.StringComparison.Ordinal))
        {
            name = name.Substring(2);
        }

        if (name.Length == 0)
        {
            name = "finish";
        }

        name = char.ToLowerInvariant(name[0]) + name.Substring(1);
        if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            name += "Finish";
        }

        var candidate = name;
        var used = new HashSet<string>(body.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        for (var i = 2;
             used.Contains(candidate) || model.LookupSymbols(position, name: candidate).Any(s => s.Kind is SymbolKind.Local or SymbolKind.Parameter);
             i++)
        {
            candidate = name + i;
        }

        return candidate;
    }
}
