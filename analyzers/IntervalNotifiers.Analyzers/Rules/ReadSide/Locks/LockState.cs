using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>
/// The locks held at one point: <see cref="Named"/> are the field or property symbols the lock expressions
/// name; <see cref="HasUnnamed"/> says that some held lock (or a possible one) cannot be named that way, so the
/// point cannot be compared with another.
/// </summary>
internal readonly struct LockState
{
    public static readonly LockState None = new(LockKind.None, ImmutableArray<ISymbol>.Empty, hasUnnamed: false);
    public static readonly LockState Unknown = new(LockKind.Unknown, ImmutableArray<ISymbol>.Empty, hasUnnamed: true);

    /// <summary>
    /// No lock, and none of a caller can be held either: the code runs from an entry point of its own (a lambda
    /// handed to <c>Task.Run</c> or a new thread; docs/contract.md#entry-points).
    /// </summary>
    public static readonly LockState Detached = new(LockKind.None, ImmutableArray<ISymbol>.Empty, hasUnnamed: false, isDetached: true);

    public LockState(LockKind kind, ImmutableArray<ISymbol> named, bool hasUnnamed, ImmutableArray<ISymbol> byLockStatement = default)
        : this(kind, named, hasUnnamed, isDetached: false, byLockStatement)
    {
    }

    private LockState(LockKind kind, ImmutableArray<ISymbol> named, bool hasUnnamed, bool isDetached,
                      ImmutableArray<ISymbol> byLockStatement = default)
    {
        Kind = kind;
        Named = named;
        HasUnnamed = hasUnnamed;
        IsDetached = isDetached;
        ByLockStatement = byLockStatement.IsDefault ? ImmutableArray<ISymbol>.Empty : byLockStatement;
    }

    public LockKind Kind { get; }

    public ImmutableArray<ISymbol> Named { get; }

    public bool HasUnnamed { get; }

    /// <summary>The <see cref="Named"/> locks that some path holds through a C# <c>lock</c> statement.</summary>
    public ImmutableArray<ISymbol> ByLockStatement { get; }

    /// <summary>No lock is held, and the callers of the method cannot add one (<see cref="Detached"/>).</summary>
    public bool IsDetached { get; }

    /// <summary>No lock is held here, but a caller of the method may hold one: its callers decide.</summary>
    public bool DependsOnCallers => Kind == LockKind.None && !IsDetached;

    /// <summary>Locked, and every held lock is named: the state can be compared with another.</summary>
    public bool IsComparable => Kind == LockKind.Locked && !HasUnnamed && !Named.IsDefaultOrEmpty;

    /// <summary>Merges the states of the call sites of a helper (every path must agree, or nothing is known).</summary>
    public static LockState Merge(IEnumerable<LockState> states)
    {
        var any = false;
        var kind = LockKind.None;
        var named = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var builder = ImmutableArray.CreateBuilder<ISymbol>();
        var byLockStatement = ImmutableArray.CreateBuilder<ISymbol>();
        var unnamed = false;
        var detached = true;
        foreach (var state in states)
        {
            if (state.Kind == LockKind.Unknown)
            {
                return Unknown;
            }

            if (any && state.Kind != kind)
            {
                return Unknown; // some paths locked, others not: stay silent
            }

            any = true;
            kind = state.Kind;
            unnamed |= state.HasUnnamed;
            detached &= state.IsDetached;
            foreach (var symbol in state.Named)
            {
                if (named.Add(symbol))
                {
                    builder.Add(symbol);
                }
            }

            foreach (var symbol in state.ByLockStatement)
            {
                if (!byLockStatement.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    byLockStatement.Add(symbol);
                }
            }
        }

        if (!any)
        {
            return Unknown;
        }

        if (kind == LockKind.None)
        {
            return detached ? Detached : None;
        }

        return new LockState(LockKind.Locked, builder.ToImmutable(), unnamed, byLockStatement.ToImmutable());
    }

    /// <summary>How a lock symbol is shown in messages: <c>Type.member</c>.</summary>
    public static string Display(ISymbol symbol)
        => symbol.ContainingType is null ? symbol.Name : symbol.ContainingType.Name + "." + symbol.Name;

    /// <summary>The first of the named locks in ordinal order, as <see cref="Display"/> shows it; "?" when none is named.</summary>
    public string FirstLockName()
        => Named.Select(Display).OrderBy(name => name, System.StringComparer.Ordinal).FirstOrDefault() ?? "?";
}
