using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>A <c>NotifierFinishPool&lt;T&gt;</c> held in a field or property, as code in the ops type names it.</summary>
internal sealed class PoolMember
{
    private PoolMember(ISymbol member, INamedTypeSymbol finishType)
    {
        Member = member;
        FinishType = finishType;
    }

    /// <summary>The field or property that holds the pool.</summary>
    public ISymbol Member { get; }

    /// <summary>The pool's <c>T</c>: the type of the finishes it rents.</summary>
    public INamedTypeSymbol FinishType { get; }

    /// <summary>The member's name as code inside the ops type writes it.</summary>
    public string Name => SyntaxHelpers.Escape(Member.Name);

    /// <summary>The finish type as written at <paramref name="position"/>.</summary>
    public string FinishTypeName(SemanticModel model, int position) => FinishType.ToMinimalDisplayString(model, position);

    /// <summary>
    /// The one pool that <paramref name="body"/> rents from (<c>pool.TryRent(out ...)</c> on a field or property of
    /// the ops type, through <c>this.</c> or not) and that no other pool competes with; null when it rents from
    /// none, from several, from a pool in a local or another object's member, or when <paramref name="body"/>
    /// also creates a finish of the pool's type with <c>new</c> (a mixed start: which finishes are pooled is not
    /// known).
    /// </summary>
    public static PoolMember? RentedIn(SyntaxNode body, SemanticModel model, NotifierTypes types,
                                       CancellationToken cancellationToken)
    {
        var found = Called(body, model, types.PoolTryRent, cancellationToken);
        if (found is not null && body.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>().Any(creation =>
                model.GetTypeInfo(creation, cancellationToken).Type is { } created
                && SymbolEqualityComparer.Default.Equals(created, found.FinishType)))
        {
            return null;
        }

        return found;
    }

    /// <summary>
    /// The one pool member on which <paramref name="body"/> calls <paramref name="poolMethod"/> (<c>TryRent</c> or
    /// <c>Return</c> of the generic definition), through <c>this.</c> or not; null when there is none, several, or
    /// a call on a pool that is no field or property of the ops type.
    /// </summary>
    public static PoolMember? Called(SyntaxNode body, SemanticModel model, IMethodSymbol? poolMethod,
                                     CancellationToken cancellationToken)
    {
        PoolMember? found = null;
        foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax access
                || access.Name.Identifier.ValueText != poolMethod?.Name
                || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                || !NotifierTypes.Is(method.OriginalDefinition, poolMethod)
                || method.ContainingType is not { TypeArguments.Length: 1 } poolType
                || poolType.TypeArguments[0] is not INamedTypeSymbol finishType)
            {
                continue;
            }

            if (access.Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                || model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is not { } member
                || member is not (IFieldSymbol or IPropertySymbol))
            {
                return null;
            }

            if (found is not null && !SymbolEqualityComparer.Default.Equals(found.Member, member))
            {
                return null;
            }

            found = new PoolMember(member, finishType);
        }

        return found;
    }

    /// <summary>
    /// The one pool of <paramref name="finishType"/> finishes that <paramref name="type"/> holds in a field or
    /// property (its own or a base's) accessible at <paramref name="position"/>; null when it holds none or several.
    /// </summary>
    public static PoolMember? OfFinishType(INamedTypeSymbol type, INamedTypeSymbol finishType, NotifierTypes types,
                                           SemanticModel model, int position)
    {
        PoolMember? found = null;
        for (var t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, types.Ops); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                    IPropertySymbol { IsIndexer: false } property => property.Type,
                    _ => null,
                };
                if (!types.IsPoolType(memberType)
                    || memberType is not INamedTypeSymbol { TypeArguments.Length: 1 } poolType
                    || poolType.TypeArguments[0] is not INamedTypeSymbol pooled
                    || !SymbolEqualityComparer.Default.Equals(pooled, finishType))
                {
                    continue;
                }

                if (found is not null || !model.IsAccessible(position, member))
                {
                    return null;
                }

                found = new PoolMember(member, pooled);
            }
        }

        return found;
    }
}
