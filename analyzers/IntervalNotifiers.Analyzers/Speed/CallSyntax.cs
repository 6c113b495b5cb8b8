using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// A syntax-only proof that a source method's own summary (<see cref="SourceCalls.Compute"/>) is empty: its body
/// calls neither <c>Remove</c> / <c>ReadBegin</c> nor any method declared in source. Such a method is never bound
/// (no semantic model, no operation tree) to learn what it calls. The usual case is a device's helper that a callback
/// calls (<c>device.Unmap(start, end)</c>), whose body calls only the framework (<c>Dictionary.Remove</c>, LINQ).
/// The same reading (<see cref="Read"/>, once per method) gives the names of the source methods a body may call, which
/// <see cref="CallSummaries"/> follows by name to spare binding helpers that only call other such helpers.
/// </summary>
/// <remarks>
/// What it skips: binding and walking the body of a method that a callback calls when that body can reach nothing.
/// Invariant that keeps it consistent: every call the summary counts is spelled in the method's declaration, by name:
/// an invocation (<c>x.Name(...)</c>, <c>Name(...)</c>, <c>x?.Name(...)</c>), or one the compiler adds for a
/// collection initializer or collection expression (<c>Add</c>), a query (<c>Select</c>, <c>Where</c>, ...), an
/// interpolated string handler (<c>AppendLiteral</c>, <c>AppendFormatted</c>) or a <c>fixed</c> statement
/// (<c>GetPinnableReference</c>). A followed method is declared in source, so its name is a member name of a source
/// type (<see cref="SourceMemberNames"/>); a target is an instance method of <c>IntervalNotifier</c>, so a call of that
/// name counts unless its receiver's type, resolved from declarations only (a field, a property, a parameter of the
/// method, <c>this</c>), surely is no notifier, or it passes more arguments than any target takes. Anything the
/// proof cannot read (another call shape, a local, a cast, a name it cannot resolve) counts as a call, and the
/// method is bound as before: the answer errs towards "may call". Calls inside a lambda or an anonymous method are not
/// read: a summary never counts them (<see cref="OperationFacts.IsDeferred"/>). For the search by name, each called name
/// keeps what its calls' receivers let it bind to (<see cref="CallReceivers"/>, <see cref="MayBind"/>): the static type of
/// a value read as above, or the source types a simple name may name when it is declared nowhere the proof looks and no
/// using static directive or alias of that name applies (a framework type such as <c>Volatile</c> names none).
/// </remarks>
internal sealed class CallSyntax
{
    /// <summary>The methods the compiler calls for a query expression (C# spec, "query expression translation").</summary>
    private static readonly string[] QueryMethods =
    {
        "Select", "SelectMany", "Where", "Join", "GroupJoin", "OrderBy", "OrderByDescending", "ThenBy",
        "ThenByDescending", "GroupBy", "Cast",
    };

    private static readonly string[] InterpolationMethods = { "AppendLiteral", "AppendFormatted" };

    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly HashSet<string> _targetNames = new(StringComparer.Ordinal);
    private readonly int _targetArguments;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, SyntaxCalls> _read = new(SymbolEqualityComparer.Default);

    // Whether a name is declared in source (every member name of the declaration table, gathered at the first question).
    private readonly SourceMemberNames _memberNames;

    // The source types by simple name, nested ones included (asked for at type-name receivers).
    private readonly SourceTypeIndex _typesNamed;

    /// <summary>The proof for <paramref name="compilation"/>, whose <paramref name="types"/> name the targets (one per <see cref="CallSummaries"/>).</summary>
    public CallSyntax(Compilation compilation, NotifierTypes types)
    {
        _compilation = compilation;
        _types = types;
        _memberNames = new SourceMemberNames(compilation);
        _typesNamed = new SourceTypeIndex(compilation, static type => new[] { type.Name });
        var targets = new List<IMethodSymbol>(types.Remove);
        foreach (var name in new[] { "ReadBegin", "ReadBeginAsync" })
        {
            foreach (var member in types.Notifier.GetMembers(name))
            {
                if (member is IMethodSymbol method)
                {
                    targets.Add(method);
                }
            }
        }

        foreach (var target in targets)
        {
            _targetNames.Add(target.Name);
            var parameters = target.Parameters;
            _targetArguments = target.IsVararg || parameters.Length > 0 && parameters[parameters.Length - 1].IsParams
                ? int.MaxValue
                : Math.Max(_targetArguments, parameters.Length);
        }
    }

