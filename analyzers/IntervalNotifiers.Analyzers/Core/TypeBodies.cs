using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>
/// The operation bodies of one named type (all its partial declarations), collected in a symbol-start
/// scope, with the calls between the type's own methods. It answers the helper clause
/// (docs/contract.md#helpers-count-as-the-callback): a private or internal method that is called only from inside
/// a callback (or only from such methods) counts as part of that callback.
/// </summary>
/// <remarks>
/// Only calls seen inside the type are known. A helper that is also referenced as a method group (a
/// delegate) is never part of a callback, since it can run from anywhere. Callers in other types of an
/// internal helper are not seen: the helper is then taken as part of the callback, which errs towards
/// silence.
/// </remarks>
internal sealed class TypeBodies
{
    // Filled concurrently by the operation-block actions (no lock: one compare-and-swap per member). A linked list
    // rather than a ConcurrentQueue, whose first segment (32 slots) would be allocated for every type and analyzer.
    private Collected? _collected;

    // Speed layer (Speed/Memo.cs): the snapshot of the queue and the graph built from it, kept until more bodies arrive.
    private MethodBody[]? _bodies;
    private GraphOf? _graph;

    private readonly TypeGraphs _graphs;

    private TypeBodies(NotifierTypes types, INamedTypeSymbol type, TypeGraphs graphs)
    {
        Types = types;
        Type = type;
        _graphs = graphs;
    }

    public NotifierTypes Types { get; }

    /// <summary>The type whose bodies these are.</summary>
    public INamedTypeSymbol Type { get; }

    /// <summary>Every member body of the type, in no particular order (no walk: the call graph is built only when asked for).</summary>
    public IReadOnlyList<MethodBody> Bodies => GetBodies();

