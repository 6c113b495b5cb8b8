using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// A finish leaving the two-pass list: its <see cref="Kind"/> (the outermost step) and the passive phrase for the
/// message (<see cref="Words"/>, e.g. "stored in the field '_last'"), which nests the steps after the first.
/// </summary>
internal sealed class Escape
{
    private Escape(EscapeKind kind, string words, IOperation? function = null)
    {
        Kind = kind;
        Words = words;
        Function = function;
    }

    public EscapeKind Kind { get; }

    /// <summary>The passive phrase completing "'f' is ...".</summary>
    public string Words { get; }

    /// <summary>
    /// For a capture, the lambda or local function that captures the use and escapes: every capture in it is one
    /// violation (docs/contract.md#counting-and-place). Null for any other escape.
    /// </summary>
    public IOperation? Function { get; }

    public static Escape Of(EscapeKind kind, string words) => new(kind, words);

    /// <summary>A step before this one: <paramref name="prefix"/> followed by this escape's words.</summary>
    public Escape After(EscapeKind kind, string prefix) => new(kind, prefix + Words);

    /// <summary>A capture by <paramref name="function"/>, which escapes as this escape says.</summary>
    public Escape CapturedBy(EscapeKind kind, string prefix, IOperation function) => new(kind, prefix + Words, function);

    /// <summary>This escape's words followed by a further step (<paramref name="suffix"/> + <paramref name="then"/>'s words).</summary>
    public Escape Then(EscapeKind kind, string suffix, Escape then) => new(kind, Words + suffix + then.Words);

    public override string ToString() => Kind + ": " + Words;
}
