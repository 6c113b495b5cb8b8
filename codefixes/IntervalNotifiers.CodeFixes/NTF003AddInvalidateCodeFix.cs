using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF003 (an ops type overrides neither <c>Invalidate</c> nor <c>InvalidateStart</c>): add an <c>Invalidate</c>
/// override whose body throws <c>NotImplementedException</c> naming what to write. Only the user knows how the
/// device stops using the range and which lock the read side holds, so the fix fails loudly at the first
/// invalidation instead of returning true without invalidating anything (docs/contract.md#what-a-fix-leaves-behind).
/// A type that already overrides <c>InvalidateFinish</c> (it has NTF005 too) gets NTF005's fix instead: the
/// <c>InvalidateStart</c> that hands out the finish its finish pass reads. A type that declares its own
/// <c>Invalidate</c> or <c>InvalidateStart</c> without <c>override</c> gets that method made the override instead
/// (see <c>Common/CallbackSlot.cs</c>), or no fix when it cannot be.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF003AddInvalidateCodeFix)), Shared]
public sealed class NTF003AddInvalidateCodeFix : NotifierCodeFixProvider
{
    public const string AddInvalidateKey = "NTF003.AddInvalidate";
    public const string AddInvalidateStartKey = "NTF003.AddInvalidateStart";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoInvalidateCallback);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is not (var types, var type)
            || types.FindOverride(type, CallbackKind.Invalidate) is not null
            || types.FindOverride(type, CallbackKind.InvalidateStart) is not null)
        {
            return; // not an ops type, or the callback was added since the diagnostic was computed
        }

        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        // A method the user meant as the callback (override forgotten: CS0114, or 'in' missing on the range: an
        // overload) becomes the override, its body kept. Any other member of a callback's name (or both names used):
        // adding the override would not compile (CS0111, CS0663) or would hide what the user wrote. The user decides.
        var invalidate = CallbackSlot.Find(types, type, CallbackKind.Invalidate, model.Compilation, context.CancellationToken);
        var start = CallbackSlot.Find(types, type, CallbackKind.InvalidateStart, model.Compilation, context.CancellationToken);
        if (invalidate.Declaration is not null && start.IsFree)
        {
            invalidate.RegisterMakeOverride(context, diagnostic, AddInvalidateKey);
            return;
        }

        if (start.Declaration is not null && invalidate.IsFree)
        {
            start.RegisterMakeOverride(context, diagnostic, AddInvalidateStartKey);
            return;
        }

        if (!invalidate.IsFree || !start.IsFree)
        {
            return;
        }

        if (types.FindOverride(type, CallbackKind.InvalidateFinish) is not null)
        {
            await RegisterStartForFinishAsync(context, diagnostic, type).ConfigureAwait(false);
            return;
        }

        context.RegisterCodeFix(CodeAction.Create(
            "Add an Invalidate override",
            token => AddInvalidateAsync(context.Document, type, diagnostic.Location.SourceSpan, token),
            AddInvalidateKey), diagnostic);
    }

    /// <summary>
    /// The type has a finish pass and no start: an <c>Invalidate</c> would be the wrong callback (NTF005 would then
    /// run it from the start it adds, throwing). Offer NTF005's <c>InvalidateStart</c>, which hands out the finish
    /// <c>InvalidateFinish</c> expects, under this rule's key.
    /// </summary>
    private static async Task RegisterStartForFinishAsync(CodeFixContext context, Diagnostic diagnostic, INamedTypeSymbol type)
    {
        var ntf005 = Diagnostic.Create(Descriptors.NTF005, diagnostic.Location, type.Name);
        var actions = new List<CodeAction>();
        var provider = new NTF005AddInvalidateStartCodeFix();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(context.Document, ntf005, (action, _) => actions.Add(action),
                                                                 context.CancellationToken)).ConfigureAwait(false);
        if (actions.FirstOrDefault() is not { } start)
        {
            return;
        }

        var solution = context.Document.Project.Solution;
        context.RegisterCodeFix(CodeAction.Create(
            start.Title,
            async token => (await start.GetOperationsAsync(token).ConfigureAwait(false))
                           .OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution ?? solution,
            AddInvalidateStartKey), diagnostic);
    }

    private static async Task<Document> AddInvalidateAsync(Document document, INamedTypeSymbol type, TextSpan reported,
                                                           CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || OpsTypeSyntax.ReportedDeclaration(root, type, reported, cancellationToken) is not { } declaration)
        {
            return document;
        }

        var member = SyntaxHelpers.ParseMember(root, declaration.Members.Count > 0,
            "public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)",
            "{",
            "    throw new System.NotImplementedException(" + SyntaxFactory.Literal(Message(type)).Text + ");",
            "}");
        var newRoot = OpsTypeSyntax.InsertMember(root, model, declaration, null, member, "IntervalNotifier", "NotifierRange");
        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>What the user must write in place of the <c>throw</c>.</summary>
    internal static string Message(INamedTypeSymbol type)
        => $"{type.Name}.Invalidate: stop the device's access to the range, call notifier.SetSequence(currentSequence) "
           + "under the lock the read side holds around ReadRetry, then return true (return false only when !range.IsBlockable)";
}
