using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>A lock expression: the field or property it names, or (unnamed) its text for matching acquire and release.</summary>
internal readonly struct LockKey
{
    public LockKey(ISymbol? symbol, string text, bool isLockStatement = false)
    {
        Symbol = symbol;
        Text = text;
        IsLockStatement = isLockStatement;
    }

    /// <summary>The field or property the expression names (docs/rules/NTF010.md, "What counts as a lock"), or null.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>The expression's text when it names no member (empty otherwise).</summary>
    public string Text { get; }

    /// <summary>Whether the region is a C# <c>lock</c> statement (rather than an Enter/Exit or Wait/Release pair).</summary>
    public bool IsLockStatement { get; }

    public bool Matches(LockKey other)
        => Symbol is not null
            ? SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol)
            : other.Symbol is null && Text == other.Text;
}
