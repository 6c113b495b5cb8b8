using System.Collections.Concurrent;
using System.Collections.Generic;
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

    // The search by name (ReachesNoTargetByName): for each method searched, whether it may reach a target by name (false:
    // its whole closure reaches none), and the methods of each name.
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _byName = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, IMethodSymbol[]> _methodsNamed = new(System.StringComparer.Ordinal);

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

        // A method whose syntax, followed by name, reaches no call of a target reaches none: nothing is bound.
        if (ReachesNoTargetByName(method, cancellationToken))
        {
            return _reach.GetOrAdd(method, CallTargets.None);
        }

        // The usual callee calls no source method (a device helper): its own targets are the answer, with no search.
        var own = CallsOf(method, cancellationToken);
        var reached = own.Callees.IsEmpty ? own.Direct : SourceCalls.Reach(method, callee => CallsOf(callee, cancellationToken));
        return _reach.GetOrAdd(method, reached);
    }

    /// <summary>
    /// Whether <paramref name="method"/> surely reaches no target, read from syntax only (<see cref="CallSyntax.Read"/>):
    /// neither it nor any source method it may call by name, nor any they may call in turn, may call a target. Every call
    /// that <see cref="SourceCalls"/> follows names its callee, an ordinary source method of that name that a call on its
    /// receiver can bind to (<see cref="CallSyntax.MayBind"/>: a call on a field of a framework type cannot bind to a
    /// device's method of the same name), so the methods found by name hold every method the bound search would visit;
    /// when none of them may call a target, that search finds none (whatever its depth and breadth limits). False when a
    /// method found may call one, or when more than <see cref="MaxByName"/> methods are found: the bound search then
    /// decides. Every method of a closure that reaches nothing reaches nothing either, and every method on a chain of names
    /// to a method that may call a target may reach one by name: both are remembered for the next search.
    /// </summary>
    internal bool ReachesNoTargetByName(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_byName.TryGetValue(method, out var known))
        {
            return !known;
        }

        // Most methods are decided by their own reading (a device helper calls no source method, or the method calls a
        // target itself): no search, nothing allocated.
        var own = _syntax.Read(method, cancellationToken);
        if (own.MayCallTarget || own.CalledNames.Length == 0)
        {
            _byName.TryAdd(method, own.MayCallTarget);
            return !own.MayCallTarget;
        }

        // Breadth first from the method's own reading, each method found remembering the one that named it: when one may
        // call a target, that method and the chain that found it may reach a target by name, and a later search stops at
        // the first of them it meets.
        var foundBy = new Dictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default) { [method] = null };
        var pending = new Queue<IMethodSymbol>();
        if (!EnqueueCallees(method, method, own, foundBy, pending, cancellationToken))
        {
            return false;
        }

        while (pending.Count > 0)
        {
            var current = pending.Dequeue();
            if (_byName.TryGetValue(current, out var mayReach))
            {
                if (mayReach)
                {
                    RememberMayReach(current, foundBy);
                    return false;
                }

                continue; // its whole closure is known to reach nothing
            }

            var calls = _syntax.Read(current, cancellationToken);
            if (calls.MayCallTarget)
            {
                RememberMayReach(current, foundBy);
                return false;
            }

            if (!EnqueueCallees(method, current, calls, foundBy, pending, cancellationToken))
            {
                return false;
            }
        }

        foreach (var reached in foundBy.Keys)
        {
            _byName.TryAdd(reached, false);
        }

        return true;
    }

    /// <summary>
    /// Queues the methods that <paramref name="current"/>'s <paramref name="calls"/> may call by name and that the search
    /// from <paramref name="root"/> has not found yet; false (the root left to the bound search) when they would make
    /// more than <see cref="MaxByName"/>.
    /// </summary>
    private bool EnqueueCallees(IMethodSymbol root, IMethodSymbol current, SyntaxCalls calls,
                                Dictionary<IMethodSymbol, IMethodSymbol?> foundBy, Queue<IMethodSymbol> pending,
                                CancellationToken cancellationToken)
    {
        for (var i = 0; i < calls.CalledNames.Length; i++)
        {
            var receivers = calls.ReceiversOf(i);
            foreach (var callee in MethodsNamed(calls.CalledNames[i], cancellationToken))
            {
                if ((receivers is null || CallSyntax.MayBind(receivers, callee)) && !foundBy.ContainsKey(callee))
                {
                    if (foundBy.Count >= MaxByName)
                    {
                        _byName.TryAdd(root, true); // too many to look at: this method is left to the bound search
                        return false;
                    }

                    foundBy[callee] = current;
                    pending.Enqueue(callee);
                }
            }
        }

        return true;
    }

    /// <summary>Remembers that <paramref name="method"/>, and each method on the chain that found it, may reach a target by name.</summary>
    private void RememberMayReach(IMethodSymbol method, Dictionary<IMethodSymbol, IMethodSymbol?> foundBy)
    {
        for (IMethodSymbol? current = method; current is not null; current = foundBy[current])
        {
            _byName.TryAdd(current, true);
        }
    }

    /// <summary>How many methods the search by name looks at before it leaves the answer to the bound search.</summary>
    internal const int MaxByName = 32;

    /// <summary>
    /// The ordinary methods declared in source named <paramref name="name"/> (<see cref="SourceCalls.BodyDefinition"/>, as <see cref="SourceCalls.FollowedTarget"/>
    /// names them: the implementation part of a partial method), found through the source types that declare the name.
    /// </summary>
    private IMethodSymbol[] MethodsNamed(string name, CancellationToken cancellationToken)
    {
        if (_methodsNamed.TryGetValue(name, out var known))
        {
            return known;
        }

        var methods = new List<IMethodSymbol>();
        foreach (var type in _syntax.MemberNames.TypesDeclaring(name, cancellationToken))
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } candidate)
                {
                    methods.Add(SourceCalls.BodyDefinition(candidate));
                }
            }
        }

        return _methodsNamed.GetOrAdd(name, methods.ToArray());
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
