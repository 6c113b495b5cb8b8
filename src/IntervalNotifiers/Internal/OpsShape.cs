using System;
using System.Collections.Concurrent;
using System.Reflection;

namespace IntervalNotifiers.Internal;

/// <summary>
/// Which callbacks an ops type defines (overrides), computed once per type by reflection and cached: the C# form of
/// the kernel's "is <c>ops-&gt;invalidate_start</c> set" tests.
/// </summary>
internal sealed class OpsShape
{
    private static readonly ConcurrentDictionary<Type, OpsShape> Cache = new();

    private static readonly MethodInfo BaseInvalidate = typeof(IntervalNotifierOps).GetMethod(nameof(IntervalNotifierOps.Invalidate))!;
    private static readonly MethodInfo BaseInvalidateStart = typeof(IntervalNotifierOps).GetMethod(nameof(IntervalNotifierOps.InvalidateStart))!;
    private static readonly MethodInfo BaseInvalidateFinish = typeof(IntervalNotifierOps).GetMethod(nameof(IntervalNotifierOps.InvalidateFinish))!;

    private OpsShape(Type type)
    {
        Type = type;
        OverridesInvalidate = Overrides(type, BaseInvalidate);
        OverridesInvalidateStart = Overrides(type, BaseInvalidateStart);
        OverridesInvalidateFinish = Overrides(type, BaseInvalidateFinish);
        if (OverridesInvalidateStart && !OverridesInvalidateFinish)
        {
            Error =
                $"The ops type '{type.FullName}' overrides InvalidateStart but not InvalidateFinish (rule NTF001): " +
                "a finish handed out by the start would never be finished. Override InvalidateFinish, or turn the " +
                "start into Invalidate when it never hands out a finish (the kernel's " +
                "WARN_ON_ONCE(ops->invalidate_start && !ops->invalidate_finish) in mmu_interval_notifier_insert).";
        }
        else if (!OverridesInvalidate && !OverridesInvalidateStart)
        {
            Error =
                $"The ops type '{type.FullName}' overrides neither Invalidate nor InvalidateStart (rule NTF003): " +
                "the notifier would never stop using its shadow copies. Override Invalidate.";
        }
    }

    /// <summary>The ops type.</summary>
    public Type Type { get; }

    /// <summary>Whether the type overrides <see cref="IntervalNotifierOps.Invalidate"/>.</summary>
    public bool OverridesInvalidate { get; }

    /// <summary>
    /// Whether the type overrides <see cref="IntervalNotifierOps.InvalidateStart"/>: the walk then calls the start
    /// and never <see cref="IntervalNotifierOps.Invalidate"/>.
    /// </summary>
    public bool OverridesInvalidateStart { get; }

    /// <summary>Whether the type overrides <see cref="IntervalNotifierOps.InvalidateFinish"/>.</summary>
    public bool OverridesInvalidateFinish { get; }

    /// <summary>Why <c>Insert</c> rejects the type (NTF001, NTF003), or null.</summary>
    public string? Error { get; }

    /// <summary>The shape of <paramref name="type"/>, computed on first use.</summary>
    public static OpsShape Get(Type type) => Cache.GetOrAdd(type, static t => new OpsShape(t));

    private static bool Overrides(Type type, MethodInfo baseMethod)
    {
        // Walk the chain below IntervalNotifierOps: any method declared there whose base definition is the base
        // virtual is an override (sealed and abstract overrides included; a 'new' method is not an override).
        for (Type? t = type; t != null && t != typeof(IntervalNotifierOps); t = t.BaseType)
        {
            foreach (MethodInfo m in t.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (m.Name == baseMethod.Name && m.GetBaseDefinition().HasSameMetadataDefinitionAs(baseMethod))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
