using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes;

/// <summary>NTF003 (an ops type overrides neither <c>Invalidate</c> nor <c>InvalidateStart</c>): add an <c>Invalidate</c> override.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF003AddInvalidateCodeFix)), Shared]
public sealed class NTF003AddInvalidateCodeFix : NotifierCodeFixProvider
{
    public const string AddInvalidateKey = "NTF003.AddInvalidate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoInvalidateCallback);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is (_, var type))
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Add an Invalidate override",
                token => AddInvalidateAsync(context.Document, type, diagnostic.Location.SourceSpan, token),
                AddInvalidateKey), diagnostic);
        }
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
            "    return true;",
            "}");
        var newRoot = OpsTypeSyntax.InsertMember(root, model, declaration, null, member, "IntervalNotifier", "NotifierRange");
        return document.WithSyntaxRoot(newRoot);
    }
}
