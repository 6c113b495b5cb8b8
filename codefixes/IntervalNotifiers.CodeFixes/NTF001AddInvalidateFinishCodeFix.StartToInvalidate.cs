using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes;

/// <summary>NTF001's second fix: a start that never hands out a finish becomes an <c>Invalidate</c> override.</summary>
public sealed partial class NTF001AddInvalidateFinishCodeFix
{
    /// <summary>
    /// The start's declaration when it can become an <c>Invalidate</c> override: declared in the reported type
    /// itself (no start above it), with a block body whose only uses of the finish parameter are statements
    /// <c>finish = null;</c> (or <c>default</c>), no other use of <c>InvalidateStart</c>, and no
    /// <c>Invalidate</c> declared in the type or sealed above it, nor any other member named <c>Invalidate</c> in the
    /// type or its bases (the new override would clash with it or be hidden by it).
    /// </summary>
    private static MethodDeclarationSyntax? CanTurnIntoInvalidate(NotifierTypes types, INamedTypeSymbol type,
                                                                 IMethodSymbol start, Compilation compilation,
                                                                 CancellationToken cancellationToken)
    {
        if (!OpsTypeSyntax.DeclaredIn(start, type) || start.DeclaringSyntaxReferences.Length != 1
            || (type.BaseType is { } baseType && types.FindOverride(baseType, CallbackKind.InvalidateStart) is not null))
        {
            return null;
        }

        var invalidate = types.FindOverride(type, CallbackKind.Invalidate);
        if (invalidate is not null && (OpsTypeSyntax.DeclaredIn(invalidate, type) || invalidate.IsSealed))
        {
            return null;
        }

        if (invalidate is null
                ? !CallbackSlot.Find(types, type, CallbackKind.Invalidate, compilation, cancellationToken).IsFree
                : !type.GetMembers("Invalidate").IsEmpty)
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
}
