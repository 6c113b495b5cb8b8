using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// What the NTF002 "one finish per invocation" fixes need to know about a cached finish member handed out by a
/// method: where it is used, how it is built, and which pool, if any, the ops type's finish returns finishes to.
/// </summary>
public sealed partial class NTF002KeepFinishInListCodeFix
{
    /// <summary>A private field or auto-property of the ops type that a method hands out as its finish.</summary>
    private sealed class CachedFinish
    {
        /// <summary>The member.</summary>
        public ISymbol Member { get; private set; } = null!;

        /// <summary>The member's declared type.</summary>
        public INamedTypeSymbol MemberType { get; private set; } = null!;

        /// <summary>The type each invocation creates: the initializer's type, else the member's.</summary>
        public INamedTypeSymbol CreatedType { get; private set; } = null!;

        /// <summary>The method body that hands the member out.</summary>
        public BlockSyntax Body { get; private set; } = null!;

        /// <summary>Every reference to the member in <see cref="Body"/>: <c>x</c>, <c>this.x</c>, <c>Type.x</c>.</summary>
        public IReadOnlyList<ExpressionSyntax> References { get; private set; } = null!;

        /// <summary>The statement of <see cref="Body"/> holding the first reference: the new local goes before it.</summary>
        public StatementSyntax Anchor { get; private set; } = null!;

        /// <summary>The member's initializer, a creation of a finish (null when the member has none).</summary>
        public BaseObjectCreationExpressionSyntax? Initializer { get; private set; }

        /// <summary>The member's declaration when the fix may delete it (private, initializer without side effects).</summary>
        public SyntaxNode? Removable { get; private set; }

        /// <summary>Whether the construction is the pool's own: a parameterless <c>new</c> without initializer.</summary>
        public bool PoolLike { get; private set; }

        /// <summary>
        /// The cached member handed out at <paramref name="value"/> in the method around it, when the fix can make one
        /// per invocation: a private field or auto-property of the method's type, used by no other code of the type
        /// (except, when it has no initializer, the constructors that assign it), never written by the method, whose
        /// initializer is a creation of a finish that means the same at the start of the method (or, without
        /// initializer, whose type has an accessible parameterless constructor). Null otherwise.
        /// </summary>
        public static CachedFinish? Find(SemanticModel model, ExpressionSyntax value, CancellationToken cancellationToken)
        {
            var stripped = SyntaxHelpers.Strip(value);
            var symbol = model.GetSymbolInfo(stripped, cancellationToken).Symbol;
            var memberType = symbol switch
            {
                IFieldSymbol cachedField => cachedField.Type,
                IPropertySymbol { IsIndexer: false } cachedProperty => cachedProperty.Type,
                _ => null,
            } as INamedTypeSymbol;
            var method = value.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
            if (symbol is null || memberType is null || method?.Body is not { } body
                || symbol.DeclaredAccessibility != Accessibility.Private
                || model.GetDeclaredSymbol(method, cancellationToken)?.ContainingType is not { } owner
                || !SymbolEqualityComparer.Default.Equals(symbol.ContainingType.OriginalDefinition, owner.OriginalDefinition)
                || Declaration(symbol, cancellationToken) is not { } declaration)
            {
                return null;
            }

            var references = ReferencesIn(body, symbol, model, cancellationToken);
            if (references.Count == 0 || references.Any(IsWritten)
                || references.OrderBy(r => r.SpanStart).First().AncestorsAndSelf().OfType<StatementSyntax>()
                       .FirstOrDefault(s => s.Parent == body) is not { } anchor)
            {
                return null;
            }

            var initializerValue = declaration switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializerValue is not null && IsNullOrDefault(initializerValue))
            {
                initializerValue = null; // '= null!' or '= default': the member starts empty, as without an initializer
            }

            var plan = new CachedFinish { Member = symbol, MemberType = memberType, Body = body, References = references, Anchor = anchor };
            if (!UsedOnlyHere(plan, model.Compilation, allowConstructorStores: initializerValue is null, cancellationToken))
            {
                return null;
            }

            if (initializerValue is null)
            {
                plan.CreatedType = memberType;
                plan.PoolLike = true;
                return !memberType.IsAbstract
                       && memberType.InstanceConstructors.Any(c => c.Parameters.IsEmpty && model.IsAccessible(anchor.SpanStart, c))
                    ? plan
                    : null;
            }

