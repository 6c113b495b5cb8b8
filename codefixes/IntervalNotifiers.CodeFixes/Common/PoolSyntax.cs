using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

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

/// <summary>
/// Where the finishes a start hands out through its <c>out</c> parameter come from, as far as its own body shows
/// (docs/contract.md#what-a-fix-leaves-behind): every value the method stores in the parameter (directly, or through
/// locals it follows) is null, a <c>new</c> object, a local a <c>pool.TryRent(out ...)</c> rented, or something
/// else. A fix that clears the parameter must give back what it rents: it asks this which pool that is.
/// </summary>
internal sealed class HandedOutFinishes
{
    private readonly SemanticModel _model;
    private readonly NotifierTypes _types;
    private readonly IOperation _body;
    private readonly CancellationToken _cancellationToken;
    private readonly List<IInvocationOperation> _rents = new();
    private readonly List<ITypeSymbol> _created = new();
    private readonly HashSet<ILocalSymbol> _followed = new(SymbolEqualityComparer.Default);
    private bool _other;

    private HandedOutFinishes(SemanticModel model, NotifierTypes types, IOperation body, CancellationToken cancellationToken)
    {
        _model = model;
        _types = types;
        _body = body;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Whether some value handed out is provably a finish rented by <c>TryRent</c>.</summary>
    public bool Rented => _rents.Count > 0;

    /// <summary>
    /// The pool every rented finish comes from, when it is certain: one pool (a field or property of <c>this</c>, its
    /// base, or a static one) named the same way at <paramref name="position"/>, and nothing else handed out that
    /// could pass for one of its finishes (a <c>new</c> object of its finish type or a type derived from it, or a
    /// value of unknown origin). Null when nothing is rented, or when the pool is not certain.
    /// </summary>
    public RentedPool? Pool(int position)
    {
        if (_rents.Count == 0 || _other)
        {
            return null;
        }

        RentedPool? found = null;
        foreach (var rent in _rents)
        {
            if (RentedPool.Of(rent, _model, position) is not { } pool
                || (found is not null && !SymbolEqualityComparer.Default.Equals(found.Member, pool.Member)))
            {
                return null;
            }

            found = pool;
        }

        foreach (var created in _created)
        {
            // A new finish that may also be one of the pool's type: 'finish is T' could not tell which one reached
            // the return, and giving back a finish the pool never rented is not the fix's call.
            if (found!.Pooled is ITypeParameterSymbol || created is ITypeParameterSymbol
                || IsOrDerivesFrom(created, found.Pooled))
            {
                return null;
            }
        }

        return found;
    }

    private static bool IsOrDerivesFrom(ITypeSymbol type, ITypeSymbol pooled)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, pooled))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What <paramref name="method"/> (a start's declaration) stores in its out parameter <paramref name="parameterName"/>.</summary>
    public static HandedOutFinishes? Of(BaseMethodDeclarationSyntax method, string parameterName, SemanticModel model,
                                        NotifierTypes types, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol
            || symbol.Parameters.FirstOrDefault(p => p.Name == parameterName && p.RefKind == RefKind.Out) is not { } parameter
            || model.GetOperation(method, cancellationToken) is not { } body)
        {
            return null;
        }

        var result = new HandedOutFinishes(model, types, body, cancellationToken);
        foreach (var operation in body.Descendants())
        {
            if (operation is IParameterReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
            {
                result.Written(reference);
            }
        }

        return result;
    }

    /// <summary>Follows one reference to the parameter or a followed local when it writes it.</summary>
    private void Written(IOperation reference)
    {
        var child = reference;
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IDeclarationExpressionOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == child:
                Value(assignment.Value);
                break;
            case IAssignmentOperation assignment when assignment.Target == child:
            case IDeconstructionAssignmentOperation:
            case IIncrementOrDecrementOperation:
            case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref }:
                _other = true; // ??=, a deconstruction, a call that writes it: not followed
                break;
            case ITupleOperation { Parent: IDeconstructionAssignmentOperation }:
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: true } }:
                _other = true;
                break;
        }
    }

    /// <summary>Classifies one value stored in the parameter or in a followed local.</summary>
    private void Value(IOperation value)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        value = OperationFacts.StripConversions(value);
        switch (value)
        {
            case { ConstantValue: { HasValue: true, Value: null } }:
            case IDefaultValueOperation:
                break;
            case IObjectCreationOperation or ITypeParameterObjectCreationOperation when value.Type is { } type:
                _created.Add(type);
                break;
            case IConditionalOperation conditional when conditional.WhenFalse is not null:
                Value(conditional.WhenTrue);
                Value(conditional.WhenFalse);
                break;
            case ICoalesceOperation coalesce:
                Value(coalesce.Value);
                Value(coalesce.WhenNull);
                break;
            case ISimpleAssignmentOperation assignment:
                Value(assignment.Value);
                break;
            case ILocalReferenceOperation local when !local.Local.IsRef:
                Local(local.Local);
                break;
            default:
                _other = true;
                break;
        }
    }

    /// <summary>Every value a local receives: from initializers, assignments, <c>TryRent</c>; anything else is other.</summary>
    private void Local(ILocalSymbol local)
    {
        if (!_followed.Add(local))
        {
            return;
        }

        var declared = false;
        foreach (var operation in _body.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.Parent is not IVariableDeclarationOperation declaration)
                    {
                        _other = true; // a foreach or catch variable: not followed
                        break;
                    }

                    declared = true;
                    if ((declarator.Initializer ?? declaration.Initializer) is { } initializer)
                    {
                        Value(initializer.Value);
                    }

                    break;

                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    var argument = reference.Parent as IArgumentOperation
                                   ?? (reference.Parent as IDeclarationExpressionOperation)?.Parent as IArgumentOperation;
                    if (argument?.Parent is IInvocationOperation rent && IsRent(argument, rent))
                    {
                        declared = true;
                        _rents.Add(rent);
                    }
                    else
                    {
                        declared |= reference.Parent is IDeclarationExpressionOperation;
                        Written(reference);
                    }

                    break;
            }
        }

        if (!declared)
        {
            _other = true; // a pattern variable: not followed
        }
    }

    private bool IsRent(IArgumentOperation argument, IInvocationOperation invocation)
        => argument.Parameter?.RefKind == RefKind.Out
           && NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent)
           && !OperationFacts.IsInsideFunction(invocation);
}
/// <summary>A pool a <c>TryRent</c> call rents from, named as code at one position of the ops type writes it.</summary>
internal sealed class RentedPool
{
    private RentedPool(ISymbol member, ITypeSymbol pooled, string name)
    {
        Member = member;
        Pooled = pooled;
        Name = name;
    }

