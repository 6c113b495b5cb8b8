using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime.Speed;

/// <summary>
/// NTF002's text pre-filter for code outside ops types (a speed-up only; the rule's answer does not depend on it): which
/// types get the per-operation check of finish creations and <c>InvalidateFinish</c> calls. Without it every object
/// creation and call of the compilation went through that check, and the driver built the operation tree of every body
/// of a project that references the runtime but barely uses it.
/// </summary>
/// <remarks>
/// What it skips: registering the check for a type whose declarations (those of its outermost containing type, which
/// hold the constraints of the type parameters it may use) spell neither <c>Finish</c> nor a target-typed <c>new(</c>,
/// nor the name of a source finish type named without "Finish".
/// Invariant that keeps it consistent: such a type can create no finish and call no <c>InvalidateFinish</c>, because
/// every name those need is one of these: <c>InvalidateFinish</c>, <c>NotifierFinish</c>, a finish type named with
/// <c>Finish</c>, or a source finish type named otherwise (<c>Shootdown</c>; found transitively, since a type derived from
/// it need not spell <c>Finish</c> either). The filter passes every type when another referenced assembly builds on the
/// runtime (its finish types are not listed), when a using alias spells <c>Finish</c> or one of those names
/// (<c>using S = GpuFinish;</c> lets <c>new S()</c> create one elsewhere), or when there are more than
/// <see cref="MaxOtherNames"/> finish types named otherwise. A <c>\u</c> escape passes its type (Speed/SourceNames.cs).
/// Looking for finish types named otherwise binds the base types only of the source types whose text spells
/// <c>Finish</c> or a name already found.
/// </remarks>
internal sealed class OutsideOpsTextFilter
{
    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly SourceNames _names;

    /// <summary>How many source finish types named without "Finish" are searched for by name before every type passes.</summary>
    internal const int MaxOtherNames = 16;

    // Computed by the first type asked about (Speed/Memo.cs), boxed so that null is a value too: null when every type
    // passes, otherwise the names of the source finish types named without "Finish" (often none), which a type must spell
    // to create one.
    private System.Runtime.CompilerServices.StrongBox<string[]?>? _otherNames;

    public OutsideOpsTextFilter(Compilation compilation, NotifierTypes types)
    {
        _compilation = compilation;
        _types = types;
        _names = SourceNames.For(compilation);
    }

    /// <summary>Whether the code of <paramref name="type"/> may create a finish or call <c>InvalidateFinish</c>.</summary>
    public bool MayCreateOrFinish(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var outermost = type;
        while (outermost.ContainingType is { } container)
        {
            outermost = container;
        }

        if (_names.MayName(outermost, SourceNames.Finish | SourceNames.TargetTypedNew, cancellationToken))
        {
            return true;
        }

        var other = Memo.Get(ref _otherNames, this, static self => new System.Runtime.CompilerServices.StrongBox<string[]?>(self.OtherNames())).Value;
        return other is null || (other.Length > 0 && SourceNames.SpellsAny(outermost, other, cancellationToken));
    }

    /// <summary>
    /// The names of the source finish types named without "Finish"; null when every type must pass: another reference
    /// builds on the runtime, a using alias spells Finish or one of those names, or there are more than
    /// <see cref="MaxOtherNames"/> of them.
    /// </summary>
    private string[]? OtherNames()
    {
        if (UnusedRuntime.AnotherReferenceUsesTheRuntime(_compilation, _types))
        {
            return null;
        }

        // A finish type without a name yet (half-typed code) cannot be searched for: every type passes.
        var other = FinishTypesNamedOtherwise();
        return other is null || other.Contains(string.Empty) || AnAliasSpells(other) ? null : other.ToArray();
    }

    /// <summary>Whether a using alias anywhere spells "Finish" or one of <paramref name="other"/> (it lets <c>new Alias()</c> create a finish elsewhere).</summary>
    private bool AnAliasSpells(List<string> other)
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            if (tree.GetRoot() is CompilationUnitSyntax unit
                && (Spells(unit.Usings, other) || AnyNamespaceAliasSpells(unit.Members, other)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyNamespaceAliasSpells(SyntaxList<MemberDeclarationSyntax> members, List<string> other)
    {
        foreach (var member in members)
        {
            if (member is BaseNamespaceDeclarationSyntax ns && (Spells(ns.Usings, other) || AnyNamespaceAliasSpells(ns.Members, other)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Spells(SyntaxList<UsingDirectiveSyntax> usings, List<string> other)
    {
        foreach (var directive in usings)
        {
            if (directive.Alias is null)
            {
                continue;
            }

            var text = directive.ToString();
            if (text.IndexOf("Finish", System.StringComparison.Ordinal) >= 0
                || other.Exists(name => text.IndexOf(name, System.StringComparison.Ordinal) >= 0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The names of the source finish types whose name lacks "Finish"; null when there are more than
    /// <see cref="MaxOtherNames"/>. A finish type's base list names <c>NotifierFinish</c> or another finish type, so its
    /// declarations spell "Finish" or the name of a finish type named otherwise: the search starts from the types that spell
    /// "Finish" and follows the names it finds until no new one appears. The other types are not bound (their base types
    /// are the compiler's work, not the filter's).
    /// </summary>
    private List<string>? FinishTypesNamedOtherwise()
    {
        var found = new List<string>();
        for (var added = true; added;)
        {
            added = false;
            foreach (var type in SourceTypes.Of(_compilation, CancellationToken.None))
            {
                if (type.Name.IndexOf("Finish", System.StringComparison.Ordinal) >= 0 || found.Contains(type.Name)
                    || !(_names.MayName(type, SourceNames.Finish, CancellationToken.None)
                         || (found.Count > 0 && SourceNames.SpellsAny(type, found, CancellationToken.None)))
                    || !_types.IsFinishType(type))
                {
                    continue;
                }

                found.Add(type.Name);
                added = true;
                if (found.Count > MaxOtherNames)
                {
                    return null;
                }
            }
        }

        return found;
    }
}
