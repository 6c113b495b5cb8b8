using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>
/// The runtime's well-known types and members, resolved once per compilation.
/// <see cref="TryCreate"/> returns null when the compilation does not reference the runtime (analyzers
/// then register nothing) or when the compilation is the runtime itself.
/// </summary>
public sealed class NotifierTypes
{
    public const string Namespace = "IntervalNotifiers";

    private NotifierTypes(INamedTypeSymbol ops, INamedTypeSymbol notifier, INamedTypeSymbol finish,
                          INamedTypeSymbol range, INamedTypeSymbol? pool)
    {
        Ops = ops;
        Notifier = notifier;
        Finish = finish;
        Range = range;
        Pool = pool;

        Invalidate = SingleMethod(ops, "Invalidate");
        InvalidateStart = SingleMethod(ops, "InvalidateStart");
        InvalidateFinish = SingleMethod(ops, "InvalidateFinish");
        ReadBegin = SingleMethod(notifier, "ReadBegin");
        ReadRetry = SingleMethod(notifier, "ReadRetry");
        SetSequence = SingleMethod(notifier, "SetSequence");
        Remove = notifier.GetMembers("Remove").Concat(notifier.GetMembers("RemoveAsync")).OfType<IMethodSymbol>().ToImmutableArray();
        FinishNotifier = finish.GetMembers("Notifier").OfType<IPropertySymbol>().FirstOrDefault();
        RangeIsBlockable = range.GetMembers("IsBlockable").OfType<IPropertySymbol>().FirstOrDefault();
        RangeOwner = range.GetMembers("Owner").OfType<IPropertySymbol>().FirstOrDefault();
        RangeEvent = range.GetMembers("Event").OfType<IPropertySymbol>().FirstOrDefault();
        PoolTryRent = pool is null ? null : SingleMethod(pool, "TryRent");
        PoolReturn = pool is null ? null : SingleMethod(pool, "Return");
    }

    /// <summary><c>IntervalNotifiers.IntervalNotifierOps</c>.</summary>
    public INamedTypeSymbol Ops { get; }

    /// <summary><c>IntervalNotifiers.IntervalNotifier</c>.</summary>
    public INamedTypeSymbol Notifier { get; }

    /// <summary><c>IntervalNotifiers.NotifierFinish</c>.</summary>
    public INamedTypeSymbol Finish { get; }

    /// <summary><c>IntervalNotifiers.NotifierRange</c>.</summary>
    public INamedTypeSymbol Range { get; }

    /// <summary>The generic definition <c>IntervalNotifiers.NotifierFinishPool`1</c>.</summary>
    public INamedTypeSymbol? Pool { get; }

    public IMethodSymbol? Invalidate { get; }
    public IMethodSymbol? InvalidateStart { get; }
    public IMethodSymbol? InvalidateFinish { get; }
    public IMethodSymbol? ReadBegin { get; }
    public IMethodSymbol? ReadRetry { get; }
    public IMethodSymbol? SetSequence { get; }

    /// <summary><c>Remove()</c> and its overloads (a cancellable one, say), and <c>RemoveAsync</c>: both wait for the callbacks.</summary>
    public ImmutableArray<IMethodSymbol> Remove { get; }

    public IPropertySymbol? FinishNotifier { get; }
    public IPropertySymbol? RangeIsBlockable { get; }
    public IPropertySymbol? RangeOwner { get; }
    public IPropertySymbol? RangeEvent { get; }

    /// <summary><c>NotifierFinishPool&lt;T&gt;.TryRent</c> of the generic definition; compare with <see cref="Is"/>.</summary>
    public IMethodSymbol? PoolTryRent { get; }

    /// <summary><c>NotifierFinishPool&lt;T&gt;.Return</c> of the generic definition; compare with <see cref="Is"/>.</summary>
    public IMethodSymbol? PoolReturn { get; }

    /// <summary>
    /// The runtime's types of <paramref name="compilation"/>, or null when they are absent (register nothing then).
    /// Resolved once per compilation and shared by every analyzer and code fix (<see cref="ResolvedTypes"/>).
    /// </summary>
    public static NotifierTypes? TryCreate(Compilation compilation) => ResolvedTypes.For(compilation, Resolve);

    private static NotifierTypes? Resolve(Compilation compilation)
    {
        var ops = compilation.GetTypeByMetadataName(Namespace + ".IntervalNotifierOps");
        if (ops is null)
        {
            return null;
        }

        // Code inside the runtime itself is the sanctioned implementation: never analyze it.
        if (SymbolEqualityComparer.Default.Equals(ops.ContainingAssembly, compilation.Assembly))
        {
            return null;
        }

        // The other types are the runtime's own, looked up in its assembly: the compilation's look-up searches every
        // reference (and the source) again for each name.
        var runtime = ops.ContainingAssembly;
        var notifier = runtime.GetTypeByMetadataName(Namespace + ".IntervalNotifier");
        var finish = runtime.GetTypeByMetadataName(Namespace + ".NotifierFinish");
        var range = runtime.GetTypeByMetadataName(Namespace + ".NotifierRange");
        if (notifier is null || finish is null || range is null)
        {
            return null;
        }

        return new NotifierTypes(ops, notifier, finish, range, runtime.GetTypeByMetadataName(Namespace + ".NotifierFinishPool`1"));
    }

