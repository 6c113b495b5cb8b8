using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF002 fixes: remove a direct <c>InvalidateFinish</c> call; replace a cached finish handed out by the start
/// with one made per invocation (<c>new</c>).
/// </summary>
/// <remarks>
/// There is deliberately no "rent from the pool" fix: a pool can be empty, and the only sound fallback then is to
/// do the whole invalidation in the start with <c>finish = null</c>, which needs the driver's own code; falling
/// back to <c>new</c> would hand the finish pass an object the pool does not own, and <c>Return</c> rejects it.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF002KeepFinishInListCodeFix)), Shared]
public sealed class NTF002KeepFinishInListCodeFix : NotifierCodeFixProvider
{
    public const string RemoveCallKey = "NTF002.RemoveInvalidateFinishCall";
    public const string NewPerInvocationKey = "NTF002.NewFinishPerInvocation";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishOutsideList);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(FinishLifetimeAnalyzer.KindKey, out var kind))
        {
            return;
        }

        var node = FindNode(root, diagnostic);
        if (kind == FinishLifetimeAnalyzer.KindCall)
        {
            RegisterRemoveCall(context, diagnostic, root, node);
        }
        else if (kind == FinishLifetimeAnalyzer.KindHandOut)
        {
            await RegisterPerInvocationAsync(context, diagnostic, node).ConfigureAwait(false);
        }
    }

    private static void RegisterRemoveCall(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, SyntaxNode node)
    {
        var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation?.Parent is not ExpressionStatementSyntax statement
            || statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
        {
            return;
        }

        RegisterRootEdit(
            context,
            diagnostic,
            "Remove the direct InvalidateFinish call",
            () => root.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives)!,
            RemoveCallKey);
    }

    private static async Task RegisterPerInvocationAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode node)
    {
        var value = node switch
        {
            AssignmentExpressionSyntax assignment => assignment.Right,
            ReturnStatementSyntax returnStatement => returnStatement.Expression,
            _ => node.FirstAncestorOrSelf<AssignmentExpressionSyntax>()?.Right,
        };
        if (value is null)
        {
            return;
        }

        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        var stripped = SyntaxHelpers.Strip(value);
        var symbol = model.GetSymbolInfo(stripped, context.CancellationToken).Symbol;
        var finishType = symbol switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol { IsIndexer: false } property => property.Type,
            _ => null,
        } as INamedTypeSymbol;
        var body = node.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>()?.Body;
        if (symbol is null || finishType is null || body is null || finishType.IsAbstract
            || !finishType.InstanceConstructors.Any(c => c.Parameters.IsEmpty && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Create a new '" + finishType.Name + "' for each invocation",
                token => ReplaceAsync(context.Document, body, symbol, finishType, token),
                NewPerInvocationKey),
            diagnostic);
    }

    private static async Task<Document> ReplaceAsync(Document document, BlockSyntax body, ISymbol cached,
                                                     INamedTypeSymbol finishType, CancellationToken token)
    {
        var root = await document.GetSyntaxRootAsync(token).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(token).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        // Every reference to the cached member in this method: 'x', 'this.x', 'Type.x'.
        var references = new List<ExpressionSyntax>();
        foreach (var name in body.DescendantNodes().OfType<SimpleNameSyntax>())
        {
            if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, token).Symbol, cached))
            {
                continue;
            }

            ExpressionSyntax reference = name;
            if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
            {
                if (access.Expression is ThisExpressionSyntax || (cached.IsStatic && model.GetSymbolInfo(access.Expression, token).Symbol is INamedTypeSymbol))
                {
                    reference = access;
                }
                else
                {
                    continue; // another object's member: not the cached instance of this type
                }
            }
            else if (name.Parent is MemberBindingExpressionSyntax)
            {
                continue;
            }

            references.Add(reference);
        }

        if (references.Count == 0)
        {
            return document;
        }

        var first = references.OrderBy(r => r.SpanStart).First();
        var anchor = first.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == body);
        if (anchor is null)
        {
            return document;
        }

        var localName = SyntaxHelpers.UniqueLocalName(cached.Name, model, body, anchor.SpanStart);
        var finishTypeSyntax = SyntaxFactory.ParseTypeName(finishType.ToMinimalDisplayString(model, anchor.SpanStart))
            .WithAdditionalAnnotations(Simplifier.Annotation);
        var create = SyntaxFactory.ObjectCreationExpression(finishTypeSyntax)
            .WithArgumentList(SyntaxFactory.ArgumentList());
        var declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(SyntaxFactory.IdentifierName("var"))
                    .WithVariables(SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(localName)
                            .WithInitializer(SyntaxFactory.EqualsValueClause(create)))))
            .WithAdditionalAnnotations(Formatter.Annotation);

        var newBody = body.ReplaceNodes(references, (original, _) =>
            SyntaxFactory.IdentifierName(localName).WithTriviaFrom(original));
        var index = body.Statements.IndexOf(anchor);
        var newAnchor = newBody.Statements[index];
        var leading = newAnchor.GetLeadingTrivia();
        var lastLineBreak = -1;
        for (var i = 0; i < leading.Count; i++)
        {
            if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                lastLineBreak = i;
            }
        }

        // The declaration takes the blank lines and comments above the statement; the statement keeps its indentation.
        var indentation = SyntaxFactory.TriviaList(leading.Skip(lastLineBreak + 1));
        var statements = newBody.Statements
            .Replace(newAnchor, newAnchor.WithLeadingTrivia(indentation))
            .Insert(index, declaration.WithLeadingTrivia(leading).WithTrailingTrivia(newAnchor.GetTrailingTrivia()));
        newBody = newBody.WithStatements(statements);
        return document.WithSyntaxRoot(root.ReplaceNode(body, newBody));
    }
}