    /// <summary>
    /// Registers the collection of <paramref name="context"/>'s type and calls <paramref name="onEnd"/> with
    /// the collected bodies at the symbol's end. Use inside a <c>RegisterSymbolStartAction(..., SymbolKind.NamedType)</c>
    /// after filtering the type.
    /// </summary>
    public static void Collect(SymbolStartAnalysisContext context, NotifierTypes types,
                               Action<SymbolAnalysisContext, TypeBodies> onEnd)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        var bodies = new TypeBodies(types, type, TypeGraphs.For(context.Compilation));
        context.RegisterOperationBlockAction(bodies.OnOperationBlock);
        context.RegisterSymbolEndAction(end => onEnd(end, bodies));
    }

    private void OnOperationBlock(OperationBlockAnalysisContext context)
        => Collected.Add(ref _collected, new MethodBody(context.OwningSymbol, context.OperationBlocks, Walks.For(context.Compilation)));

    /// <summary>The bodies and the calls between the type's own methods (shared with the other analyzers: Speed/TypeGraphs.cs).</summary>
    private TypeCallGraph GetGraph()
        => Memo.GetCurrent(ref _graph, (Self: this, Bodies: GetBodies()),
                           static (state, kept) => kept.Bodies == state.Bodies,
                           static state => new GraphOf(state.Bodies, state.Self._graphs.Get(state.Self.Type, state.Bodies, state.Self.BuildGraph)))
              .Graph;

    /// <summary>The graph obtained for one snapshot of this collection's bodies (it may have been built by another analyzer).</summary>
    private sealed class GraphOf
    {
        public GraphOf(MethodBody[] bodies, TypeCallGraph graph)
        {
            Bodies = bodies;
            Graph = graph;
        }

        public MethodBody[] Bodies { get; }

        public TypeCallGraph Graph { get; }
    }

    /// <summary>The bodies collected so far, in the order they came.</summary>
    private MethodBody[] GetBodies()
        => Memo.GetCurrent(ref _bodies, this,
                           static (self, bodies) => bodies.Length == Collected.CountOf(Volatile.Read(ref self._collected)),
                           static self => Collected.ToArray(Volatile.Read(ref self._collected)));

    /// <summary>An immutable list of the bodies collected so far, newest first, with its length.</summary>
    private sealed class Collected
    {
        private Collected(MethodBody body, Collected? next)
        {
            Body = body;
            Next = next;
            Count = CountOf(next) + 1;
        }

        public MethodBody Body { get; }
        public Collected? Next { get; }
        public int Count { get; }

        public static int CountOf(Collected? list) => list?.Count ?? 0;

        public static void Add(ref Collected? list, MethodBody body)
        {
            while (true)
            {
                var head = Volatile.Read(ref list);
                if (Interlocked.CompareExchange(ref list, new Collected(body, head), head) == head)
                {
                    return;
                }
            }
        }

        public static MethodBody[] ToArray(Collected? list)
        {
            var bodies = new MethodBody[CountOf(list)];
            for (var i = bodies.Length - 1; list is not null; i--, list = list.Next)
            {
                bodies[i] = list.Body;
            }

            return bodies;
        }
    }

    private TypeCallGraph BuildGraph(MethodBody[] bodies)
    {
        var graph = new TypeCallGraph(bodies);
        foreach (var body in bodies)
        {
            var caller = Key(body.Owner);
            foreach (var operation in body.Operations())
            {
                // The kind first (one call), the interface test only for the three kinds that count.
                IMethodSymbol? target = null;
                switch (operation.Kind)
                {
                    case OperationKind.Invocation when operation is IInvocationOperation invocation && IsOwnMethod(invocation.TargetMethod):
                        target = invocation.TargetMethod;
                        break;
                    case OperationKind.PropertyReference
                        when operation is IPropertyReferenceOperation { Property: { IsIndexer: false, GetMethod: { } getter } } property
                             && IsOwnMethod(getter) && !IsAssignmentTarget(property):
                        // Reading a property of the type runs its getter: a private getter is a helper like a method.
                        target = getter;
                        break;
                    case OperationKind.MethodReference when operation is IMethodReferenceOperation reference && IsOwnMethod(reference.Method):
                        graph.Escaping.Add((IMethodSymbol)Key(reference.Method));
                        break;
                }

                if (target is not null)
                {
                    var key = (IMethodSymbol)Key(target);
                    if (!graph.Calls.TryGetValue(key, out var list))
                    {
                        graph.Calls[key] = list = new List<(ISymbol, IOperation)>();
                    }

                    list.Add((caller, operation));
                }
            }
        }

        return graph;
    }

    /// <summary>
    /// The key of a member in the call graph: its original definition, and for a partial method its defining
    /// part (calls bind to the definition, while the body belongs to the implementation).
    /// </summary>
    public static ISymbol Key(ISymbol member)
        => member is IMethodSymbol { PartialDefinitionPart: { } definition }
            ? definition.OriginalDefinition
            : member.OriginalDefinition;

    private bool IsOwnMethod(IMethodSymbol method)
        => method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet
           && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, Type.OriginalDefinition);

    private static bool IsAssignmentTarget(IOperation operation)
        => operation.Parent is ISimpleAssignmentOperation assignment && assignment.Target == operation;

    /// <summary>
    /// Whether <paramref name="method"/> may be a helper: private or internal, an ordinary non-virtual method (or
    /// property getter) of this type.
    /// </summary>
    public bool IsHelperCandidate(IMethodSymbol method)
        => method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet
           && (method.DeclaredAccessibility == Accessibility.Private || method.DeclaredAccessibility == Accessibility.Internal)
           && !method.IsVirtual && !method.IsOverride && !method.IsAbstract && !method.IsExtern
           && method.ExplicitInterfaceImplementations.IsEmpty
           && IsOwnMethod(method);

    /// <summary>The calls of <paramref name="method"/> seen inside this type, with the member that makes each.</summary>
    public IReadOnlyList<(ISymbol Caller, IOperation Call)> CallsTo(IMethodSymbol method)
        => GetGraph().Calls.TryGetValue((IMethodSymbol)Key(method), out var list)
            ? list
            : Array.Empty<(ISymbol, IOperation)>();

    /// <summary>Whether <paramref name="method"/> is referenced as a method group (made into a delegate) in this type.</summary>
    public bool IsReferencedAsDelegate(IMethodSymbol method)
        => GetGraph().Escaping.Contains((IMethodSymbol)Key(method));

    /// <summary>
    /// The callbacks that <paramref name="member"/> is, or is part of as a helper: its own kind for an
    /// override of an ops callback; for a helper, the callbacks of its callers; <see cref="CallbackKind.None"/>
    /// for anything else (a public method, a constructor, a helper with a caller outside every callback).
    /// </summary>
    public CallbackKind MembershipOf(ISymbol member)
    {
        // A callback is its own kind, and only a helper candidate can belong to one: the call graph is needed for
        // the candidates only.
        if (member is not IMethodSymbol method)
        {
            return CallbackKind.None;
        }

        var own = Types.GetCallbackKind(method);
        if (own != CallbackKind.None || !IsHelperCandidate((IMethodSymbol)Key(method)))
        {
            return own;
        }

        var membership = ComputeMembership();
        return membership.TryGetValue(Key(member), out var kind) ? kind : CallbackKind.None;
    }

    private Dictionary<ISymbol, CallbackKind> ComputeMembership()
    {
        var graph = GetGraph();
        return Memo.Get(ref graph.Membership, (Self: this, Graph: graph), static state => state.Self.ComputeMembership(state.Graph));
    }

    private Dictionary<ISymbol, CallbackKind> ComputeMembership(TypeCallGraph graph)
    {
        var bodies = graph.Bodies;
        var calls = graph.Calls;
        var escaping = graph.Escaping;

        var result = new Dictionary<ISymbol, CallbackKind>(SymbolEqualityComparer.Default);
        var helpers = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var body in bodies)
        {
            if (body.Owner is IMethodSymbol method)
            {
                var kind = Types.GetCallbackKind(method);
                if (kind != CallbackKind.None)
                {
                    result[Key(method)] = kind;
                }
                else if (IsHelperCandidate(method) && calls.ContainsKey((IMethodSymbol)Key(method))
                         && !escaping.Contains((IMethodSymbol)Key(method)))
                {
                    helpers.Add((IMethodSymbol)Key(method));
                }
            }
        }

        if (helpers.Count == 0)
        {
            return result;
        }

        // Greatest fixpoint: drop every helper with a caller that is neither a callback nor a kept helper (each round
        // reads a copy of the set it shrinks, one array reused across rounds).
        var snapshot = new IMethodSymbol[helpers.Count];
        bool changed;
        do
        {
            changed = false;
            var count = helpers.Count;
            helpers.CopyTo(snapshot);
            for (var i = 0; i < count; i++)
            {
                var helper = snapshot[i];
                foreach (var (caller, _) in calls[helper])
                {
                    if (!result.ContainsKey(caller) && !(caller is IMethodSymbol m && helpers.Contains(m)))
                    {
                        helpers.Remove(helper);
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);

        // Least fixpoint of the kinds: a helper belongs to the callbacks of all its callers.
        var kinds = new Dictionary<IMethodSymbol, CallbackKind>(SymbolEqualityComparer.Default);
        do
        {
            changed = false;
            foreach (var helper in helpers)
            {
                var kind = CallbackKind.None;
                foreach (var (caller, _) in calls[helper])
                {
                    if (result.TryGetValue(caller, out var callerKind))
                    {
                        kind |= callerKind;
                    }
                    else if (caller is IMethodSymbol m && kinds.TryGetValue(m, out var helperKind))
                    {
                        kind |= helperKind;
                    }
                }

                kinds.TryGetValue(helper, out var previous);
                if (kind != previous)
                {
                    kinds[helper] = kind;
                    changed = true;
                }
            }
        }
        while (changed);

        foreach (var pair in kinds)
        {
            if (pair.Value != CallbackKind.None)
            {
                result[pair.Key] = pair.Value;
            }
        }

        return result;
    }
}
