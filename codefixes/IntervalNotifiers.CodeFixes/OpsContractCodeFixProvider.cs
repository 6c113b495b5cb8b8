using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Infrastructure;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// Fixes of the type-level rules: NTF001 (add an <c>InvalidateFinish</c> override, or turn a start that never
/// hands out a finish into <c>Invalidate</c>), NTF003 (add an <c>Invalidate</c> override) and NTF004 (remove the
/// dead <c>Invalidate</c> override). NTF005 has no fix (see docs/rules/NTF005.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OpsContractCodeFixProvider)), Shared]
public sealed class OpsContractCodeFixProvider : NotifierCodeFixProvider
{
    public const string AddInvalidateFinishKey = "NTF001.AddInvalidateFinish";
    public const string StartToInvalidateKey = "NTF001.StartToInvalidate";
    public const string AddInvalidateKey = "NTF003.AddInvalidate";
    public const string RemoveDeadInvalidateKey = "NTF004.RemoveDeadInvalidate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.StartWithoutFinish, DiagnosticIds.NoInvalidateCallback, DiagnosticIds.DeadInvalidate);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        var types = NotifierTypes.TryCreate(model.Compilation);
        if (types is null)
        {
            return;
        }

        var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as ClassDeclarationSyntax;
        if (declaration is null
            || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
        {
            return;
        }

        switch (diagnostic.Id)
        {
            case DiagnosticIds.StartWithoutFinish:
                RegisterStartWithoutFinishFixes(context, diagnostic, types, type);
                break;
            case DiagnosticIds.NoInvalidateCallback:
                context.RegisterCodeFix(CodeAction.Create(
                    "Add an Invalidate override",
                    token => AddInvalidateAsync(context.Document, type, token),
                    AddInvalidateKey), diagnostic);
                break;
            case DiagnosticIds.DeadInvalidate:
                var invalidate = types.FindOverride(type, CallbackKind.Invalidate);
                if (invalidate is not null && DeclaredIn(invalidate, type)
                    && invalidate.DeclaringSyntaxReferences.Length == 1
                    && !await IsReferencedAsync(context.Document.Project.Solution, invalidate, context.CancellationToken)
                              .ConfigureAwait(false))
                {
                    context.RegisterCodeFix(CodeAction.Create(
                        "Remove the dead Invalidate override",
                        token => RemoveInvalidateAsync(context.Document.Project.Solution, invalidate, token),
                        RemoveDeadInvalidateKey), diagnostic);
                }

                break;
        }
    }

    private static bool DeclaredIn(IMethodSymbol method, INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type.OriginalDefinition);

