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
/// hold the constraints of the type parameters it may use) spell neither <c>Finish</c> nor a target-typed <c>new(</c>.
/// Invariant that keeps it consistent: such a type can create no finish and call no <c>InvalidateFinish</c>, because
/// every name those need contains <c>Finish</c>: <c>InvalidateFinish</c>, <c>NotifierFinish</c>, and each finish type
/// of the compilation's source when all their names contain it. When one does not (a finish type named
/// <c>Shootdown</c>), when another referenced assembly builds on the runtime (its finish types are not listed), or when
/// a using alias spells <c>Finish</c> (<c>using S = GpuFinish;</c> lets <c>new S()</c> create one elsewhere), the
/// filter passes every type. A <c>\u</c> escape passes its type (Speed/SourceNames.cs). Looking for a finish type named
/// otherwise binds the base types only of the source types whose text spells <c>Finish</c>.
/// </remarks>
internal sealed class OutsideOpsTextFilter
{
    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly SourceNames _names;

    // Computed by the first type asked about (Speed/Memo.cs); a box so that "false" is a value too.
    private System.Runtime.CompilerServices.StrongBox<bool>? _everyType;

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

        return _names.MayName(outermost, SourceNames.Finish | SourceNames.TargetTypedNew, cancellationToken)
               || Memo.Get(ref _everyType, this, static self => new System.Runtime.CompilerServices.StrongBox<bool>(self.PassEveryType())).Value;
    }

    private bool PassEveryType()
        => UnusedRuntime.AnotherReferenceUsesTheRuntime(_compilation, _types) || AnAliasSpellsFinish() || ASourceFinishTypeIsNamedOtherwise();

    private bool AnAliasSpellsFinish()
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            if (tree.GetRoot() is CompilationUnitSyntax unit
                && (SpellsFinish(unit.Usings) || AnyNamespaceAliasSpellsFinish(unit.Members)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyNamespaceAliasSpellsFinish(SyntaxList<MemberDeclarationSyntax> members)
    {
        foreach (var member in members)
        {
            if (member is BaseNamespaceDeclarationSyntax ns && (SpellsFinish(ns.Usings) || AnyNamespaceAliasSpellsFinish(ns.Members)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SpellsFinish(SyntaxList<UsingDirectiveSyntax> usings)
    {
        foreach (var directive in usings)
        {
            if (directive.Alias is not null && directive.ToString().IndexOf("Finish", System.StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool ASourceFinishTypeIsNamedOtherwise()
    {
        foreach (var type in SourceTypes.Of(_compilation, CancellationToken.None))
        {
            // Only a type whose declarations spell Finish can be a finish type named otherwise: its base list names
            // NotifierFinish or a finish type, whose name has Finish unless that type is itself named otherwise (and
            // found here). The others are not bound (their base types are the compiler's work, not the filter's).
            if (type.Name.IndexOf("Finish", System.StringComparison.Ordinal) < 0
                && _names.MayName(type, SourceNames.Finish, CancellationToken.None) && _types.IsFinishType(type))
            {
                return true;
            }
        }

        return false;
    }
}