    private static IMethodSymbol? SingleMethod(INamedTypeSymbol type, string name)
    {
        IMethodSymbol? found = null;
        foreach (var member in type.GetMembers(name))
        {
            if (member is IMethodSymbol method)
            {
                if (found is not null)
                {
                    return found; // keep the first; overloads added later do not matter to the rules
                }

                found = method;
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="method"/> is <paramref name="target"/>, or a member of a constructed generic type of it.</summary>
    public static bool Is(IMethodSymbol? method, IMethodSymbol? target)
        => method is not null && target is not null
           && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, target.OriginalDefinition);

    /// <summary>Whether <paramref name="method"/> is one of <see cref="Remove"/>'s overloads.</summary>
    public bool IsRemove(IMethodSymbol method)
    {
        foreach (var remove in Remove)
        {
            if (Is(method, remove))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="method"/> is <c>ReadBegin</c>, any overload (a cancellable one, say), or <c>ReadBeginAsync</c>.</summary>
    public bool IsReadBegin(IMethodSymbol method)
        => method.Name is "ReadBegin" or "ReadBeginAsync"
           && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, Notifier);

    /// <summary>Whether <paramref name="type"/> derives, directly or not, from <c>IntervalNotifierOps</c> (and is not it).</summary>
    public bool IsOpsType(ITypeSymbol? type) => MayBeBelowRuntimeClass(type) && InBaseChain(type!.BaseType, Ops);

    /// <summary>Whether <paramref name="type"/> is <c>NotifierFinish</c> or derives from it.</summary>
    public bool IsFinishType(ITypeSymbol? type) => InheritsFromOrIs(type, Finish);

    /// <summary>Whether <paramref name="type"/> is <c>IntervalNotifier</c> or derives from it.</summary>
    public bool IsNotifierType(ITypeSymbol? type) => InheritsFromOrIs(type, Notifier);

    /// <summary>Whether <paramref name="type"/> is a constructed <c>NotifierFinishPool&lt;T&gt;</c>.</summary>
    public bool IsPoolType(ITypeSymbol? type)
        => Pool is not null && type is INamedTypeSymbol named
           && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Pool);

    private static bool InheritsFromOrIs(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                if (InheritsFromOrIs(constraint, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        return MayBeBelowRuntimeClass(type) && InBaseChain(type, baseType);
    }

    /// <summary>
    /// Whether <paramref name="type"/> may be one of the runtime's classes or derive from one. They are classes of no
    /// special type: a struct, an enum, an interface, an array, a pointer, an error type (no base type) or a special type
    /// (object, string) is never one of them nor derives from one. Asked of every local and parameter reference of a body
    /// (NTF002, NTF014) and of every type (the symbol starts), so answered before the base walk.
    /// </summary>
    private static bool MayBeBelowRuntimeClass(ITypeSymbol? type)
        => type is { TypeKind: TypeKind.Class, SpecialType: SpecialType.None };

    /// <summary>Whether <paramref name="first"/> or one of its base types is <paramref name="definition"/> (compared as original definitions).</summary>
    internal static bool InBaseChain(ITypeSymbol? first, INamedTypeSymbol definition)
    {
        for (var t = first; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, definition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Which ops callback <paramref name="method"/> overrides (directly or through other overrides), or
    /// <see cref="CallbackKind.None"/>.
    /// </summary>
    public CallbackKind GetCallbackKind(IMethodSymbol? method)
    {
        if (method is null || !method.IsOverride || method.MethodKind != MethodKind.Ordinary)
        {
            return CallbackKind.None;
        }

        for (var m = method.OverriddenMethod; m is not null; m = m.OverriddenMethod)
        {
            if (!SymbolEqualityComparer.Default.Equals(m.ContainingType.OriginalDefinition, Ops))
            {
                continue;
            }

            var definition = m.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, Invalidate))
            {
                return CallbackKind.Invalidate;
            }

            if (SymbolEqualityComparer.Default.Equals(definition, InvalidateStart))
            {
                return CallbackKind.InvalidateStart;
            }

            if (SymbolEqualityComparer.Default.Equals(definition, InvalidateFinish))
            {
                return CallbackKind.InvalidateFinish;
            }

            return CallbackKind.None;
        }

        return CallbackKind.None;
    }

    /// <summary>
    /// The most-derived override of the ops callback <paramref name="callback"/> in <paramref name="type"/>'s
    /// chain below <c>IntervalNotifierOps</c> (the type itself or one of its bases), or null when none overrides it.
    /// Partial declarations, generic ops types and sealed or abstract overrides are all seen.
    /// </summary>
    public IMethodSymbol? FindOverride(INamedTypeSymbol type, CallbackKind callback)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, Ops))
            {
                return null;
            }

            foreach (var member in t.GetMembers(NameOf(callback)))
            {
                if (member is IMethodSymbol method && GetCallbackKind(method) == callback)
                {
                    return method;
                }
            }
        }

        return null;
    }

    /// <summary>The member name of a single callback kind.</summary>
    public static string NameOf(CallbackKind callback) => callback switch
    {
        CallbackKind.Invalidate => "Invalidate",
        CallbackKind.InvalidateStart => "InvalidateStart",
        CallbackKind.InvalidateFinish => "InvalidateFinish",
        _ => string.Empty,
    };
}
