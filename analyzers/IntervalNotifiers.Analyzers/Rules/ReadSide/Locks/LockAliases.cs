using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>
/// Names of one lock object (NTF010's "same lock", docs/rules/NTF010.md): a property whose getter only returns a field of its type
/// (<c>public object NotifierLock => _notifierLock;</c>) names that field; a field or property of source whose
/// every assignment in the compilation (initializer, constructor, elsewhere) copies one and the same field or
/// property (<c>_lock = device.NotifierLock;</c>) names what it copies. Asked at the compilation's end, and only for
/// the members NTF010 compares.
/// </summary>
/// <remarks>
/// A member's assignments are found when it is first asked about, not recorded while the compilation is analyzed: a
/// compilation-wide assignment action made the driver build the operation tree of every body of every project that
/// references the runtime, most of which never compare a lock. The search reads the places that can name the member
/// (its type's declarations when it is private, every file otherwise) for its name, and binds only those
/// (<c>SemanticModel.GetOperation</c> of the assignment or initializer): the same simple assignments, field and property
/// initializers the action saw. A file that holds a <c>\u</c> escape is read token by token (an escape may spell the name).
/// </remarks>
internal sealed class LockAliases
{
    private const int MaxChain = 8;

    private readonly Compilation _compilation;

    /// <summary>The compilation's own assembly: only its members are declared in source.</summary>
    private readonly IAssemblySymbol _source;

    /// <summary>Per member asked about: the one member every assignment copies, or null (no alias).</summary>
    private readonly Dictionary<ISymbol, ISymbol?> _copies = new(SymbolEqualityComparer.Default);

    /// <summary>Each file's text, read once for every name searched.</summary>
    private readonly Dictionary<SyntaxTree, string> _texts = new();

    public LockAliases(Compilation compilation)
    {
        _compilation = compilation;
        _source = compilation.Assembly;
    }

    /// <summary>
    /// The member that every assignment of <paramref name="target"/> copies (null when one assigns anything else, two copy
    /// different members, or none is found). Single-threaded: NTF010's compilation end.
    /// </summary>
    private ISymbol? CopyOf(ISymbol target)
    {
        if (_copies.TryGetValue(target, out var known))
        {
            return known;
        }

        var type = target switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        // Only reference-typed members of source can hold a lock object.
        ISymbol? copied = null;
        if (type is not null && !type.IsValueType && type.SpecialType != SpecialType.System_String
            && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _source) && !target.IsImplicitlyDeclared)
        {
            copied = FindCopy(target);
        }

        _copies[target] = copied;
        return copied;
    }

    private ISymbol? FindCopy(ISymbol target)
    {
        ISymbol? copied = null;
        foreach (var (tree, span) in PlacesThatCanName(target))
        {
            var root = tree.GetRoot();
            SemanticModel? model = null;
            foreach (var token in Mentions(tree, root, span, target.Name))
            {
                if (AssignedValue(token, target, model ??= _compilation.GetSemanticModel(tree)) is not var (assigned, value) || !assigned)
                {
                    continue;
                }

                if (value is null || copied is not null && !SymbolEqualityComparer.Default.Equals(copied, value))
                {
                    return null; // assigned something that is no member, or two different members
                }

                copied = value;
            }
        }

        return copied;
    }

    /// <summary>The declarations of a private member's type (nested types included), or every file.</summary>
    private IEnumerable<(SyntaxTree Tree, TextSpan Span)> PlacesThatCanName(ISymbol target)
    {
        if (target.DeclaredAccessibility == Accessibility.Private && target.ContainingType is { } containing)
        {
            foreach (var reference in containing.DeclaringSyntaxReferences)
            {
                yield return (reference.SyntaxTree, reference.Span);
            }

            yield break;
        }

        foreach (var tree in _compilation.SyntaxTrees)
        {
            yield return (tree, new TextSpan(0, tree.Length));
        }
    }

    /// <summary>The identifier tokens in <paramref name="span"/> whose value is <paramref name="name"/>.</summary>
    private IEnumerable<SyntaxToken> Mentions(SyntaxTree tree, SyntaxNode root, TextSpan span, string name)
    {
        if (!_texts.TryGetValue(tree, out var text))
        {
            _texts[tree] = text = tree.GetText().ToString();
        }

        if (text.IndexOf("\\u", System.StringComparison.OrdinalIgnoreCase) >= 0)
        {
            foreach (var token in root.DescendantTokens(span))
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
                {
                    yield return token;
                }
            }

            yield break;
        }

        for (var at = text.IndexOf(name, span.Start, span.Length, System.StringComparison.Ordinal);
             at >= 0 && at < span.End;
             at = at + name.Length >= span.End ? -1 : text.IndexOf(name, at + name.Length, span.End - at - name.Length, System.StringComparison.Ordinal))
        {
            var token = root.FindToken(at);
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name && token.Span.Contains(at))
            {
                yield return token;
            }
        }
    }

    /// <summary>
    /// When <paramref name="token"/> names <paramref name="target"/> as what a simple assignment, a field initializer or a
    /// property initializer assigns: (true, the member the value copies, or null). Otherwise null.
    /// </summary>
    private static (bool Assigned, ISymbol? Value)? AssignedValue(SyntaxToken token, ISymbol target, SemanticModel model)
    {
        switch (token.Parent)
        {
            case VariableDeclaratorSyntax { Initializer: { } initializer } declarator when declarator.Identifier == token:
                return model.GetOperation(initializer) is IFieldInitializerOperation fieldInitializer
                       && Contains(fieldInitializer.InitializedFields, target)
                    ? (true, Named(fieldInitializer.Value))
                    : null;
            case PropertyDeclarationSyntax { Initializer: { } initializer } declaration when declaration.Identifier == token:
                return model.GetOperation(initializer) is IPropertyInitializerOperation propertyInitializer
                       && Contains(propertyInitializer.InitializedProperties, target)
                    ? (true, Named(propertyInitializer.Value))
                    : null;
            case SimpleNameSyntax name:
                ExpressionSyntax named = name;
                if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
                {
                    named = access;
                }
                else if (name.Parent is MemberBindingExpressionSyntax binding)
                {
                    named = binding;
                }

                return named.Parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                       && assignment.Left == named
                       && model.GetOperation(assignment) is ISimpleAssignmentOperation simple
                       && Named(simple.Target) is { } assigned && SymbolEqualityComparer.Default.Equals(assigned, target)
                    ? (true, Named(simple.Value))
                    : null;
            default:
                return null;
        }
    }

    private static bool Contains<T>(System.Collections.Immutable.ImmutableArray<T> members, ISymbol target)
        where T : ISymbol
    {
        foreach (var member in members)
        {
            if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, target))
            {
                return true;
            }
        }

        return false;
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
            if (next is null && CopyOf(current) is { } copied)
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
