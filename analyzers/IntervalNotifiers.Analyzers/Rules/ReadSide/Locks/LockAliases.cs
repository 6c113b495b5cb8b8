using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>
/// Names of one lock object (NTF010's "same lock", docs/rules/NTF010.md): a property whose getter only returns a field of its type
/// (<c>public object NotifierLock => _notifierLock;</c>) names that field; a field or property of source whose
/// every assignment in the compilation (initializer, constructor, elsewhere) copies one and the same field or
/// property (<c>_lock = device.NotifierLock;</c>) names what it copies. Collected over the whole compilation,
/// read at its end.
/// </summary>
internal sealed class LockAliases
{
    private const int MaxChain = 8;

    /// <summary>Per member assigned a copy of another: the member it copies, or null once it copies two different ones.</summary>
    private readonly ConcurrentDictionary<ISymbol, ISymbol?> _copies = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Members assigned something that is no member (a new object, a call...): most assignments. They are only queued
    /// (no hashing while the compilation is analyzed) and cancel the copies above when the aliases are first read.
    /// </summary>
    private readonly ConcurrentQueue<ISymbol> _assignedOtherwise = new();

    private Dictionary<ISymbol, ISymbol>? _aliases;

    /// <summary>The compilation's own assembly: only its members are declared in source.</summary>
    private readonly IAssemblySymbol _source;

    public LockAliases(IAssemblySymbol source) => _source = source;

    /// <summary>Records an assignment, field or property initializer of a field or property.</summary>
    public void OnOperation(OperationAnalysisContext context)
    {
        switch (context.Operation)
        {
            case ISimpleAssignmentOperation assignment:
                if (Named(assignment.Target) is { } target)
                {
                    Record(target, Named(assignment.Value));
                }

                break;
            case IFieldInitializerOperation initializer:
                foreach (var field in initializer.InitializedFields)
                {
                    Record(field.OriginalDefinition, Named(initializer.Value));
                }

                break;
            case IPropertyInitializerOperation initializer:
                foreach (var property in initializer.InitializedProperties)
                {
                    Record(property.OriginalDefinition, Named(initializer.Value));
                }

                break;
        }
    }

    private void Record(ISymbol target, ISymbol? source)
    {
        var type = target switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        // Only reference-typed members of source can hold a lock object (the assembly test, unlike Locations, allocates nothing).
        if (type is null || type.IsValueType || type.SpecialType == SpecialType.System_String
            || !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _source) || target.IsImplicitlyDeclared)
        {
            return;
        }

        if (source is null)
        {
            _assignedOtherwise.Enqueue(target);
            return;
        }

        // AddOrUpdate without a closure: a second, different copy turns the entry into null (no alias).
        while (true)
        {
            if (!_copies.TryGetValue(target, out var previous))
            {
                if (_copies.TryAdd(target, source))
                {
                    return;
                }

                continue;
            }

            var merged = previous is not null && SymbolEqualityComparer.Default.Equals(previous, source) ? previous : null;
            if (ReferenceEquals(merged, previous) || _copies.TryUpdate(target, merged, previous))
            {
                return;
            }
        }
    }

    /// <summary>
    /// The members that copy one and the same member in every assignment, built once when first asked for (at the
    /// compilation's end, after every assignment was recorded; single-threaded there).
    /// </summary>
    private Dictionary<ISymbol, ISymbol> Aliases()
    {
        if (_aliases is { } known)
        {
            return known;
        }

        var aliases = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
        foreach (var pair in _copies)
        {
            if (pair.Value is not null)
            {
                aliases[pair.Key] = pair.Value;
            }
        }

        if (aliases.Count > 0)
        {
            foreach (var member in _assignedOtherwise)
            {
                aliases.Remove(member);
            }
        }

        _aliases = aliases;
        return aliases;
    }

    private static ISymbol? Named(IOperation? operation) => ReadSideOperations.StripConversions(operation) switch
    {
        IFieldReferenceOperation field => field.Field.OriginalDefinition,
        IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Property.OriginalDefinition,
        _ => null,
    };

    /// <summary>The member that <paramref name="symbol"/> ultimately names (itself when it is no alias).</summary>
    public ISymbol Canonical(ISymbol symbol)
    {
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var current = symbol;
        for (var i = 0; i < MaxChain && seen.Add(current); i++)
        {
            ISymbol? next = current is IPropertySymbol property ? GetterField(property) : null;
            if (next is null && Aliases().TryGetValue(current, out var copied))
            {
                next = copied;
            }

            if (next is null)
            {
                break;
            }

            current = next;
        }

        return current;
    }

    /// <summary>The field of the property's type that its getter only returns (<c>=> _f</c>, <c>get => _f</c>, <c>get { return _f; }</c>).</summary>
    private static IFieldSymbol? GetterField(IPropertySymbol property)
    {
        if (property.IsIndexer || property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax declaration)
        {
            return null;
        }

        ExpressionSyntax? returned = declaration.ExpressionBody?.Expression;
        if (returned is null && declaration.AccessorList is { } accessors)
        {
            foreach (var accessor in accessors.Accessors)
            {
                if (accessor.Keyword.ValueText != "get")
                {
                    continue;
                }

                returned = accessor.ExpressionBody?.Expression
                           ?? (accessor.Body is { Statements: { Count: 1 } statements } && statements[0] is ReturnStatementSyntax ret ? ret.Expression : null);
            }
        }

        if (returned is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access)
        {
            returned = access.Name;
        }

        if (returned is not IdentifierNameSyntax identifier)
        {
            return null;
        }

        foreach (var member in property.ContainingType.GetMembers(identifier.Identifier.ValueText))
        {
            if (member is IFieldSymbol field && field.IsStatic == property.IsStatic)
            {
                return (IFieldSymbol)field.OriginalDefinition;
            }
        }

        return null;
    }
}
