using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Per compilation, what each source method reaches when called (<see cref="SourceCalls"/>), computed once and shared
/// by every caller, every type and every analyzer of the compilation.
/// </summary>
/// <remarks>
/// What it skips: binding and walking a called method's body again for each call of it, and searching again from a
/// method already searched from. Invariant that keeps it consistent: a method's own calls (<see cref="MethodCalls"/>)
/// depend only on its body, and what it reaches only on those of the methods below it, all fixed for a compilation.
/// Thread-safe without a lock: racing callers may compute the same value twice, and one of the equal values is kept.
/// A cancelled computation throws before anything is stored.
/// </remarks>
internal sealed class CallSummaries
{
    private static readonly ConditionalWeakTable<Compilation, CallSummaries> PerCompilation = new();

    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly CallSyntax _syntax;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodCalls> _calls = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, CallTargets> _reach = new(SymbolEqualityComparer.Default);

    private CallSummaries(Compilation compilation, NotifierTypes types)
    {
        _compilation = compilation;
        _types = types;
        _syntax = new CallSyntax(compilation, types);
    }

    /// <summary>The summaries of <paramref name="compilation"/> (its <paramref name="types"/> resolve the targets).</summary>
    public static CallSummaries For(Compilation compilation, NotifierTypes types)
        => PerCompilation.GetValue(compilation, c => new CallSummaries(c, types));

    /// <summary>The targets a call of <paramref name="method"/> (a <see cref="SourceCalls.FollowedTarget"/>) reaches.</summary>
    public CallTargets Reach(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_reach.TryGetValue(method, out var known))
        {
            return known;
        }

        // The usual callee calls no source method (a device helper): its own targets are the answer, with no search.
        var own = CallsOf(method, cancellationToken);
        var reached = own.Callees.IsEmpty ? own.Direct : SourceCalls.Reach(method, callee => CallsOf(callee, cancellationToken));
        return _reach.GetOrAdd(method, reached);
    }

    private MethodCalls CallsOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_calls.TryGetValue(method, out var known))
        {
            return known;
        }

        // A body whose syntax calls neither a target nor a source method is not bound (Speed/CallSyntax.cs).
        var calls = _syntax.MayCall(method, cancellationToken)
            ? SourceCalls.Compute(method, _compilation, _types, cancellationToken)
            : MethodCalls.None;
        return _calls.GetOrAdd(method, calls);
    }
}
