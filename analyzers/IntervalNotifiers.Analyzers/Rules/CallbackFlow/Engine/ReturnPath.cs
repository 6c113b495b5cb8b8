using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>One way a value reaches a <c>return</c>: the value computed on that path and the flow state there.</summary>
internal readonly struct ReturnPath<TState>
    where TState : class
{
    public ReturnPath(SyntaxNode statement, IOperation? value, TState state)
    {
        Statement = statement;
        Value = value;
        State = state;
    }

    /// <summary>The <c>return</c> statement, or the expression of an expression body.</summary>
    public SyntaxNode Statement { get; }

    /// <summary>The value returned on this path (a constant captured on one arm of <c>?:</c>, say); null when unknown.</summary>
    public IOperation? Value { get; }

    /// <summary>The flow state on this path, just before the value is returned.</summary>
    public TState State { get; }
}
