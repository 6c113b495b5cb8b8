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
/// <c>Invalidate</c> override, offered only when deleting it provably loses nothing the start does not do
/// (docs/rules/NTF004.md, docs/contract.md#what-a-fix-leaves-behind).
/// </summary>
/// <remarks>
/// The runtime never calls that <c>Invalidate</c>, so deleting it changes no behaviour; what it can lose is the
/// evidence of a bug. When the dead method does work the start never does (the type's only
/// <c>notifier.SetSequence(currentSequence)</c>, a device flush, a counter), the start is what is wrong: readers
/// never retry, or the device keeps its mapping. Deleting the method then turns the warning into a silent bug, so the
/// fix is offered only when:
/// <list type="bullet">
/// <item>the override is declared once, in the reported type itself, and nothing in the solution references it;</item>
/// <item>every effect of its body (a call, with the object it is called on and what it passes by <c>ref</c>; a write
/// to a field, property, array element or event of an object that outlives the call; an object created) can be
/// named, and the start has the same effect on some path, in its own body (lambdas and local functions included) or
/// in the source methods it calls (up to three calls deep, their parameters named as the start passes them; not
/// through a virtual call an override may take instead). Reads,
/// locals, <c>throw</c>, <c>lock</c>, calls to <c>System.Math</c> and <c>System.Diagnostics.Debug</c>, the exceptions'
/// static <c>Throw...</c> checks and creating an exception are no effect; a call on a local, a dynamic call or a
/// write through a pointer cannot be named, and no fix is offered.</item>
/// </list>
/// Otherwise no fix is offered and the warning stays, for the user to move the work into the start or to call
/// <c>Invalidate</c> from the start's fallback path. No other fix is generated: where the start's fallback path is,
/// and whether the dead work belongs there, in the start's main path, or nowhere, cannot be decided from the code
/// (calling <c>Invalidate</c> from a fallback would still leave the two-pass path without the work), and a start
/// made to throw would break a driver that may otherwise be right.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF004RemoveDeadInvalidateCodeFix)), Shared]
public sealed partial class NTF004RemoveDeadInvalidateCodeFix : NotifierCodeFixProvider
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
        var start = types.FindOverride(type, CallbackKind.InvalidateStart);
        if (invalidate is null || start is null || !OpsTypeSyntax.DeclaredIn(invalidate, type)
            || invalidate.DeclaringSyntaxReferences.Length != 1)
        {
            return;
        }

        // The compilation the symbols come from (the document's semantic model is cached: no second binding).
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null
            || !StartDoesWhatInvalidateDoes(model.Compilation, invalidate, start, context.CancellationToken)
            || await IsReferencedAsync(context.Document.Project.Solution, invalidate, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        context.RegisterCodeFix(CodeAction.Create(
            "Remove the dead Invalidate override",
            token => RemoveInvalidateAsync(context.Document.Project.Solution, invalidate, token),
            RemoveDeadInvalidateKey), diagnostic);
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
