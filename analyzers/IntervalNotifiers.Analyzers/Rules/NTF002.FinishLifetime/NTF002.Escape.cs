using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// A finish leaving the two-pass list: its <see cref="Kind"/> (the outermost step) and the passive phrase for the
/// message (<see cref="Words"/>, e.g. "stored in the field '_last'"), which nests the steps after the first.
/// </summary>
internal sealed class Escape
{
    private Escape(EscapeKind kind, string words, IOperation? function, bool inReceiver)
    {
        Kind = kind;
        Words = words;
        Function = function;
        InReceiver = inReceiver;
    }

    public EscapeKind Kind { get; }

    /// <summary>The passive phrase completing "'f' is ...".</summary>
    public string Words { get; }

    /// <summary>
    /// For a capture, the lambda or local function that captures the use and escapes: every capture in it is one
    /// violation (docs/contract.md#counting-and-place). Null for any other escape.
    /// </summary>
    public IOperation? Function { get; }

    /// <summary>
    /// Whether the finish ends up only in the state of the method's receiver (<c>this</c>, or an object in one of its
    /// fields): a caller whose receiver is an object made in the pass keeps it no longer than that object lives.
    /// </summary>
    public bool InReceiver { get; }

    public static Escape Of(EscapeKind kind, string words, bool inReceiver = false) => new(kind, words, null, inReceiver);

    /// <summary>A step before this one: <paramref name="prefix"/> followed by this escape's words.</summary>
    public Escape After(EscapeKind kind, string prefix) => new(kind, prefix + Words, null, InReceiver);

    /// <summary>A capture by <paramref name="function"/>, which escapes as this escape says.</summary>
    public Escape CapturedBy(EscapeKind kind, string prefix, IOperation function) => new(kind, prefix + Words, function, InReceiver);

    /// <summary>This escape's words followed by a further step (<paramref name="suffix"/> + <paramref name="then"/>'s words).</summary>
    public Escape Then(EscapeKind kind, string suffix, Escape then) => new(kind, Words + suffix + then.Words, null, then.InReceiver);

    /// <summary>The same escape, with <see cref="InReceiver"/> set as given.</summary>
    public Escape WithInReceiver(bool inReceiver) => inReceiver == InReceiver ? this : new(Kind, Words, Function, inReceiver);

    public override string ToString() => Kind + ": " + Words;
}