    /// <summary>The field or property that holds the pool.</summary>
    public ISymbol Member { get; }

    /// <summary>The pool's <c>T</c> (a class, a generic instantiation or a type parameter).</summary>
    public ITypeSymbol Pooled { get; }

    /// <summary>The expression that names the pool at the position asked for.</summary>
    public string Name { get; }

    /// <summary>The pooled type as written at <paramref name="position"/>.</summary>
    public string PooledTypeName(SemanticModel model, int position) => Pooled.ToMinimalDisplayString(model, position);

    /// <summary>
    /// The pool <paramref name="rent"/> (a <c>TryRent</c> call) rents from, when it is a field or property of the ops
    /// type or a base (through <c>this.</c>, <c>base.</c> or nothing) or a static one, and its name means the same
    /// member at <paramref name="position"/>; null for a pool in a local, an indexer, or another object's member.
    /// </summary>
    public static RentedPool? Of(IInvocationOperation rent, SemanticModel model, int position)
    {
        if (rent.TargetMethod.ContainingType is not { TypeArguments.Length: 1 } poolType)
        {
            return null;
        }

        var (member, instance) = rent.Instance is null ? (null, null) : OperationFacts.StripConversions(rent.Instance) switch
        {
            IFieldReferenceOperation field => ((ISymbol?)field.Field, field.Instance),
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => (property.Property, property.Instance),
            _ => (null, null),
        };
        if (member is null)
        {
            return null;
        }

        if (member.IsStatic)
        {
            var type = member.ContainingType.ToMinimalDisplayString(model, position);
            var name = SyntaxHelpers.Escape(member.Name);
            return new RentedPool(member, poolType.TypeArguments[0],
                                  BindsTo(model, position, member) ? name : type + "." + name);
        }

        if (instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        {
            return null; // another object's pool: the same expression may name another pool by then
        }

        return BindsTo(model, position, member)
            ? new RentedPool(member, poolType.TypeArguments[0], SyntaxHelpers.Escape(member.Name))
            : null;
    }

    /// <summary>Whether the simple name of <paramref name="member"/> means that member at <paramref name="position"/>.</summary>
    private static bool BindsTo(SemanticModel model, int position, ISymbol member)
    {
        var found = model.LookupSymbols(position, name: member.Name);
        return found.Length == 1 && SymbolEqualityComparer.Default.Equals(found[0].OriginalDefinition, member.OriginalDefinition);
    }
}
