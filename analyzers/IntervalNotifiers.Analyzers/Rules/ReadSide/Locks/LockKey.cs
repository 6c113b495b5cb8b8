using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>A lock expression: the field or property it names, or (unnamed) its text for matching acquire and release.</summary>
internal readonly struct LockKey
{
    public LockKey(ISymbol? symbol, string text)
    {
        Symbol = symbol;
        Text = text;
    }

    /// <summary>The field or property the expression names (docs/rules/NTF010.md, "What counts as a lock"), or null.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>The expression's text when it names no member (empty otherwise).</summary>
    public string Text { get; }

    public bool Matches(LockKey other)
        => Symbol is not null
            ? SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol)
            : other.Symbol is null && Text == other.Text;
}
