using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// Fix All for every IntervalNotifiers provider (document, project and solution scope). It applies the fixes one
/// diagnostic at a time, each on the result of the ones before (a diagnostic's span is carried through the edits
/// made so far), so two fixes in one method or one type never conflict. For each diagnostic it takes the action
/// with the requested equivalence key; when the diagnostic offers none (another sub-case of the rule) or no key
/// was given, it takes the diagnostic's own default fix (the first one the provider offers), unless the key names
/// one of the provider's alternative fixes (<see cref="NotifierCodeFixProvider.AlternativeKeys"/>): then only
/// the diagnostics that offer that alternative are changed. A diagnostic with no fix, or whose fix fails, is
/// skipped: it never sinks the others.
/// </summary>
/// <remarks>
/// Why not <c>WellKnownFixAllProviders.BatchFixer</c>: <c>dotnet format analyzers</c> asks a provider for the
/// fixes of the FIRST diagnostic its analyzer run returned (of any ID the analyzer reports, when no
/// <c>--diagnostics</c> is given), takes the equivalence key of the first action registered for it, and hands
/// that key to the Fix All provider. When that diagnostic has no fix (another ID, or a sub-case without a fix),
/// the key is null; the batch fixer then matches no action anywhere and returns no Fix All action, so the whole
/// ID is left unfixed ("didn't return a Fix All action").
/// </remarks>
internal sealed class NotifierFixAllProvider : FixAllProvider
{
    private readonly NotifierCodeFixProvider _provider;

    public NotifierFixAllProvider(NotifierCodeFixProvider provider) => _provider = provider;

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
        => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var byDocument = await CollectAsync(fixAllContext).ConfigureAwait(false);
        if (byDocument.Count == 0)
        {
            return null;
        }

        var key = fixAllContext.CodeActionEquivalenceKey;
        var solution = fixAllContext.Solution;
        var title = "Fix all " + string.Join(", ", fixAllContext.DiagnosticIds.OrderBy(id => id, StringComparer.Ordinal))
                    + " in the " + fixAllContext.Scope.ToString().ToLowerInvariant();
        return CodeAction.Create(title, token => FixAllAsync(solution, byDocument, key, token), key);
    }

    /// <summary>The diagnostics to fix, by document, each list in source order.</summary>
    private static async Task<IReadOnlyList<(DocumentId Document, ImmutableArray<Diagnostic> Diagnostics)>> CollectAsync(
        FixAllContext context)
    {
        var all = new List<Diagnostic>();
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is not null:
                all.AddRange(await context.GetDocumentDiagnosticsAsync(context.Document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                all.AddRange(await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in context.Solution.Projects)
                {
                    all.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                }

                break;
        }

        var solution = context.Solution;
        return all.Where(d => d.Location.IsInSource && d.Location.SourceTree is not null)
                  .GroupBy(d => solution.GetDocument(d.Location.SourceTree)?.Id)
                  .Where(g => g.Key is not null)
                  .Select(g => (g.Key!, g.Distinct().OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray()))
                  .ToList();
    }

    private async Task<Solution> FixAllAsync(
        Solution solution, IReadOnlyList<(DocumentId Document, ImmutableArray<Diagnostic> Diagnostics)> byDocument,
        string? key, CancellationToken cancellationToken)
    {
        var current = solution;
        foreach (var (documentId, diagnostics) in byDocument)
        {
            var original = solution.GetDocument(documentId);
            if (original is null)
            {
                continue;
            }

            var originalTree = await original.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            if (originalTree is null)
            {
                continue;
            }

            foreach (var diagnostic in diagnostics)
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = await FixOneAsync(current, documentId, originalTree, diagnostic, key, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        return current;
    }

    /// <summary>Applies the chosen fix of one diagnostic to <paramref name="current"/>; on no fix or failure, returns it unchanged.</summary>
    private async Task<Solution> FixOneAsync(Solution current, DocumentId documentId, SyntaxTree originalTree,
                                             Diagnostic diagnostic, string? key, CancellationToken cancellationToken)
    {
        var document = current.GetDocument(documentId);
        if (document is null)
        {
            return current;
        }

        try
        {
            var mapped = await MapAsync(document, originalTree, diagnostic, cancellationToken).ConfigureAwait(false);
            if (mapped is null)
            {
                return current;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, mapped, (action, _) => actions.Add(action), cancellationToken);
            await _provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            var chosen = Choose(actions, key);
            if (chosen is null)
            {
                return current;
            }

            var operations = await chosen.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            return operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution ?? current;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return current; // a fix that cannot be applied here leaves this diagnostic alone, never the others
        }
    }

    private CodeAction? Choose(List<CodeAction> actions, string? key)
    {
        if (actions.Count == 0)
        {
            return null;
        }

        var matching = actions.FirstOrDefault(a => a.EquivalenceKey == key);
        if (matching is not null)
        {
            return matching;
        }

        return key is not null && _provider.AlternativeKeys.Contains(key) ? null : actions[0];
    }

    /// <summary>
    /// The diagnostic with its spans moved into the document's current text (the edits made so far by earlier
    /// fixes); null when an earlier edit overlaps its main span. An unchanged document keeps the diagnostic as is.
    /// </summary>
    private static async Task<Diagnostic?> MapAsync(Document document, SyntaxTree originalTree, Diagnostic diagnostic,
                                                    CancellationToken cancellationToken)
    {
        var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
        if (tree is null || tree == originalTree)
        {
            return tree is null ? null : diagnostic;
        }

        var changes = tree.GetChanges(originalTree);
        if (Map(changes, diagnostic.Location.SourceSpan) is not { } span)
        {
            return null;
        }

        var additional = new List<Location>();
        foreach (var location in diagnostic.AdditionalLocations)
        {
            if (location.SourceTree != originalTree)
            {
                additional.Add(location);
            }
            else if (Map(changes, location.SourceSpan) is { } moved)
            {
                additional.Add(Location.Create(tree, moved));
            }
        }

        return Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, span), diagnostic.Severity, additional,
                                 diagnostic.Properties);
    }

    /// <summary><paramref name="span"/> of the original text in the changed text; null when a change overlaps it.</summary>
    private static TextSpan? Map(IList<TextChange> changes, TextSpan span)
    {
        var shift = 0;
        foreach (var change in changes)
        {
            if (change.Span.End <= span.Start)
            {
                shift += (change.NewText?.Length ?? 0) - change.Span.Length;
            }
            else if (change.Span.Start < span.End)
            {
                return null;
            }
        }

        return new TextSpan(span.Start + shift, span.Length);
    }
}