    /// <summary>Whether a member name is declared in source, and by which source types (shared with <see cref="CallSummaries"/>).</summary>
    public SourceMemberNames MemberNames => _memberNames;

    /// <summary>
    /// False when <paramref name="method"/>'s declarations surely call no target and no source method (its summary is
    /// empty); true when they may.
    /// </summary>
    public bool MayCall(IMethodSymbol method, CancellationToken cancellationToken)
        => Read(method, cancellationToken) is var calls && (calls.MayCallTarget || calls.CalledNames.Length > 0);

    /// <summary>
    /// What <paramref name="method"/>'s declarations may call, read from their syntax once per method: whether they may
    /// call a target (or make a call the proof cannot read), and the names of the source methods they may call.
    /// </summary>
    public SyntaxCalls Read(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_read.TryGetValue(method, out var known))
        {
            return known;
        }

        var names = new Dictionary<string, CallReceivers?>(StringComparer.Ordinal);
        var mayCallTarget = false;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            if (_compilation.ContainsSyntaxTree(declaration.SyntaxTree) && ReadIn(declaration, method, names, cancellationToken))
            {
                mayCallTarget = true;
                break; // the names matter only when no target may be called
            }
        }

        var calls = mayCallTarget || names.Count == 0 ? new SyntaxCalls(mayCallTarget, Array.Empty<string>(), null) : ToCalls(names);
        return _read.GetOrAdd(method, calls);
    }

    private static SyntaxCalls ToCalls(Dictionary<string, CallReceivers?> names)
    {
        var called = new string[names.Count];
        CallReceivers?[]? receivers = null;
        var i = 0;
        foreach (var pair in names)
        {
            called[i] = pair.Key;
            if (pair.Value is { } known)
            {
                (receivers ??= new CallReceivers?[names.Count])[i] = known;
            }

            i++;
        }

        return new SyntaxCalls(false, called, receivers);
    }

    /// <summary>
    /// Adds to <paramref name="names"/> the source names that <paramref name="declaration"/> may call; true (and stops)
    /// when it may call a target or makes a call the proof cannot read.
    /// </summary>
    private bool ReadIn(SyntaxNode declaration, IMethodSymbol method, Dictionary<string, CallReceivers?> names,
                        CancellationToken cancellationToken)
    {
        // Every node below the declaration, in no particular order, through a stack reused by the thread's next walk
        // rather than DescendantNodes' nested iterators.
        var pending = t_pending ?? new Stack<SyntaxNode>();
        t_pending = null; // a walk nested in this one (none today) would get a stack of its own
        try
        {
            pending.Push(declaration);
            while (pending.Count > 0)
            {
                foreach (var child in pending.Pop().ChildNodesAndTokens())
                {
                    if (child.AsNode() is { } node)
                    {
                        if (node is AnonymousFunctionExpressionSyntax)
                        {
                            continue; // its calls run when its delegate is invoked, which a summary never counts (OperationFacts.IsDeferred)
                        }

                        if (ReadAt(node, declaration, method, names, cancellationToken))
                        {
                            return true;
                        }

                        pending.Push(node);
                    }
                }
            }

            return false;
        }
        finally
        {
            pending.Clear();
            t_pending = pending;
        }
    }

    [ThreadStatic]
    private static Stack<SyntaxNode>? t_pending;

    /// <summary>Reads one node (see <see cref="ReadIn"/>): the call it spells, or the calls the compiler adds for it.</summary>
    private bool ReadAt(SyntaxNode node, SyntaxNode declaration, IMethodSymbol method, Dictionary<string, CallReceivers?> names,
                        CancellationToken cancellationToken)
    {
        switch (node)
        {
            case InvocationExpressionSyntax invocation:
                if (MayCallTargetAt(invocation, declaration, method, out var name, out var receiver))
                {
                    return true;
                }

                AddIfSourceName(name!, names, cancellationToken, receiver, declaration, method);
                break;
            case InitializerExpressionSyntax initializer when initializer.IsKind(SyntaxKind.CollectionInitializerExpression):
            case CollectionExpressionSyntax:
                AddIfSourceName("Add", names, cancellationToken);
                break;
            case QueryExpressionSyntax:
                AddIfSourceName(QueryMethods, names, cancellationToken);
                break;
            case InterpolatedStringExpressionSyntax:
                AddIfSourceName(InterpolationMethods, names, cancellationToken);
                break;
            case FixedStatementSyntax:
                AddIfSourceName("GetPinnableReference", names, cancellationToken);
                break;
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> may call a target, or is a call the proof cannot read; otherwise the name
    /// it calls in <paramref name="calledName"/>.
    /// </summary>
    private bool MayCallTargetAt(InvocationExpressionSyntax invocation, SyntaxNode declaration, IMethodSymbol method,
                                 out string? calledName, out ExpressionSyntax? receiver)
    {
        calledName = null;
        receiver = null;
        SimpleNameSyntax? name;
        var implicitReceiver = false;
        switch (invocation.Expression)
        {
            case SimpleNameSyntax simple:
                name = simple;
                receiver = null;
                implicitReceiver = true;
                break;
            case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                name = access.Name;
                receiver = access.Expression;
                break;
            case MemberBindingExpressionSyntax binding:
                name = binding.Name;
                receiver = ReceiverOf(binding);
                break;
            default:
                return true; // another shape (a pointer member access, a parenthesized or computed callee): not read
        }

        calledName = name.Identifier.ValueText;
        return _targetNames.Contains(calledName) && invocation.ArgumentList.Arguments.Count <= _targetArguments
               && (implicitReceiver
                   ? AnyContainingTypeMayBeNotifier(method.ContainingType)
                   : MayBeNotifier(receiver is null ? null : TypeOf(receiver, declaration, method)));
    }

    private bool AnyContainingTypeMayBeNotifier(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (MayBeNotifier(t))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a value of static type <paramref name="type"/> (null: unknown) may have <c>IntervalNotifier</c>'s methods.</summary>
    private bool MayBeNotifier(ITypeSymbol? type)
    {
        switch (type)
        {
            case null:
            case ITypeParameterSymbol:
            case IDynamicTypeSymbol:
            case IErrorTypeSymbol:
                return true;
            case INamedTypeSymbol named when named.TypeKind == TypeKind.Class:
                return NotifierTypes.InBaseChain(named, _types.Notifier);
            case INamedTypeSymbol named:
                return named.TypeKind == TypeKind.Error;
            default:
                return false; // arrays, pointers
        }
    }

    /// <summary>
    /// The static type of <paramref name="expression"/> when the declarations alone give it: <c>this</c>, <c>base</c>,
    /// a field or property (of this type, or of a resolved receiver), a parameter of <paramref name="method"/>;
    /// otherwise null.
    /// </summary>
    private ITypeSymbol? TypeOf(ExpressionSyntax expression, SyntaxNode declaration, IMethodSymbol method)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return TypeOf(parenthesized.Expression, declaration, method);
            case ThisExpressionSyntax:
                return method.ContainingType;
            case BaseExpressionSyntax:
                return method.ContainingType?.BaseType;
            case IdentifierNameSyntax identifier:
                return TypeOfName(identifier.Identifier.ValueText, declaration, method);
            case MemberBindingExpressionSyntax { Name: IdentifierNameSyntax member } binding:
                return ReceiverOf(binding) is { } receiver && TypeOf(receiver, declaration, method) is { } owner
                    ? MemberType(owner, member.Identifier.ValueText, method)
                    : null;
            case MemberAccessExpressionSyntax { Name: IdentifierNameSyntax member } access
                when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                return TypeOf(access.Expression, declaration, method) is { } bound
                    ? MemberType(bound, member.Identifier.ValueText, method)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The receiver of <c>.Name</c> in <c>receiver?.Name</c> (or of the same inside a longer chain after <c>?.</c>).</summary>
    private static ExpressionSyntax? ReceiverOf(MemberBindingExpressionSyntax binding)
    {
        SyntaxNode node = binding;
        for (var parent = binding.Parent; parent is not null; node = parent, parent = parent.Parent)
        {
            if (parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == node)
            {
                return conditional.Expression;
            }
        }

        return null;
    }

    /// <summary>The type of a simple name used in <paramref name="method"/>: one of its parameters, or a member of its types.</summary>
    private ITypeSymbol? TypeOfName(string name, SyntaxNode declaration, IMethodSymbol method)
        => TypeOfName(name, declaration, method, out _);

    /// <summary>
    /// See the other overload; <paramref name="foundNowhere"/> is true when <paramref name="name"/> is declared neither
    /// in the method nor as a type parameter, primary constructor parameter or member of its types and their bases.
    /// </summary>
    private ITypeSymbol? TypeOfName(string name, SyntaxNode declaration, IMethodSymbol method, out bool foundNowhere)
    {
        foundNowhere = false;
        // A name declared inside the method (a local, a lambda's parameter, a pattern, a range variable, a local
        // function, a label, a tuple element, the method's own name) is not read, except a parameter of the method
        // itself declared nowhere else in it.
        IParameterSymbol? parameter = null;
        foreach (var token in TokensSpelling(declaration, name))
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name
                || token.Parent is IdentifierNameSyntax or GenericNameSyntax)
            {
                continue;
            }

            if (parameter is not null || token.Parent is not ParameterSyntax { Parent: ParameterListSyntax list }
                || list.Parent != declaration)
            {
                return null;
            }

            foreach (var candidate in method.Parameters)
            {
                if (candidate.Name == name)
                {
                    parameter = candidate;
                }
            }

            if (parameter is null)
            {
                return null;
            }
        }

        if (parameter is not null)
        {
            return parameter.Type;
        }

        // Members of the method's type (with its bases), then of the types around it; a type parameter or a primary
        // constructor parameter of that name, or a name found nowhere (a type, a namespace, a static import), is not read.
        foreach (var typeParameter in method.TypeParameters)
        {
            if (typeParameter.Name == name)
            {
                return null;
            }
        }

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (HasTypeParameterOrPrimaryParameter(type, name))
            {
                return null;
            }

            if (MemberType(type, name, method, out var memberType))
            {
                return memberType;
            }
        }

        foundNowhere = true;
        return null;
    }

    /// <summary>
    /// The tokens of <paramref name="declaration"/> that may be an identifier spelled <paramref name="name"/>: those at each
    /// place its text spells the name (<c>@name</c> included), each once, in order. A <c>\u</c> escape may spell a name
    /// without its text: a declaration that holds one gives every token.
    /// </summary>
    /// <remarks>
    /// Speed only: the text is searched (a vectorized search of a buffer reused by the thread) instead of walking every
    /// token of the declaration for each receiver (the walk was 6 % of the analyzers' samples on the generated corpus).
    /// </remarks>
    private static IEnumerable<SyntaxToken> TokensSpelling(SyntaxNode declaration, string name)
    {
        var span = declaration.Span;
        var text = declaration.SyntaxTree.GetText();
        if (name.Length == 0 || span.Length > MaxSearchedLength)
        {
            return declaration.DescendantTokens();
        }

        var buffer = t_text is { } kept && kept.Length >= span.Length ? kept : t_text = new char[Math.Max(span.Length, 1024)];
        text.CopyTo(span.Start, buffer, 0, span.Length);
        var chars = new ReadOnlySpan<char>(buffer, 0, span.Length);
        if (chars.IndexOf("\\u".AsSpan()) >= 0 || chars.IndexOf("\\U".AsSpan()) >= 0)
        {
            return declaration.DescendantTokens();
        }

        List<SyntaxToken>? tokens = null;
        var previous = -1;
        for (var start = 0; start < chars.Length;)
        {
            var at = chars.Slice(start).IndexOf(name.AsSpan());
            if (at < 0)
            {
                break;
            }

            var token = declaration.FindToken(span.Start + start + at);
            if (token.SpanStart != previous)
            {
                (tokens ??= new List<SyntaxToken>()).Add(token);
                previous = token.SpanStart;
            }

            start += at + name.Length;
        }

        return tokens ?? (IEnumerable<SyntaxToken>)Array.Empty<SyntaxToken>();
    }

    /// <summary>
    /// Up to how many characters a declaration's text is searched (a longer one is walked token by token): the thread's
    /// buffer stays below the large object heap.
    /// </summary>
    private const int MaxSearchedLength = 32 * 1024;

    [ThreadStatic]
    private static char[]? t_text;

    private static bool HasTypeParameterOrPrimaryParameter(INamedTypeSymbol type, string name)
    {
        foreach (var typeParameter in type.TypeParameters)
        {
            if (typeParameter.Name == name)
            {
                return true;
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                foreach (var parameter in parameters.Parameters)
                {
                    if (parameter.Identifier.ValueText == name)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The type of the field or property <paramref name="name"/> of <paramref name="type"/> (or of its nearest base
    /// that has a member of that name), when it is the only member of that name there and <paramref name="method"/>
    /// can see it; otherwise null.
    /// </summary>
    private ITypeSymbol? MemberType(ITypeSymbol type, string name, IMethodSymbol method)
        => MemberType(type, name, method, out var memberType) ? memberType : null;

    /// <summary>
    /// False when neither <paramref name="type"/> nor a base of it has a member named <paramref name="name"/>; otherwise
    /// true, with the member's type in <paramref name="memberType"/> when it reads (see the other overload).
    /// </summary>
    private bool MemberType(ITypeSymbol type, string name, IMethodSymbol method, out ITypeSymbol? memberType)
    {
        memberType = null;
        for (var t = type; t is not null; t = t.BaseType)
        {
            var members = t.GetMembers(name);
            if (members.IsEmpty)
            {
                continue;
            }

            if (members.Length == 1 && method.ContainingType is { } within
                && _compilation.IsSymbolAccessibleWithin(members[0], within))
            {
                memberType = members[0] switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol { IsIndexer: false } property => property.Type,
                    _ => null, // a method group, a nested type, an event: not read
                };
            }

            return true;
        }

        return false;
    }

    private void AddIfSourceName(string[] candidates, Dictionary<string, CallReceivers?> names, CancellationToken cancellationToken)
    {
        foreach (var name in candidates)
        {
            AddIfSourceName(name, names, cancellationToken);
        }
    }

    /// <summary>
    /// Adds <paramref name="name"/> when it is a source member name, with what the call's <paramref name="receiver"/>
    /// lets it bind to (<see cref="CallReceivers"/>): a value whose static type the declarations give, or a type named
    /// by a simple name. A call without a receiver, or with one not read, may bind to any method of that name (null in
    /// the map).
    /// </summary>
    private void AddIfSourceName(string name, Dictionary<string, CallReceivers?> names, CancellationToken cancellationToken,
                                 ExpressionSyntax? receiver = null, SyntaxNode? declaration = null, IMethodSymbol? method = null)
    {
        var known = names.TryGetValue(name, out var receivers);
        if (known && receivers is null || !known && !_memberNames.Contains(name, cancellationToken))
        {
            return; // any receiver already, or no source method has the name
        }

        ITypeSymbol? type = null;
        IReadOnlyList<INamedTypeSymbol>? namedTypes = null;
        if (receiver is IdentifierNameSyntax identifier)
        {
            // A simple name declared nowhere the proof looks (not in the method, not a member of its types) names a type
            // or a namespace, unless a using static directive or an alias of that name may give it another meaning.
            var text = identifier.Identifier.ValueText;
            type = TypeOfName(text, declaration!, method!, out var foundNowhere);
            if (foundNowhere && !MayBeImported(identifier.SyntaxTree, text, cancellationToken))
            {
                namedTypes = SourceTypesNamed(text, cancellationToken);
            }
        }
        else if (receiver is not null)
        {
            type = TypeOf(receiver, declaration!, method!);
        }

        if (namedTypes is null && (type is null || !LimitsTargets(type)))
        {
            names[name] = null;
            return;
        }

        receivers ??= names[name] = new CallReceivers();
        if (namedTypes is not null)
        {
            receivers.AddTypes(namedTypes); // none for a framework type: only an extension block's members may be called
        }
        else
        {
            receivers.AddValue(type!);
        }
    }

    /// <summary>
    /// Whether a receiver of static type <paramref name="type"/> limits what a call can bind to (see <see cref="MayBind"/>):
    /// a class, struct or interface, not <c>Nullable&lt;T&gt;</c> (whose <c>?.</c> calls bind to the members of <c>T</c>).
    /// </summary>
    private static bool LimitsTargets(ITypeSymbol type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } named
           && named.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;

    /// <summary>
    /// Whether a call whose receivers are <paramref name="receivers"/> may bind to <paramref name="candidate"/>, a source
    /// method of the called name. Member lookup on a value of type <c>T</c> finds the members of <c>T</c>, of its base
    /// types and, for an interface, of its interfaces, then extension methods; on a type name, the members of that type
    /// and its bases (then C# 14 extension members). So a candidate may be the target when it is declared outside a class,
    /// struct or interface (a C# 14 extension block), when it is an extension method and a call has a value receiver, or
    /// when its type is one of those of a receiver; an instance method of an unrelated type, or a static method of a type
    /// other than the one a call names, cannot be.
    /// </summary>
    internal static bool MayBind(CallReceivers receivers, IMethodSymbol candidate)
    {
        if (candidate.ContainingType is not { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } owner
            || candidate.IsExtensionMethod && receivers.ValueReceiver)
        {
            return true;
        }

        var definition = owner.OriginalDefinition;
        foreach (var receiver in receivers.Types)
        {
            if (NotifierTypes.InBaseChain(receiver, definition))
            {
                return true;
            }

            foreach (var @interface in receiver.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, definition))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The source types named <paramref name="name"/>, nested ones included.</summary>
    internal IReadOnlyList<INamedTypeSymbol> SourceTypesNamed(string name, CancellationToken cancellationToken)
        => _typesNamed.Get(name, cancellationToken);

    // The global using directives of the compilation (read once): whether one is a using static, and the global aliases.
    private GlobalUsings? _globalUsings;

    private sealed class GlobalUsings
    {
        public bool AnyStatic;
        public readonly HashSet<string> Aliases = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a using directive may give the simple name <paramref name="name"/> in <paramref name="tree"/> a meaning the
    /// proof does not see: a using static directive (which imports members, values among them) of the file or a global
    /// one, or an alias of that name (which may name a source type under another name).
    /// </summary>
    private bool MayBeImported(SyntaxTree tree, string name, CancellationToken cancellationToken)
    {
        if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit
            || UsingDirectives.Any(unit, name, static (directive, imported) => directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword)
                                                                              || directive.Alias?.Name.Identifier.ValueText == imported))
        {
            return true;
        }

        var global = Memo.Get(ref _globalUsings, (_compilation, cancellationToken), static state =>
        {
            var usings = new GlobalUsings();
            foreach (var other in state._compilation.SyntaxTrees)
            {
                if (other.GetRoot(state.cancellationToken) is CompilationUnitSyntax root)
                {
                    foreach (var directive in root.Usings)
                    {
                        if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
                        {
                            usings.AnyStatic |= directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword);
                            if (directive.Alias is { } alias)
                            {
                                usings.Aliases.Add(alias.Name.Identifier.ValueText);
                            }
                        }
                    }
                }
            }

            return usings;
        });
        return global.AnyStatic || global.Aliases.Contains(name);
    }
}

/// <summary>What a method's syntax may call (<see cref="CallSyntax.Read"/>).</summary>
internal readonly struct SyntaxCalls
{
    private readonly CallReceivers?[]? _receivers;

    public SyntaxCalls(bool mayCallTarget, string[] calledNames, CallReceivers?[]? receivers)
    {
        MayCallTarget = mayCallTarget;
        CalledNames = calledNames;
        _receivers = receivers;
    }

    /// <summary>May call <c>Remove</c> or <c>ReadBegin</c>, or makes a call the proof cannot read (then <see cref="CalledNames"/> is empty).</summary>
    public bool MayCallTarget { get; }

    /// <summary>The names of the source methods it may call (a name declared by some source type).</summary>
    public string[] CalledNames { get; }

    /// <summary>
    /// What the receivers of every call of <c>CalledNames[index]</c> let it bind to (<see cref="CallSyntax.MayBind"/>);
    /// null when some call of that name may bind to any method of it.
    /// </summary>
    public CallReceivers? ReceiversOf(int index) => _receivers?[index];
}

/// <summary>
/// The receivers of the calls of one name in a method (<see cref="CallSyntax.Read"/>): the static types of the values they
/// are called on and the types they are called through by name. Filled while the method is read, read-only afterwards.
/// </summary>
internal sealed class CallReceivers
{
    private readonly List<ITypeSymbol> _types = new(1);

    /// <summary>The receivers' types: the static types of the values, and the source types a type name may name.</summary>
    public IReadOnlyList<ITypeSymbol> Types => _types;

    /// <summary>Whether a call has a value receiver (then an extension method of that name may be the target).</summary>
    public bool ValueReceiver { get; private set; }

    public void AddValue(ITypeSymbol type)
    {
        ValueReceiver = true;
        Add(type);
    }

    public void AddTypes(IReadOnlyList<INamedTypeSymbol> types)
    {
        foreach (var type in types)
        {
            Add(type);
        }
    }

    private void Add(ITypeSymbol type)
    {
        foreach (var known in _types)
        {
            if (SymbolEqualityComparer.Default.Equals(known, type))
            {
                return;
            }
        }

        _types.Add(type);
    }
}
