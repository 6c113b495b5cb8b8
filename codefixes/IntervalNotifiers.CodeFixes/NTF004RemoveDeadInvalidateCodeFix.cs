using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF004 (an ops type overrides both <c>Invalidate</c> and <c>InvalidateStart</c>): remove the dead
/// <c>Invalidate</c> override, offered only when the type declares it once and nothing references it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF004RemoveDeadInvalidateCodeFix)), Shared]
public sealed class NTF004RemoveDeadInvalidateCodeFix : NotifierCodeFixProvider
{
    public const string RemoveDeadInvalidateKey = "NTF004.RemoveDeadInvalidate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DeadInvalidate);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is not (var types, var type))
        {
            return;
        }

        var invalidate = types.FindOverride(type, CallbackKind.Invalidate);
        if (invalidate is not null && OpsTypeSyntax.DeclaredIn(invalidate, type)
            && invalidate.DeclaringSyntaxReferences.Length == 1
            && !await IsReferencedAsync(context.Document.Project.Solution, invalidate, context.CancellationToken)
                      .ConfigureAwait(false))
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Remove the dead Invalidate override",
                token => RemoveInvalidateAsync(context.Document.Project.Solution, invalidate, token),
                RemoveDeadInvalidateKey), diagnostic);
        }
    }

    private static async Task<Solution> RemoveInvalidateAsync(Solution solution, IMethodSymbol invalidate,
                                                              CancellationToken cancellationToken)
    {
        var syntax = await invalidate.DeclaringSyntaxReferences[0].GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
        var document = solution.GetDocument(syntax.SyntaxTree);
        if (document is null || syntax is not MethodDeclarationSyntax method)
        {
            return solution;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return solution;
        }

        // When the first member goes, the next one must not start with the blank line that separated them.
        var newRoot = root;
        if (method.Parent is TypeDeclarationSyntax type && type.Members.IndexOf(method) == 0 && type.Members.Count > 1)
        {
            var next = type.Members[1];
            newRoot = root.ReplaceNodes(new SyntaxNode[] { method, next }, (original, rewritten) =>
                original == next
                    ? rewritten.WithLeadingTrivia(WithoutLeadingBlankLines(rewritten.GetLeadingTrivia()))
                    : rewritten.WithAdditionalAnnotations(RemovedAnnotation));
            newRoot = newRoot.RemoveNode(newRoot.GetAnnotatedNodes(RemovedAnnotation).First(), SyntaxRemoveOptions.KeepNoTrivia);
        }
        else
        {
            newRoot = root.RemoveNode(method, SyntaxRemoveOptions.KeepNoTrivia);
        }

        return newRoot is null ? solution : solution.WithDocumentSyntaxRoot(document.Id, newRoot);
    }

    private static readonly SyntaxAnnotation RemovedAnnotation = new("IntervalNotifiers.Removed");

    private static SyntaxTriviaList WithoutLeadingBlankLines(SyntaxTriviaList trivia)
    {
        var keepFrom = 0;
        for (var i = 0; i < trivia.Count; i++)
        {
            if (trivia[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                keepFrom = i + 1;
            }
            else if (!trivia[i].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                break;
            }
        }

        return SyntaxFactory.TriviaList(trivia.Skip(keepFrom));
    }

    /// <summary>
    /// Whether anything in the solution calls or names this very override (a subclass's <c>base.Invalidate</c>,
    /// a call through the type): the fix is offered for dead code only.
    /// </summary>
    private static async Task<bool> IsReferencedAsync(Solution solution, IMethodSymbol method,
                                                      CancellationToken cancellationToken)
    {
        var references = await SymbolFinder.FindReferencesAsync(method, solution, cancellationToken).ConfigureAwait(false);
        foreach (var reference in references)
        {
            if (SymbolEqualityComparer.Default.Equals(reference.Definition.OriginalDefinition, method.OriginalDefinition)
                && reference.Locations.Any())
            {
                return true;
            }
        }

        return false;
    }
}
