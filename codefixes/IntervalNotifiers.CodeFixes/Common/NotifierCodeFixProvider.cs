using System;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// The scaffolding every IntervalNotifiers code fix shares: Fix All through <see cref="NotifierFixAllProvider"/>
/// (robust to diagnostics without a fix and to a missing equivalence key, as <c>dotnet format analyzers</c> runs
/// it), the document's root read once (no fix when there is none), and one call of
/// <see cref="RegisterFixesAsync"/> per diagnostic of an ID the provider fixes (a diagnostic of another ID, which
/// <c>dotnet format</c> may pass, gets nothing).
/// </summary>
/// <remarks>
/// Each provider registers a diagnostic's default fix first: Fix All falls back to it for a diagnostic that does not
/// offer the requested action. Alternatives the user must choose (NTF002's "rent the finish from the pool")
/// have their keys in <see cref="AlternativeKeys"/>: Fix All with such a key changes only the diagnostics that offer it.
/// </remarks>
public abstract class NotifierCodeFixProvider : CodeFixProvider
{
    public sealed override FixAllProvider GetFixAllProvider() => new NotifierFixAllProvider(this);

    /// <summary>The equivalence keys of fixes offered as an alternative to a diagnostic's default fix.</summary>
    public virtual ImmutableArray<string> AlternativeKeys => ImmutableArray<string>.Empty;

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixableDiagnosticIds.Contains(diagnostic.Id))
            {
                continue;
            }

            await RegisterFixesAsync(context, root, diagnostic).ConfigureAwait(false);
        }
    }

    /// <summary>Registers the fixes offered for one diagnostic of the document whose root is <paramref name="root"/>.</summary>
    protected abstract Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic);

    /// <summary>The innermost node the diagnostic is reported on.</summary>
    protected static SyntaxNode FindNode(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);

    /// <summary>The diagnostic's property <paramref name="key"/>, when it is there and not empty.</summary>
    protected static bool TryGetProperty(Diagnostic diagnostic, string key, out string value)
    {
        if (diagnostic.Properties.TryGetValue(key, out var found) && !string.IsNullOrEmpty(found))
        {
            value = found!;
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Registers a fix that replaces the document's root with the one <paramref name="newRoot"/> computes.</summary>
    protected static void RegisterRootEdit(CodeFixContext context, Diagnostic diagnostic, string title,
                                           Func<SyntaxNode> newRoot, string equivalenceKey)
        => context.RegisterCodeFix(
            CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(newRoot())), equivalenceKey),
            diagnostic);
}
