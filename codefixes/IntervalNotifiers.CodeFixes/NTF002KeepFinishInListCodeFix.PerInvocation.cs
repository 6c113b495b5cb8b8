using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF002's fixes for a cached finish handed out by a start: a local made per invocation before the first use of the
/// member (<c>new</c>, with the member initializer's constructor arguments and object initializer; or rented from
/// the type's pool), which the method then uses instead of the member.
/// </summary>
public sealed partial class NTF002KeepFinishInListCodeFix
{
    /// <summary>
    /// For a finish created by the initializer of a field or auto-property: the first place in this document where a
    /// method of the type hands that member out (<c>finish = member</c> to an <c>out</c> finish parameter, or
    /// <c>return member;</c> from a method that returns a finish), outside any lambda or local function; null when
    /// there is none.
    /// </summary>
    private static async Task<ExpressionSyntax?> HandOutOfInitializedAsync(CodeFixContext context, BaseObjectCreationExpressionSyntax creation)
    {
        SyntaxNode initializer = creation;
        while (initializer.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            initializer = initializer.Parent;
        }

        var declaration = initializer.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax or PropertyDeclarationSyntax } clause
            ? clause.Parent
            : null;
        var type = declaration?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        var model = type is null ? null : await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (declaration is null || type is null || model is null || types is null
            || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } member)
        {
            return null;
        }

        foreach (var name in type.DescendantNodes().OfType<SimpleNameSyntax>())
        {
            if (name.Identifier.ValueText != member.Name)
            {
                continue;
            }

            var value = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == name
                ? (ExpressionSyntax)access
                : name;
            var handedOut = value.Parent switch
            {
                AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                    => assignment.Right == value
                       && model.GetSymbolInfo(assignment.Left, context.CancellationToken).Symbol is IParameterSymbol { RefKind: RefKind.Out } parameter
                       && types.IsFinishType(parameter.Type),
                ReturnStatementSyntax => model.GetEnclosingSymbol(value.SpanStart, context.CancellationToken) is IMethodSymbol method
                                         && types.IsFinishType(method.ReturnType),
                _ => false,
            };
            if (handedOut
                && !value.Ancestors().TakeWhile(a => a is not MemberDeclarationSyntax)
                         .Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, context.CancellationToken).Symbol, member))
            {
                return value;
            }
        }

        return null;
    }

    private static async Task RegisterPerInvocationAsync(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, ExpressionSyntax? value)
    {
        var cancellationToken = context.CancellationToken;
        var model = value is null ? null : await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (value is null || model is null || types is null
            || CachedFinish.Find(model, value, cancellationToken) is not { } plan
            || model.GetDeclaredSymbol(plan.Body.Parent!, cancellationToken) is not IMethodSymbol method)
        {
            return;
        }

        var owner = method.ContainingType;
        var position = plan.Anchor.SpanStart;
        var finishParameter = plan.HandsOutOnlyTheMember(types, method, model, cancellationToken);
        var finishOverride = types.FindOverride(owner, CallbackKind.InvalidateFinish);
        var finishDeclaration = finishOverride?.DeclaringSyntaxReferences.Length == 1
            ? finishOverride.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) as MethodDeclarationSyntax
            : null;
        var returnedTo = finishDeclaration is null
            ? null
            : PoolMember.Called(finishDeclaration, model.Compilation.GetSemanticModel(finishDeclaration.SyntaxTree), types.PoolReturn, cancellationToken);
        var title = "Create a new '" + plan.CreatedType.Name + "' for each invocation";
        if (returnedTo is not null && Related(plan.CreatedType, returnedTo.FinishType))
        {
            // The finish returns every finish to this pool: a 'new' one would make that Return throw.
            if (finishParameter is not null && plan.PoolLike && model.IsAccessible(position, returnedTo.Member)
                && SymbolEqualityComparer.Default.Equals(plan.CreatedType, returnedTo.FinishType))
            {
                RegisterRootEdit(context, diagnostic, RentTitle(returnedTo),
                    () => PerInvocation(root, model, plan, method, returnedTo, null), RentFromPoolKey);
            }

            return;
        }

        RegisterRootEdit(context, diagnostic, title, () => PerInvocation(root, model, plan, method, null, null), NewPerInvocationKey);
        if (returnedTo is null && finishParameter is not null && plan.PoolLike && owner.IsSealed
            && SymbolEqualityComparer.Default.Equals(types.FindOverride(owner, CallbackKind.InvalidateStart), method)
            && finishOverride is not null && OpsTypeSyntax.DeclaredIn(finishOverride, owner)
            && finishDeclaration is { Body: { } finishBody } && finishDeclaration.SyntaxTree == root.SyntaxTree
            && !finishBody.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                          .OfType<ReturnStatementSyntax>().Any()
            && !ReturnsToAPool(owner, types, model.Compilation, cancellationToken)
            && PoolMember.OfFinishType(owner, plan.CreatedType, types, model, position) is { } pool)
        {
            RegisterRootEdit(context, diagnostic, RentTitle(pool),
                () => PerInvocation(root, model, plan, method, pool, finishDeclaration), RentFromPoolKey);
        }
    }

    private static string RentTitle(PoolMember pool) => "Rent the finish from '" + pool.Member.Name + "' for each invocation";

    /// <summary>Whether one type derives from the other (or they are the same).</summary>
    private static bool Related(INamedTypeSymbol a, INamedTypeSymbol b)
    {
        static bool Inherits(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        return Inherits(a, b) || Inherits(b, a);
    }

    /// <summary>Whether any code of <paramref name="type"/> calls <c>NotifierFinishPool.Return</c>.</summary>
    private static bool ReturnsToAPool(INamedTypeSymbol type, NotifierTypes types, Compilation compilation,
                                       System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            if (declaration.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
                    call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Return" }
                    && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol called
                    && NotifierTypes.Is(called.OriginalDefinition, types.PoolReturn)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The initializer's creation as the start writes it: an explicit <c>new T(...)</c> as it is, a target-typed
    /// <c>new(...)</c> with the created type named.
    /// </summary>
    private static ObjectCreationExpressionSyntax PerInvocationCreation(BaseObjectCreationExpressionSyntax creation,
                                                                       INamedTypeSymbol created, SemanticModel model, int position)
        => creation switch
        {
            ObjectCreationExpressionSyntax explicitCreation => explicitCreation.WithoutTrivia(),
            _ => SyntaxFactory.ObjectCreationExpression(
                    SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                    TypeSyntaxAt(created, model, position),
                    creation.ArgumentList?.WithoutTrivia() ?? (creation.Initializer is null ? SyntaxFactory.ArgumentList() : null),
                    creation.Initializer?.WithoutTrivia()),
        };

    private static TypeSyntax TypeSyntaxAt(INamedTypeSymbol type, SemanticModel model, int position)
        => SyntaxFactory.ParseTypeName(type.ToMinimalDisplayString(model, position)).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>
    /// <paramref name="root"/> with the per-invocation local declared before the plan's anchor (rented from
    /// <paramref name="pool"/> when given, else created), the member's uses in the method replaced by the local,
    /// <c>pool.Return</c> appended to <paramref name="addReturnTo"/> when given, and the member deleted when the plan
    /// allows it.
    /// </summary>
    private static SyntaxNode PerInvocation(SyntaxNode root, SemanticModel model, CachedFinish plan, IMethodSymbol method,
                                            PoolMember? pool, MethodDeclarationSyntax? addReturnTo)
    {
        var body = plan.Body;
        var anchor = plan.Anchor;
        var position = anchor.SpanStart;
        var localName = SyntaxHelpers.UniqueLocalName(plan.Member.Name, model, body, position);
        if (method.Parameters.Any(p => localName.Length > p.Name.Length && localName.StartsWith(p.Name, System.StringComparison.Ordinal)
                                       && localName.Substring(p.Name.Length).All(char.IsDigit)))
        {
            localName = SyntaxHelpers.UniqueLocalName(plan.CreatedType.Name, model, body, position); // '_finish' next to 'out finish'
        }

        var eol = SyntaxHelpers.EndOfLine(root).ToFullString();
        StatementSyntax declaration;
        if (pool is not null)
        {
            var message = SyntaxFactory.Literal(
                $"{method.ContainingType.Name}.{method.Name}: the pool '{pool.Member.Name}' is empty; do the whole invalidation here "
                + "(what InvalidateFinish does), then set finish = null and return true").Text;
            declaration = SyntaxFactory.ParseStatement(
                $"if (!{pool.Name}.TryRent(out var {localName})){eol}{{{eol}throw new System.NotImplementedException({message});{eol}}}");
        }
        else
        {
            var creation = plan.Initializer is null
                ? SyntaxFactory.ObjectCreationExpression(TypeSyntaxAt(plan.CreatedType, model, position)).WithArgumentList(SyntaxFactory.ArgumentList())
                : PerInvocationCreation(plan.Initializer, plan.CreatedType, model, position);
            var type = SymbolEqualityComparer.Default.Equals(plan.MemberType, plan.CreatedType)
                ? SyntaxFactory.IdentifierName("var")
                : TypeSyntaxAt(plan.MemberType, model, position);
            declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(type)
                    .WithVariables(SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(localName).WithInitializer(SyntaxFactory.EqualsValueClause(creation)))));
        }

        declaration = declaration.WithAdditionalAnnotations(Formatter.Annotation);
        var newBody = body.ReplaceNodes(plan.References, (original, _) =>
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
            .Insert(index, declaration.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxHelpers.EndOfLine(root)));
        newBody = newBody.WithStatements(statements);

        var tracked = root.TrackNodes(new SyntaxNode?[] { body, addReturnTo?.Body, plan.Removable }.Where(n => n is not null)!);
        tracked = tracked.ReplaceNode(tracked.GetCurrentNode(body)!, newBody);
        if (pool is not null && addReturnTo is { Body: { } finishBody }
            && tracked.GetCurrentNode(finishBody) is { } currentFinish)
        {
            var cast = plan.CreatedType.ToMinimalDisplayString(model, finishBody.SpanStart);
            var parameter = SyntaxHelpers.Escape(addReturnTo.ParameterList.Parameters[0].Identifier.ValueText);
            var returnStatement = SyntaxFactory.ParseStatement($"{pool.Name}.Return(({cast}){parameter});")
                .WithTrailingTrivia(SyntaxHelpers.EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation);
            tracked = tracked.ReplaceNode(currentFinish, currentFinish.AddStatements(returnStatement));
        }

        if (plan.Removable is not null && tracked.GetCurrentNode(plan.Removable) is { } removable)
        {
            tracked = RemoveMember(tracked, removable);
        }

        return tracked;
    }

    /// <summary>
    /// <paramref name="root"/> without the member's declaration (its comments go with it); when it was the first
    /// member, the blank lines that separated it from the next one go too.
    /// </summary>
    private static SyntaxNode RemoveMember(SyntaxNode root, SyntaxNode removable)
    {
        var member = removable as MemberDeclarationSyntax;
        if (member?.Parent is TypeDeclarationSyntax type && type.Members.IndexOf(member) == 0 && type.Members.Count > 1)
        {
            var next = type.Members[1];
            var leading = next.GetLeadingTrivia();
            var skip = 0;
            while (skip < leading.Count && (leading[skip].IsKind(SyntaxKind.WhitespaceTrivia) || leading[skip].IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                skip++;
            }

            var lastBreak = -1;
            for (var i = 0; i < skip; i++)
            {
                if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    lastBreak = i;
                }
            }

            var newType = type.ReplaceNode(next, next.WithLeadingTrivia(leading.Skip(lastBreak + 1)));
            newType = newType.RemoveNode(newType.Members[0], SyntaxRemoveOptions.KeepNoTrivia)!;
            return root.ReplaceNode(type, newType);
        }

        return root.RemoveNode(removable, SyntaxRemoveOptions.KeepNoTrivia)!;
    }
}
