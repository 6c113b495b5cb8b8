using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010: the one lock an ops type holds around every SetSequence call of its own, when the type's code can name it
/// (a field or property of the type or of a base it can see, or an accessible static one): the lock that a ReadRetry
/// of the same type, outside any lock, should take (docs/rules/NTF010.md, "How to fix").
/// </summary>
internal sealed class OpsTypeLock
{
    private OpsTypeLock(ISymbol member, string expression, bool isLockStatement)
    {
        Member = member;
        Expression = expression;
        IsLockStatement = isLockStatement;
    }

    /// <summary>The field or property that is locked.</summary>
    public ISymbol Member { get; }

    /// <summary>How code of the ops type writes the lock: <c>_lock</c>, or <c>Type.Gate</c> for a static of another type.</summary>
    public string Expression { get; }

    /// <summary>Whether every SetSequence holds it through a C# <c>lock</c> statement.</summary>
    public bool IsLockStatement { get; }

    /// <summary>
    /// The lock of <paramref name="opsType"/>, from the locks held at its SetSequence calls; null when there is no call,
    /// a call holds an unnamed lock or none, the calls hold more than one lock, or the type cannot name it.
    /// </summary>
    public static OpsTypeLock? Of(INamedTypeSymbol opsType, IEnumerable<LockState> setSequenceStates)
    {
        ISymbol? only = null;
        var isLockStatement = true;
        foreach (var state in setSequenceStates)
        {
            if (!state.IsComparable)
            {
                return null;
            }

            foreach (var symbol in state.Named)
            {
                if (only is null)
                {
                    only = symbol;
                }
                else if (!SymbolEqualityComparer.Default.Equals(only, symbol))
                {
                    return null;
                }
            }

            isLockStatement &= state.ByLockStatement.Contains(only, SymbolEqualityComparer.Default);
        }

        return only is not null && WrittenIn(opsType, only) is { } expression ? new OpsTypeLock(only, expression, isLockStatement) : null;
    }

    /// <summary>Whether code of <paramref name="member"/> (a method of the ops type) can write the lock as <see cref="Expression"/>.</summary>
    public bool IsReachableFrom(ISymbol member) => Member.IsStatic || !member.IsStatic;

    /// <summary>The advice a message adds: what to take around the check.</summary>
    public string Advice => IsLockStatement
        ? "take 'lock (" + Expression + ")' around the check and the use of what was read"
        : "hold '" + Expression + "' around the check and the use of what was read";

    /// <summary>The diagnostic properties a code fix reads (<see cref="ReadRetryLockProperties"/>).</summary>
    public ImmutableDictionary<string, string?> Properties()
        => ImmutableDictionary<string, string?>.Empty
            .Add(ReadRetryLockProperties.LockMember, Member.Name)
            .Add(ReadRetryLockProperties.LockExpression, Expression)
            .Add(ReadRetryLockProperties.IsLockStatement, IsLockStatement ? "true" : "false");

    private static string? WrittenIn(INamedTypeSymbol type, ISymbol member)
    {
        var owner = member.ContainingType?.OriginalDefinition;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, owner))
            {
                return ReferenceEquals(t, type) || member.DeclaredAccessibility != Accessibility.Private ? member.Name : null;
            }
        }

        return member.IsStatic && member.DeclaredAccessibility != Accessibility.Private && owner is not null
            ? owner.Name + "." + member.Name
            : null;
    }
}
