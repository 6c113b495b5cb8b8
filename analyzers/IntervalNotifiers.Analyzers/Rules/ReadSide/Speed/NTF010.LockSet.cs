using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// The locks some SetSequence facts hold, asked "is this reader's lock one of them?" (NTF010's "same lock", a
/// speed-up only): the lock symbols as written are compared first, and the canonical locks
/// (<see cref="CanonicalLockCache"/>, which builds the compilation's aliases on first use) only when they differ.
/// </summary>
/// <remarks>
/// What it skips: the aliases and the canonical lock of every fact when a reader names the very lock the facts name
/// (the usual correct code). Invariant: <see cref="Holds"/> is "the canonical lock of <c>symbol</c> is the canonical
/// lock of one of the facts' locks"; the same symbol has the same canonical lock, so a symbol found as written is
/// found canonically too, and a symbol not found as written is looked up canonically.
/// </remarks>
internal sealed class LockSet
{
    private readonly HashSet<ISymbol> _named = new(SymbolEqualityComparer.Default);
    private HashSet<ISymbol>? _canonical;

    public void AddRange(ImmutableArray<ISymbol> symbols)
    {
        foreach (var symbol in symbols)
        {
            _named.Add(symbol);
        }
    }

    /// <summary>Whether the canonical lock of <paramref name="symbol"/> is that of one of the locks added.</summary>
    public bool Holds(ISymbol symbol, CanonicalLockCache canonical)
    {
        if (_named.Count == 0)
        {
            return false;
        }

        if (_named.Contains(symbol))
        {
            return true;
        }

        if (_canonical is null)
        {
            _canonical = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var named in _named)
            {
                _canonical.Add(canonical.Of(named));
            }
        }

        return _canonical.Contains(canonical.Of(symbol));
    }
}
