using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// Which lock members name one and the same lock object (docs/contract.md#locks), for the fixes that must take "the"
/// driver lock: the member each lock field or property stands for, its <see cref="Canonical"/> member.
/// <list type="bullet">
/// <item>A get-only property whose getter only returns a field of the same type and staticness (<c>=&gt; _lock</c>,
/// <c>get =&gt; _lock</c>, <c>get { return _lock; }</c>, <c>this._lock</c>) stands for that field.</item>
/// <item>A readonly field, or a get-only auto-property, assigned only by its own type's initializer and constructors,
/// each time with one and the same member (<c>_lock = device.NotifierLock;</c>), or with a constructor parameter for
/// which every creation of the type in the compilation (<c>new T(...)</c>, <c>: base(...)</c>, <c>: this(...)</c>)
/// passes one and the same member, stands for that member. Only when no other assembly can call those constructors (the
/// type or constructor is not public, or the compilation is an application): a caller the fix cannot see could pass
/// another lock.</item>
/// </list>
/// As everywhere in the lock model, a member stands for its objects of every instance (the lock of "the" device).
/// </summary>
internal sealed class SameLock
{
    private const int MaxChain = 8;

    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<ISymbol, ISymbol> _canonical = new(SymbolEqualityComparer.Default);
    private List<(SyntaxNode Node, SemanticModel Model)>? _creations;

