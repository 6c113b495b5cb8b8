using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>Compares flow keys: symbols by <see cref="SymbolEqualityComparer.Default"/>, anything else (capture ids, sentinels) by Equals.</summary>
internal sealed class FlowKeyComparer : IEqualityComparer<object>
{
    public static readonly FlowKeyComparer Instance = new();

    public new bool Equals(object? x, object? y)
        => x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

    public int GetHashCode(object obj)
        => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
}