            var initializerModel = model.SyntaxTree == initializerValue.SyntaxTree ? model : model.Compilation.GetSemanticModel(initializerValue.SyntaxTree);
            if (SyntaxHelpers.Strip(initializerValue) is not BaseObjectCreationExpressionSyntax creation
                || initializerModel.GetTypeInfo(creation, cancellationToken).Type is not INamedTypeSymbol { IsAbstract: false } created
                || !MeansTheSameAt(creation, initializerModel, model, anchor.SpanStart, created, cancellationToken))
            {
                return null;
            }

            plan.Initializer = creation;
            plan.CreatedType = created;
            plan.PoolLike = creation.ArgumentList is null or { Arguments.Count: 0 } && creation.Initializer is null or { Expressions.Count: 0 };
            plan.Removable = HasNoSideEffects(creation) && AllDeclaredIn(symbol.ContainingType, model.SyntaxTree)
                ? declaration is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } } ? field : declaration
                : null;
            return plan;
        }

        /// <summary>The member's declarator (field) or declaration (auto-property); null for anything else.</summary>
        private static SyntaxNode? Declaration(ISymbol member, CancellationToken cancellationToken)
        {
            if (member.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            return member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) switch
            {
                VariableDeclaratorSyntax declarator => declarator,
                PropertyDeclarationSyntax { AccessorList.Accessors: var accessors } property
                    when accessors.All(a => a.Body is null && a.ExpressionBody is null) => property,
                _ => null,
            };
        }

        private static List<ExpressionSyntax> ReferencesIn(BlockSyntax body, ISymbol member, SemanticModel model,
                                                           CancellationToken cancellationToken)
        {
            var references = new List<ExpressionSyntax>();
            foreach (var name in body.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != member.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, member))
                {
                    continue;
                }

                ExpressionSyntax reference = name;
                if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
                {
                    if (access.Expression is ThisExpressionSyntax || (member.IsStatic && model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is INamedTypeSymbol))
                    {
                        reference = access;
                    }
                    else
                    {
                        continue; // another object's member: not the cached instance of this type
                    }
                }
                else if (name.Parent is MemberBindingExpressionSyntax)
                {
                    continue;
                }

                references.Add(reference);
            }

            return references;
        }

        /// <summary>Whether the reference is assigned, incremented or passed by <c>ref</c>/<c>out</c>.</summary>
        private static bool IsWritten(ExpressionSyntax reference)
        {
            SyntaxNode node = reference;
            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left == node,
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or RefExpressionSyntax => true,
                _ => false,
            };
        }

        /// <summary>
        /// Whether the type's code names the member nowhere but in the method being fixed (and, when
        /// <paramref name="allowConstructorStores"/>, as the target of a plain assignment in a constructor).
        /// </summary>
        private static bool UsedOnlyHere(CachedFinish plan, Compilation compilation, bool allowConstructorStores,
                                         CancellationToken cancellationToken)
        {
            foreach (var reference in plan.Member.ContainingType.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                SemanticModel? model = null;
                foreach (var name in declaration.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Identifier.ValueText != plan.Member.Name
                        || (name.SyntaxTree == plan.Body.SyntaxTree && plan.Body.Span.Contains(name.Span)))
                    {
                        continue;
                    }

                    model ??= compilation.GetSemanticModel(name.SyntaxTree);
                    if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, plan.Member))
                    {
                        continue;
                    }

                    var target = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == name
                        ? (ExpressionSyntax)access
                        : name;
                    if (!allowConstructorStores
                        || target.Parent is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } store
                        || store.Left != target
                        || store.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is null
                        || store.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>Whether <paramref name="value"/> is <c>null</c> or <c>default</c> (with or without <c>!</c>, parentheses or a cast).</summary>
        private static bool IsNullOrDefault(ExpressionSyntax value)
            => SyntaxHelpers.Strip(value) is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression }
                   or DefaultExpressionSyntax;

        /// <summary>
        /// Whether <paramref name="creation"/> (bound by <paramref name="initializerModel"/>), moved into a local
        /// declaration at <paramref name="position"/>, calls the same constructor and binds every name to the same
        /// symbol: nothing it needs is inaccessible or shadowed there.
        /// </summary>
        private static bool MeansTheSameAt(BaseObjectCreationExpressionSyntax creation, SemanticModel initializerModel,
                                           SemanticModel model, int position, INamedTypeSymbol created,
                                           CancellationToken cancellationToken)
        {
            var moved = PerInvocationCreation(creation, created, model, position);
            var statement = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(SyntaxFactory.IdentifierName("var"))
                    .WithVariables(SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator("__ntf002").WithInitializer(SyntaxFactory.EqualsValueClause(moved)))));
            if (!model.TryGetSpeculativeSemanticModel(position, statement, out var speculative))
            {
                return false;
            }

            var movedCreation = (ObjectCreationExpressionSyntax)statement.Declaration.Variables[0].Initializer!.Value;
            if (!SymbolEqualityComparer.Default.Equals(
                    speculative.GetSymbolInfo(movedCreation, cancellationToken).Symbol,
                    initializerModel.GetSymbolInfo(creation, cancellationToken).Symbol)
                || !SymbolEqualityComparer.Default.Equals(speculative.GetTypeInfo(movedCreation, cancellationToken).Type, created))
            {
                return false;
            }

            return SameNames(creation.ArgumentList, movedCreation.ArgumentList)
                   && SameNames(creation.Initializer, movedCreation.Initializer);

            bool SameNames(SyntaxNode? original, SyntaxNode? copy)
            {
                if (original is null || copy is null)
                {
                    return original is null == copy is null;
                }

                var originalNames = original.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().ToList();
                var copiedNames = copy.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().ToList();
                return originalNames.Count == copiedNames.Count
                       && originalNames.Zip(copiedNames, (a, b) => SymbolEqualityComparer.Default.Equals(
                              initializerModel.GetSymbolInfo(a, cancellationToken).Symbol,
                              speculative.GetSymbolInfo(b, cancellationToken).Symbol))
                          .All(same => same);
            }
        }

        /// <summary>Only creations, literals, names and lambdas: deleting the one-time run of it changes nothing else.</summary>
        private static bool HasNoSideEffects(ExpressionSyntax creation)
            => !creation.DescendantNodesAndSelf().Any(node => node
                is InvocationExpressionSyntax or AwaitExpressionSyntax or PostfixUnaryExpressionSyntax
                || (node is AssignmentExpressionSyntax && node.Parent is not InitializerExpressionSyntax)
                || node is PrefixUnaryExpressionSyntax prefix
                   && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)));

        private static bool AllDeclaredIn(INamedTypeSymbol type, SyntaxTree tree)
            => type.DeclaringSyntaxReferences.All(r => r.SyntaxTree == tree);

        /// <summary>
        /// The finish parameter (<c>out NotifierFinish? finish</c>) of <paramref name="method"/> when it is an
        /// <c>InvalidateStart</c> override whose body assigns that parameter only plain (never passed on by
        /// <c>out</c>/<c>ref</c>), to <c>null</c>/<c>default</c> before <see cref="Anchor"/> and to the member from it
        /// on: every path that goes past the new local hands that local out.
        /// </summary>
        public IParameterSymbol? HandsOutOnlyTheMember(NotifierTypes types, IMethodSymbol method, SemanticModel model,
                                                       CancellationToken cancellationToken)
        {
            if (types.GetCallbackKind(method) != CallbackKind.InvalidateStart
                || method.Parameters.LastOrDefault() is not { RefKind: RefKind.Out } finish)
            {
                return null;
            }

            foreach (var name in Body.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != finish.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, finish))
                {
                    continue;
                }

                if (name.Parent is ArgumentSyntax)
                {
                    return null;
                }

                if (name.Parent is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                    || assignment.Left != name)
                {
                    continue; // a read
                }

                var assigned = SyntaxHelpers.Strip(assignment.Right);
                var allowed = assignment.SpanStart < Anchor.SpanStart
                    ? assigned.IsKind(SyntaxKind.NullLiteralExpression) || assigned.IsKind(SyntaxKind.DefaultLiteralExpression)
                    : References.Contains(assigned);
                if (!allowed)
                {
                    return null;
                }
            }

            return finish;
        }
    }
}