    public SameLock(Compilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The member <paramref name="member"/> ultimately stands for (itself when it is no alias of another).</summary>
    public ISymbol Canonical(ISymbol member) => Follow(member.OriginalDefinition, 0, new HashSet<ISymbol>(SymbolEqualityComparer.Default));

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> name the same lock.</summary>
    public bool Same(ISymbol? left, ISymbol? right)
        => left is not null && right is not null && SymbolEqualityComparer.Default.Equals(Canonical(left), Canonical(right));

    /// <summary>Whether <paramref name="members"/> holds a member that names the same lock as <paramref name="member"/>.</summary>
    public bool Contains(IEnumerable<ISymbol> members, ISymbol member) => members.Any(m => Same(m, member));

    private ISymbol Follow(ISymbol member, int depth, HashSet<ISymbol> visiting)
    {
        if (_canonical.TryGetValue(member, out var known))
        {
            return known;
        }

        var result = member;
        if (depth < MaxChain && visiting.Add(member))
        {
            if ((GetterField(member) ?? CopiedMember(member)) is { } next)
            {
                result = Follow(next.OriginalDefinition, depth + 1, visiting);
            }

            visiting.Remove(member);
        }

        _canonical[member] = result;
        return result;
    }

    /// <summary>The field of the same type and staticness that a get-only property's getter only returns, else null.</summary>
    public IFieldSymbol? GetterField(ISymbol member)
    {
        if (member is not IPropertySymbol { IsIndexer: false, SetMethod: null, GetMethod: { } getter } property
            || getter.DeclaringSyntaxReferences.Length != 1
            || getter.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not { } syntax)
        {
            return null;
        }

        var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
        var body = model.GetOperation(syntax, _cancellationToken);
        var returns = body?.DescendantsAndSelf().OfType<IReturnOperation>().ToList();
        if (returns is not { Count: 1 } || returns[0].Parent is not IBlockOperation { Operations.Length: 1 }
            || returns[0].ReturnedValue is not IFieldReferenceOperation { Field: var field } reference
            || (!field.IsStatic && reference.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            || field.IsStatic != property.IsStatic
            || !SymbolEqualityComparer.Default.Equals(field.Type, property.Type))
        {
            return null;
        }

        return field;
    }

    /// <summary>
    /// The one member that a readonly field or get-only auto-property is assigned, directly or through a constructor
    /// parameter, wherever it is assigned (see the type's summary); null when there is no such member.
    /// </summary>
    private ISymbol? CopiedMember(ISymbol member)
    {
        var type = member switch
        {
            IFieldSymbol { IsReadOnly: true, IsImplicitlyDeclared: false } field => field.Type,
            IPropertySymbol { IsIndexer: false, SetMethod: null, GetMethod: not null } property when IsAutoProperty(property) => property.Type,
            _ => null,
        };
        if (type is not { IsReferenceType: true } || member.ContainingType is not { } owner)
        {
            return null;
        }

        ISymbol? copied = null;
        var any = false;
        foreach (var reference in owner.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(_cancellationToken);
            var model = _compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var node in declaration.DescendantNodes())
            {
                if (node is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } byReference
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(byReference.Expression, _cancellationToken).Symbol?.OriginalDefinition, member))
                {
                    return null; // written through a ref or out argument
                }

                var value = node switch
                {
                    AssignmentExpressionSyntax assignment when model.GetOperation(assignment, _cancellationToken) is IAssignmentOperation written
                                                             && written.Target.DescendantsAndSelf().Any(target => Names(target, member))
                        => written is ISimpleAssignmentOperation simple && Names(simple.Target, member)
                            ? simple.Value
                            : written, // a compound assignment or a deconstruction: no copy of a member
                    VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                        when SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator, _cancellationToken), member)
                        => (model.GetOperation(initializer, _cancellationToken) as IFieldInitializerOperation)?.Value,
                    PropertyDeclarationSyntax { Initializer: { } initializer } declared
                        when SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declared, _cancellationToken), member)
                        => (model.GetOperation(initializer, _cancellationToken) as IPropertyInitializerOperation)?.Value,
                    _ => null,
                };
                if (value is null)
                {
                    continue;
                }

                if (Source(value) is not { } source
                    || (copied is not null && !SymbolEqualityComparer.Default.Equals(copied, source)))
                {
                    return null; // something else than a member, or two different members
                }

                copied = source;
                any = true;
            }
        }

        return any ? copied : null;
    }

    /// <summary>The member <paramref name="value"/> names, directly or as a constructor parameter every creation fills with it.</summary>
    private ISymbol? Source(IOperation value)
    {
        var stripped = SkipConversions(value);
        switch (stripped)
        {
            case IFieldReferenceOperation field:
                return field.Field.OriginalDefinition;
            case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                return property.Property.OriginalDefinition;
            case IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor } parameter }
                when parameter.RefKind == RefKind.None && !IsWrittenIn(constructor, parameter) && !IsInLambda(stripped):
                return PassedByEveryCreation(constructor, parameter);
            default:
                return null;
        }
    }

    /// <summary>The member every call of <paramref name="constructor"/> passes for <paramref name="parameter"/>; null when one passes anything else, or callers may be unseen.</summary>
    private ISymbol? PassedByEveryCreation(IMethodSymbol constructor, IParameterSymbol parameter)
    {
        if (!OnlyThisCompilationCalls(constructor))
        {
            return null;
        }

        ISymbol? passed = null;
        foreach (var (node, model) in Creations())
        {
            var operation = model.GetOperation(node, _cancellationToken);
            var (target, arguments) = operation switch
            {
                IObjectCreationOperation creation => (creation.Constructor, creation.Arguments),
                IInvocationOperation invocation => (invocation.TargetMethod, invocation.Arguments),
                _ => (null, default),
            };
            if (target is null || !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, constructor.OriginalDefinition))
            {
                continue;
            }

            var argument = arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter?.OriginalDefinition, parameter.OriginalDefinition));
            var member = SkipConversions(argument?.Value) switch
            {
                IFieldReferenceOperation field => field.Field.OriginalDefinition,
                IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Property.OriginalDefinition,
                _ => (ISymbol?)null,
            };
            if (member is null || (passed is not null && !SymbolEqualityComparer.Default.Equals(passed, member)))
            {
                return null;
            }

            passed = member;
        }

        return passed;
    }

    private bool OnlyThisCompilationCalls(IMethodSymbol constructor) => OnlyThisCompilationReaches(_compilation, constructor);

    /// <summary>
    /// Whether no other assembly can use <paramref name="member"/> (call it, write it): it or a type that contains it is
    /// not public, or the compilation is an application.
    /// </summary>
    public static bool OnlyThisCompilationReaches(Compilation compilation, ISymbol member)
    {
        if (compilation.Options.OutputKind is not (OutputKind.DynamicallyLinkedLibrary or OutputKind.NetModule or OutputKind.WindowsRuntimeMetadata))
        {
            return true;
        }

        for (ISymbol? symbol = member; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every object creation and constructor initializer of the compilation, found once.</summary>
    private List<(SyntaxNode Node, SemanticModel Model)> Creations()
    {
        if (_creations is { } known)
        {
            return known;
        }

        var found = new List<(SyntaxNode, SemanticModel)>();
        foreach (var tree in _compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var node in tree.GetRoot(_cancellationToken).DescendantNodes())
            {
                if (node is BaseObjectCreationExpressionSyntax or ConstructorInitializerSyntax)
                {
                    found.Add((node, model ??= _compilation.GetSemanticModel(tree)));
                }
            }
        }

        _creations = found;
        return found;
    }

    private bool IsWrittenIn(IMethodSymbol constructor, IParameterSymbol parameter)
    {
        foreach (var reference in constructor.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(_cancellationToken);
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
            if (model.GetOperation(syntax, _cancellationToken) is not { } body)
            {
                return true;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, parameter)
                    && (p.Parent is IAssignmentOperation assignment && assignment.Target == p
                        || p.Parent is IIncrementOrDecrementOperation
                        || p.Parent is IArgumentOperation { Parameter.RefKind: not RefKind.None }))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsInLambda(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Names(IOperation target, ISymbol member) => target switch
    {
        IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field.OriginalDefinition, member),
        IPropertyReferenceOperation property => SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, member),
        _ => false,
    };

    /// <summary>Whether <paramref name="property"/> is an auto-property (it has a compiler-generated backing field).</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
        => property.ContainingType.GetMembers().OfType<IFieldSymbol>()
                   .Any(field => SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property));

    private static IOperation? SkipConversions(IOperation? operation)
    {
        while (operation is IConversionOperation { Conversion.IsIdentity: true } or IConversionOperation { Conversion.IsImplicit: true, Conversion.IsReference: true })
        {
            operation = ((IConversionOperation)operation).Operand;
        }

        return operation;
    }
}
