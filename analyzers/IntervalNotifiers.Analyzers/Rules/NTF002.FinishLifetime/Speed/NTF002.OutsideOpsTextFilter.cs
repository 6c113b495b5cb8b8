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
/// runtime (its finish types are not listed), or when a using alias spells <c>Finish</c> or one of those names
/// (<c>using S = GpuFinish;</c> lets <c>new S()</c> create one elsewhere). Up to <see cref="SearchedOneByOne"/> names
/// are searched for one by one in a type's text; more (a generated driver set with a thousand <c>FlushNNNN</c> types)
/// are found word by word in one pass over every tree (Speed/WordIndex.cs), unless one of them is beyond ASCII (then
/// one by one, as before). A <c>\u</c> escape passes its type (Speed/SourceNames.cs).
/// The finish types named otherwise are found by reading every source type's base chain once per compilation (the
/// chains the symbol start reads anyway to find the ops types).
/// </remarks>
internal sealed class OutsideOpsTextFilter
{
    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly SourceNames _names;

    /// <summary>Up to how many names of source finish types named without "Finish" are searched for one by one (more: word by word).</summary>
    internal const int SearchedOneByOne = 16;

    // Computed by the first type asked about (Speed/Memo.cs), boxed so that null is a value too: null when every type
    // passes, otherwise the names of the source finish types named without "Finish" (often none), which a type must spell
    // to create one, with their word index when there are more than SearchedOneByOne.
    private System.Runtime.CompilerServices.StrongBox<(string[] Names, WordIndex? Index)?>? _otherNames;

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

        var other = Memo.Get(ref _otherNames, this, static self => new System.Runtime.CompilerServices.StrongBox<(string[], WordIndex?)?>(self.OtherNames())).Value;
        return other is not var (names, index) || SpellsAny(outermost, names, index, cancellationToken);
    }

    /// <summary>
    /// The names of the source finish types named without "Finish"; null when every type must pass: another reference
    /// builds on the runtime, or a using alias spells Finish or one of those names.
    /// </summary>
    private (string[], WordIndex?)? OtherNames()
    {
        if (UnusedRuntime.AnotherReferenceUsesTheRuntime(_compilation, _types))
        {
            return null;
        }

        // A finish type without a name yet (half-typed code) cannot be searched for: every type passes.
        var (other, index) = FinishTypesNamedOtherwise();
        return other.Contains(string.Empty) || AnAliasSpells(other) ? null : (other.ToArray(), index);
    }

    /// <summary>Whether a using alias anywhere spells "Finish" or one of <paramref name="other"/> (it lets <c>new Alias()</c> create a finish elsewhere).</summary>
    private bool AnAliasSpells(List<string> other)
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            if (tree.GetRoot() is CompilationUnitSyntax unit && UsingDirectives.Any(unit, other, AliasSpells))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="directive"/> is an alias whose text spells "Finish" or one of <paramref name="other"/>.</summary>
    private static bool AliasSpells(UsingDirectiveSyntax directive, List<string> other)
    {
        if (directive.Alias is null)
        {
            return false;
        }

        var text = directive.ToString();
        return text.IndexOf("Finish", System.StringComparison.Ordinal) >= 0
               || other.Exists(name => name.Length > 0 && text.IndexOf(name, System.StringComparison.Ordinal) >= 0);
    }

    /// <summary>
    /// The names of the source finish types whose name lacks "Finish", with their word index when there are more than
    /// <see cref="SearchedOneByOne"/> of them (and all ASCII). Every source type's base chain is read: the analyzer's
    /// symbol start has already asked each type whether it is an ops type (<c>IsOpsType</c>), which reads the same
    /// chain, and the compiler binds every base type in its declaration stage, so this binds nothing new.
    /// </summary>
    private (List<string>, WordIndex?) FinishTypesNamedOtherwise()
    {
        var found = new List<string>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var type in SourceTypes.ListOf(_compilation, CancellationToken.None))
        {
            if (type.Name.IndexOf("Finish", System.StringComparison.Ordinal) < 0 && _types.IsFinishType(type) && seen.Add(type.Name))
            {
                found.Add(type.Name);
            }
        }

        return (found, IndexOf(found));
    }

    /// <summary>The word index of <paramref name="names"/> over the compilation, when they are too many to search one by one (and all ASCII).</summary>
    private WordIndex? IndexOf(List<string> names)
    {
        if (names.Count <= SearchedOneByOne || !names.TrueForAll(IsAscii))
        {
            return null;
        }

        var words = new WordSet();
        names.ForEach(words.Add);
        return WordIndex.Build(_compilation, words, CancellationToken.None);
    }

    private static bool IsAscii(string name)
    {
        foreach (var c in name)
        {
            if (c >= '\x80')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="type"/>'s declarations spell one of <paramref name="names"/> (found in <paramref name="index"/> when there is one).</summary>
    private static bool SpellsAny(INamedTypeSymbol type, IReadOnlyList<string> names, WordIndex? index, CancellationToken cancellationToken)
        => index?.Spells(type) ?? (names.Count > 0 && SourceNames.SpellsAny(type, names, cancellationToken));
}
