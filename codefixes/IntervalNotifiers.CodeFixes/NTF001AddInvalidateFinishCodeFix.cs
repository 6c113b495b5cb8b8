using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using System.Threading;
using IntervalNotifiers.Analyzers.Infrastructure;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF001 (an ops type overrides <c>InvalidateStart</c> but not <c>InvalidateFinish</c>): add an
/// <c>InvalidateFinish</c> override; or, when the start never hands out a finish, turn it into <c>Invalidate</c>
/// (see <c>NTF001AddInvalidateFinishCodeFix.StartToInvalidate.cs</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF001AddInvalidateFinishCodeFix)), Shared]
public sealed partial class NTF001AddInvalidateFinishCodeFix : NotifierCodeFixProvider
{
    public const string AddInvalidateFinishKey = "NTF001.AddInvalidateFinish";
    public const string StartToInvalidateKey = "NTF001.StartToInvalidate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StartWithoutFinish);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is (var types, var type))
        {
            RegisterStartWithoutFinishFixes(context, diagnostic, types, type);
        }
    }

    private static void RegisterStartWithoutFinishFixes(CodeFixContext context, Diagnostic diagnostic,
                                                        NotifierTypes types, INamedTypeSymbol type)
    {
        var start = types.FindOverride(type, CallbackKind.InvalidateStart);
        if (start is null)
        {
            return;
        }

        context.RegisterCodeFix(CodeAction.Create(
            "Add an InvalidateFinish override",
            token => AddInvalidateFinishAsync(context.Document, type, start, diagnostic.Location.SourceSpan, token),
            AddInvalidateFinishKey), diagnostic);

        if (CanTurnIntoInvalidate(types, type, start, context.CancellationToken) is { } startDeclaration)
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Turn InvalidateStart into Invalidate (it never hands out a finish)",
                token => TurnIntoInvalidateAsync(context.Document.Project.Solution, startDeclaration, token),
                StartToInvalidateKey), diagnostic);
        }
    }

    private static async Task<Solution> AddInvalidateFinishAsync(Document document, INamedTypeSymbol type,
                                                                 IMethodSymbol start, TextSpan reported,
                                                                 CancellationToken cancellationToken)
    {
        // After the start when the type declares it; otherwise at the end of the reported declaration.
        var solution = document.Project.Solution;
        MethodDeclarationSyntax? anchor = null;
        if (OpsTypeSyntax.DeclaredIn(start, type))
        {
            foreach (var reference in start.DeclaringSyntaxReferences)
            {
                if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is MethodDeclarationSyntax method
                    && solution.GetDocument(method.SyntaxTree) is not null)
                {
                    anchor = method;
                    break;
                }
            }
        }

        var target = anchor is not null ? solution.GetDocument(anchor.SyntaxTree)! : document;
        var root = await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await target.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return solution;
        }

        TypeDeclarationSyntax? declaration = anchor?.Parent as TypeDeclarationSyntax;
        if (declaration is null)
        {
            declaration = OpsTypeSyntax.ReportedDeclaration(root, type, reported, cancellationToken);
            if (declaration is null)
            {
                return solution;
            }
        }

        var member = SyntaxHelpers.ParseMember(root, anchor is not null || declaration.Members.Count > 0,
            "public override void InvalidateFinish(NotifierFinish finish)",
            "{",
            "}");
        var newDeclaration = anchor is not null
            ? declaration.InsertNodesAfter(anchor, new[] { member })
            : declaration.AddMembers(member);
        var newRoot = root.ReplaceNode(declaration, newDeclaration);
        if (!SyntaxHelpers.RuntimeTypeIsInScope(model, declaration.SpanStart, "NotifierFinish")
            && newRoot is CompilationUnitSyntax unit)
        {
            newRoot = SyntaxHelpers.AddRuntimeUsing(unit);
        }

        return solution.WithDocumentSyntaxRoot(target.Id, newRoot);
    }
}
