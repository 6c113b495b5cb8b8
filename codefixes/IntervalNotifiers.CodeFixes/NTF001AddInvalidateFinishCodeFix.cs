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
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF001 (an ops type overrides <c>InvalidateStart</c> but not <c>InvalidateFinish</c>): add an
/// <c>InvalidateFinish</c> override that fails loudly until the user writes it; or, instead, when the start never
/// hands out a finish, turn it into <c>Invalidate</c> (see <c>NTF001AddInvalidateFinishCodeFix.StartToInvalidate.cs</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF001AddInvalidateFinishCodeFix)), Shared]
public sealed partial class NTF001AddInvalidateFinishCodeFix : NotifierCodeFixProvider
{
    public const string AddInvalidateFinishKey = "NTF001.AddInvalidateFinish";
    public const string StartToInvalidateKey = "NTF001.StartToInvalidate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StartWithoutFinish);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is (var types, var type)
            && await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false) is { } model)
        {
            RegisterStartWithoutFinishFixes(context, diagnostic, types, type, model.Compilation);
        }
    }

    /// <summary>
    /// A start that provably never hands out a finish gets only "turn the start into Invalidate": an
    /// <c>InvalidateFinish</c> would never run. Registered alone, it is what Fix All and <c>dotnet format</c> apply to
    /// that diagnostic whatever the equivalence key they were given (they fall back to a diagnostic's first action
    /// when it offers none with the key). Every other start gets "add an InvalidateFinish override", which makes the
    /// user's own <c>InvalidateFinish</c> the override when the type declares one with <c>override</c> forgotten, and
    /// is not offered when the name is taken by a member that cannot become the override (a second
    /// <c>InvalidateFinish</c> would not compile: CS0111).
    /// </summary>
    private static void RegisterStartWithoutFinishFixes(CodeFixContext context, Diagnostic diagnostic,
                                                        NotifierTypes types, INamedTypeSymbol type, Compilation compilation)
    {
        var start = types.FindOverride(type, CallbackKind.InvalidateStart);
        if (start is null)
        {
            return;
        }

        if (CanTurnIntoInvalidate(types, type, start, compilation, context.CancellationToken) is { } startDeclaration)
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Turn InvalidateStart into Invalidate (it never hands out a finish)",
                token => TurnIntoInvalidateAsync(context.Document.Project.Solution, startDeclaration, token),
                StartToInvalidateKey), diagnostic);
            return;
        }

        var slot = CallbackSlot.Find(types, type, CallbackKind.InvalidateFinish, compilation, context.CancellationToken);
        if (slot.Declaration is not null)
        {
            slot.RegisterMakeOverride(context, diagnostic, AddInvalidateFinishKey);
            return;
        }

        if (!slot.IsFree)
        {
            return;
        }

        context.RegisterCodeFix(CodeAction.Create(
            "Add an InvalidateFinish override",
            token => AddInvalidateFinishAsync(context.Document, types, type, start, diagnostic.Location.SourceSpan, token),
            AddInvalidateFinishKey), diagnostic);
    }

    private static async Task<Solution> AddInvalidateFinishAsync(Document document, NotifierTypes types, INamedTypeSymbol type,
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

        var body = await FinishBodyAsync(model.Compilation, types, type, start, declaration.OpenBraceToken.Span.End, model, cancellationToken)
            .ConfigureAwait(false);
        var lines = new System.Collections.Generic.List<string> { "public override void InvalidateFinish(NotifierFinish finish)", "{" };
        lines.AddRange(body.Select(line => "    " + line));
        lines.Add("}");
        var member = SyntaxHelpers.ParseMember(root, anchor is not null || declaration.Members.Count > 0, lines.ToArray());
        member = member.ReplaceNodes(member.DescendantNodes().OfType<QualifiedNameSyntax>(),
                                     (_, name) => name.WithAdditionalAnnotations(Simplifier.Annotation));
        var newRoot = OpsTypeSyntax.InsertMember(root, model, declaration, anchor, member, "NotifierFinish");
        return solution.WithDocumentSyntaxRoot(target.Id, newRoot);
    }

    /// <summary>
    /// The statements of the new <c>InvalidateFinish</c>: always a <c>NotImplementedException</c> that says what to
    /// write, so the program fails loudly at the first invalidation instead of silently skipping the finish pass
    /// (docs/contract.md#what-a-fix-leaves-behind). When the start rents its finishes from one pool of the type
    /// (and creates none with <c>new</c>), the throw sits in a <c>try</c> whose <c>finally</c> gives the finish back
    /// to that pool. A finish that carries nothing (a token) does not make the finish pass empty: the work to wait for
    /// is then kept by the ops type itself (a command queue, a device), which only the user can name.
    /// </summary>
    private static async Task<string[]> FinishBodyAsync(Compilation compilation, NotifierTypes types, INamedTypeSymbol type,
                                                      IMethodSymbol start, int position, SemanticModel model,
                                                      CancellationToken cancellationToken)
    {
        foreach (var reference in start.DeclaringSyntaxReferences)
        {
            var syntax = await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
            if (syntax is not (MethodDeclarationSyntax { Body: not null } or MethodDeclarationSyntax { ExpressionBody: not null })
                || !compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                continue;
            }

            var startModel = compilation.GetSemanticModel(syntax.SyntaxTree);
            if (PoolMember.RentedIn(syntax, startModel, types, cancellationToken) is not { } pool
                || !model.IsAccessible(position, pool.Member))
            {
                continue;
            }

            var giveBack = $"{pool.Name}.Return(({pool.FinishTypeName(model, position)})finish);";
            string what;
            if (FinishState.Carried(pool.FinishType) is { Length: > 0 } carried)
            {
                what = $"it carries {carried}";
            }
            else
            {
                // A token: the work to wait for is the ops type's own. Name what the start does instead of handing
                // out a finish, when that can be read off its fallback path (text for the user, never generated code).
                var fallback = FallbackCalls(syntax, startModel, pool.Member, type, cancellationToken);
                what = $"{pool.FinishType.Name} carries nothing: wait for what {type.Name} itself keeps"
                       + (fallback.Length > 0 ? $", e.g. what the start does when '{pool.Member.Name}' is empty: {fallback}" : "");
            }

            var todo = $"{type.Name}.InvalidateFinish: wait for the work InvalidateStart started for this finish "
                       + $"({what}); the finish is returned to '{pool.Member.Name}' below";
            return new[]
            {
                "try", "{", $"    throw new System.NotImplementedException({SyntaxFactory.Literal(todo).Text});", "}",
                "finally", "{", "    " + giveBack, "}",
            };
        }

        var message = $"{type.Name}.InvalidateFinish: wait for the work InvalidateStart started for this finish, "
                      + "then return the finish to its pool if it came from one";
        return new[] { $"throw new System.NotImplementedException({SyntaxFactory.Literal(message).Text});" };
    }
}
