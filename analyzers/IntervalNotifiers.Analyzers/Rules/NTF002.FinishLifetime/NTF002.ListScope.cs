using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// The two-pass list of one ops type (docs/contract.md#the-two-pass-list): its start and finish overrides and the
/// helpers called only from them (docs/contract.md#helpers-count-as-the-callback), with the type's bodies.
/// </summary>
internal sealed class ListScope
{
    private Dictionary<ISymbol, MethodBody>? _byMember;

    public ListScope(TypeBodies bodies) => Bodies = bodies;

    public TypeBodies Bodies { get; }

    /// <summary>Whether the member is part of the two-pass list (a start or finish override, or one of their helpers).</summary>
    public bool IsInList(ISymbol member)
        => (Bodies.MembershipOf(member) & (CallbackKind.InvalidateStart | CallbackKind.InvalidateFinish)) != 0;

    /// <summary>Whether a finish created in the member is created inside the start (or a helper of it).</summary>
    public bool IsInStart(ISymbol member)
        => (Bodies.MembershipOf(member) & CallbackKind.InvalidateStart) != 0;

    /// <summary>Whether <paramref name="method"/> is declared by the ops type itself.</summary>
    public bool IsOwnMethod(IMethodSymbol method)
        => SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, Bodies.Type.OriginalDefinition);

    /// <summary>The collected body of a method of the type, or null.</summary>
    public MethodBody? FindBody(IMethodSymbol method)
    {
        // Speed: a table by member, built on first use (one walk of the bodies per type, not one per call).
        if (_byMember is null)
        {
            var byMember = new Dictionary<ISymbol, MethodBody>(SymbolEqualityComparer.Default);
            foreach (var body in Bodies.Bodies)
            {
                var key = TypeBodies.Key(body.Owner);
                if (!byMember.ContainsKey(key))
                {
                    byMember.Add(key, body); // the first body of a member, as the walk it replaces found it
                }
            }

            _byMember = byMember;
        }

        return _byMember.TryGetValue(TypeBodies.Key(method), out var found) ? found : null;
    }

    /// <summary>The parameter of <paramref name="body"/>'s method at the position of <paramref name="parameter"/>.</summary>
    public static IParameterSymbol? FindParameter(MethodBody body, IParameterSymbol parameter)
        => body.Owner is IMethodSymbol method && parameter.Ordinal < method.Parameters.Length
            ? method.Parameters[parameter.Ordinal]
            : null;
}