    // ---------------------------------------------------------------- NTF001

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
            token => AddInvalidateFinishAsync(context.Document, types, type, start, token),
            AddInvalidateFinishKey), diagnostic);

        if (CanTurnIntoInvalidate(types, type, start, context.CancellationToken) is { } startDeclaration)
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Turn InvalidateStart into Invalidate (it never hands out a finish)",
                token => TurnIntoInvalidateAsync(context.Document.Project.Solution, startDeclaration, token),
                StartToInvalidateKey), diagnostic);
        }
    }

    private static async Task<Solution> AddInvalidateFinishAsync(Document document, NotifierTypes types,
                                                                 INamedTypeSymbol type, IMethodSymbol start,
                                                                 CancellationToken cancellationToken)
    {
        // After the start when the type declares it; otherwise at the end of the reported declaration.
        var solution = document.Project.Solution;
        MethodDeclarationSyntax? anchor = null;
        if (DeclaredIn(start, type))
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
            declaration = FirstDeclaration(root, type, cancellationToken);
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

    /// <summary>
    /// The start's declaration when it can become an <c>Invalidate</c> override: declared in the reported type
    /// itself (no start above it), with a block body whose only uses of the finish parameter are statements
    /// <c>finish = null;</c> (or <c>default</c>), no other use of <c>InvalidateStart</c>, and no
    /// <c>Invalidate</c> declared in the type or sealed above it.
    /// </summary>
    private static MethodDeclarationSyntax? CanTurnIntoInvalidate(NotifierTypes types, INamedTypeSymbol type,
                                                                 IMethodSymbol start, CancellationToken cancellationToken)
    {
        if (!DeclaredIn(start, type) || start.DeclaringSyntaxReferences.Length != 1
            || (type.BaseType is { } baseType && types.FindOverride(baseType, CallbackKind.InvalidateStart) is not null))
        {
            return null;
        }

        var invalidate = types.FindOverride(type, CallbackKind.Invalidate);
        if (invalidate is not null && (DeclaredIn(invalidate, type) || invalidate.IsSealed))
        {
            return null;
        }

        if (start.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax
            {
                Body: { } body, ParameterList.Parameters: { Count: 4 } parameters,
            } declaration)
        {
            return null;
        }

        var finishName = parameters[3].Identifier.ValueText;
        foreach (var name in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            var text = name.Identifier.ValueText;
            if (text == "InvalidateStart")
            {
                return null;
            }

            if (text == finishName && !IsRemovableNullAssignment(name))
            {
                return null;
            }
        }

        return declaration;
    }

    /// <summary>Whether <paramref name="name"/> is the left side of a statement <c>finish = null;</c> inside a block.</summary>
    private static bool IsRemovableNullAssignment(IdentifierNameSyntax name)
        => name.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
           && assignment.Left == name
           && IsNullOrDefault(assignment.Right)
           && assignment.Parent is ExpressionStatementSyntax { Parent: BlockSyntax };

    private static bool IsNullOrDefault(ExpressionSyntax expression)
        => SyntaxHelpers.Strip(expression) switch
        {
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.NullLiteralExpression)
                                               || literal.IsKind(SyntaxKind.DefaultLiteralExpression),
            DefaultExpressionSyntax => true,
            _ => false,
        };

    private static async Task<Solution> TurnIntoInvalidateAsync(Solution solution, MethodDeclarationSyntax start,
                                                                CancellationToken cancellationToken)
    {
        var document = solution.GetDocument(start.SyntaxTree);
        if (document is null || start.Body is null)
        {
            return solution;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (root is null || model is null || types is null)
        {
            return solution;
        }

        var finishName = start.ParameterList.Parameters[3].Identifier.ValueText;
        var removed = new SyntaxAnnotation();
        var toRemove = new HashSet<SyntaxNode>();
        var toBase = new HashSet<SyntaxNode>();
        foreach (var name in start.Body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText == finishName && IsRemovableNullAssignment(name))
            {
                toRemove.Add(name.Parent!.Parent!);
            }
            else if (name.Identifier.ValueText == "Invalidate" && IsOwnInvalidate(model, types, name, cancellationToken))
            {
                // Inside the new Invalidate override, a virtual call of Invalidate would call itself: call the base's.
                var callee = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access
                             && access.Name == name
                    ? (SyntaxNode)access
                    : name;
                if (callee == name && name.Parent is MemberAccessExpressionSyntax)
                {
                    continue; // base.Invalidate already
                }

                toBase.Add(callee);
            }
        }

        // The statement after a removed one takes over its leading trivia (a blank line above it stays).
        var inheritedTrivia = new Dictionary<SyntaxNode, SyntaxTriviaList>();
        foreach (var statement in toRemove)
        {
            if (statement.Parent is not BlockSyntax block)
            {
                continue;
            }

            var index = block.Statements.IndexOf((StatementSyntax)statement);
            if (index == 0 || (index > 0 && !toRemove.Contains(block.Statements[index - 1])))
            {
                var next = index + 1;
                while (next < block.Statements.Count && toRemove.Contains(block.Statements[next]))
                {
                    next++;
                }

                if (next < block.Statements.Count)
                {
                    inheritedTrivia[block.Statements[next]] = statement.GetLeadingTrivia();
                }
            }
        }

        var body = start.Body.ReplaceNodes(toRemove.Concat(toBase).Concat(inheritedTrivia.Keys), (original, rewritten) =>
        {
            if (inheritedTrivia.TryGetValue(original, out var trivia))
            {
                return rewritten.WithLeadingTrivia(trivia);
            }

            return toRemove.Contains(original)
                ? rewritten.WithAdditionalAnnotations(removed)
                : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                                                        SyntaxFactory.BaseExpression(),
                                                        SyntaxFactory.IdentifierName("Invalidate"))
                               .WithTriviaFrom(rewritten);
        });
        body = body.RemoveNodes(body.GetAnnotatedNodes(removed), SyntaxRemoveOptions.KeepNoTrivia)!;

        var parameters = start.ParameterList.Parameters;
        var newParameters = SyntaxFactory.SeparatedList(parameters.Take(3), parameters.GetSeparators().Take(2));
        var invalidate = start.WithIdentifier(SyntaxFactory.Identifier("Invalidate").WithTriviaFrom(start.Identifier))
                              .WithParameterList(start.ParameterList.WithParameters(newParameters))
                              .WithBody(body)
                              .WithAdditionalAnnotations(Formatter.Annotation);
        return solution.WithDocumentSyntaxRoot(document.Id, root.ReplaceNode(start, invalidate));
    }

    private static bool IsOwnInvalidate(SemanticModel model, NotifierTypes types, IdentifierNameSyntax name,
                                        CancellationToken cancellationToken)
    {
        var info = model.GetSymbolInfo(name, cancellationToken);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        return symbol is IMethodSymbol method
               && (NotifierTypes.Is(method, types.Invalidate) || types.GetCallbackKind(method) == CallbackKind.Invalidate);
    }

    // ---------------------------------------------------------------- NTF003

    private static async Task<Document> AddInvalidateAsync(Document document, INamedTypeSymbol type,
                                                           CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || FirstDeclaration(root, type, cancellationToken) is not { } declaration)
        {
            return document;
        }

        var member = SyntaxHelpers.ParseMember(root, declaration.Members.Count > 0,
            "public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)",
            "{",
            "    return true;",
            "}");
        var newRoot = root.ReplaceNode(declaration, declaration.AddMembers(member));
        if ((!SyntaxHelpers.RuntimeTypeIsInScope(model, declaration.SpanStart, "IntervalNotifier")
             || !SyntaxHelpers.RuntimeTypeIsInScope(model, declaration.SpanStart, "NotifierRange"))
            && newRoot is CompilationUnitSyntax unit)
        {
            newRoot = SyntaxHelpers.AddRuntimeUsing(unit);
        }

        return document.WithSyntaxRoot(newRoot);
    }

    // ---------------------------------------------------------------- NTF004

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

    // ---------------------------------------------------------------- shared

    /// <summary>The declaration of <paramref name="type"/> in <paramref name="root"/> that comes first.</summary>
    private static TypeDeclarationSyntax? FirstDeclaration(SyntaxNode root, INamedTypeSymbol type,
                                                           CancellationToken cancellationToken)
    {
        var location = OpsContractAnalyzer.IdentifierLocation(type);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == root.SyntaxTree
                && reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && (location is null || location.SourceTree != root.SyntaxTree
                    || declaration.Identifier.Span == location.SourceSpan))
            {
                return declaration;
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == root.SyntaxTree && reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
            {
                return declaration;
            }
        }

        return null;
    }
}
