using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// <see cref="LockAliases.Canonical"/>, memoized for NTF010's compilation-end pass (single-threaded): a speed-up only,
/// every answer is the aliases' own.
/// </summary>
internal sealed class CanonicalLockCache
{
    private readonly LockAliases _aliases;
    private readonly Dictionary<ISymbol, ISymbol> _cache = new(SymbolEqualityComparer.Default);

    public CanonicalLockCache(LockAliases aliases) => _aliases = aliases;

    public ISymbol Of(ISymbol symbol)
    {
        if (!_cache.TryGetValue(symbol, out var result))
        {
            _cache[symbol] = result = _aliases.Canonical(symbol);
        }

        return result;
    }
}
