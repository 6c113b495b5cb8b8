using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Infrastructure;

/// <summary>
/// The operation bodies of one named type (all its partial declarations), collected in a symbol-start
/// scope, with the calls between the type's own methods. It answers RULES.md's helper clause: a private
/// or internal method that is called only from inside a callback (or only from such methods) counts as
/// part of that callback.
/// </summary>
/// <remarks>
/// Only calls seen inside the type are known. A helper that is also referenced as a method group (a
/// delegate) is never part of a callback, since it can run from anywhere. Callers in other types of an
/// internal helper are not seen: the helper is then taken as part of the callback, which errs towards
/// silence.
/// </remarks>
public sealed class TypeBodies
{
    // Filled concurrently by the operation-block actions (no lock: one enqueue per member); the call graph is
    // built from it once, lazily, when the symbol-end analysis first asks (single-threaded by then).
    private readonly ConcurrentQueue<MethodBody> _queue = new();
    private MethodBody[]? _bodies;
    private TypeCallGraph? _graph;

    private TypeBodies(NotifierTypes types, INamedTypeSymbol type)
    {
        Types = types;
        Type = type;
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

        var bodies = new TypeBodies(types, type);
        context.RegisterOperationBlockAction(bodies.OnOperationBlock);
        context.RegisterSymbolEndAction(end => onEnd(end, bodies));
    }

    private void OnOperationBlock(OperationBlockAnalysisContext context)
        => _queue.Enqueue(new MethodBody(context.OwningSymbol, context.OperationBlocks, Walks.For(context.Compilation)));

    /// <summary>The bodies and the calls between the type's own methods, built once from the bodies collected so far.</summary>
    /// <remarks>
    /// No lock: the symbol-end analysis that asks runs after every block of the type was collected; a racing
    /// caller would at worst build an equal graph twice.
    /// </remarks>
    private TypeCallGraph GetGraph()
    {
        var bodies = GetBodies();
        var graph = Volatile.Read(ref _graph);
        if (graph is null || graph.Bodies != bodies)
        {
            graph = BuildGraph(bodies);
            Volatile.Write(ref _graph, graph);
        }

        return graph;
    }

    /// <summary>The bodies collected so far, copied out of the queue once (again only if more arrived since).</summary>
    private MethodBody[] GetBodies()
    {
        var bodies = Volatile.Read(ref _bodies);
        if (bodies is null || bodies.Length != _queue.Count)
        {
            bodies = _queue.ToArray();
            Volatile.Write(ref _bodies, bodies);
        }

        return bodies;
    }

    private TypeCallGraph BuildGraph(MethodBody[] bodies)
    {
        var graph = new TypeCallGraph(bodies);
        foreach (var body in bodies)
        {
            var caller = Key(body.Owner);
            foreach (var operation in body.Operations())
            {
                IMethodSymbol? target = null;
                switch (operation)
                {
                    case IInvocationOperation invocation when IsOwnMethod(invocation.TargetMethod):
                        target = invocation.TargetMethod;
                        break;
                    case IPropertyReferenceOperation { Property: { IsIndexer: false, GetMethod: { } getter } } property
                        when IsOwnMethod(getter) && !IsAssignmentTarget(property):
                        // Reading a property of the type runs its getter: a private getter is a helper like a method.
                        target = getter;
                        break;
                    case IMethodReferenceOperation reference when IsOwnMethod(reference.Method):
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
        if (Volatile.Read(ref graph.Membership) is { } known)
        {
            return known;
        }

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

        // Greatest fixpoint: drop every helper with a caller that is neither a callback nor a kept helper.
        bool changed;
        do
        {
            changed = false;
            foreach (var helper in helpers.ToImmutableArray())
            {
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

        Volatile.Write(ref graph.Membership, result);
        return result;
    }
}

/// <summary>The collected bodies of a type and the calls between its own methods.</summary>
internal sealed class TypeCallGraph
{
    public TypeCallGraph(MethodBody[] bodies) => Bodies = bodies;

    public MethodBody[] Bodies { get; }

    public Dictionary<IMethodSymbol, List<(ISymbol Caller, IOperation Call)>> Calls { get; } =
        new(SymbolEqualityComparer.Default);

    public HashSet<IMethodSymbol> Escaping { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The membership of each member (<see cref="TypeBodies.MembershipOf"/>), computed once.</summary>
    public Dictionary<ISymbol, CallbackKind>? Membership;
}

/// <summary>The operation blocks of one member, with a lazily built control-flow graph.</summary>
public sealed class MethodBody
{
    private IOperation[]? _operations;
    private StrongBox<ControlFlowGraph?>? _cfg;

    private readonly Walks _walks;

    internal MethodBody(ISymbol owner, ImmutableArray<IOperation> blocks, Walks walks)
    {
        Owner = owner;
        Blocks = blocks;
        _walks = walks;
    }

    /// <summary>The member (method, accessor, constructor, field or property with an initializer).</summary>
    public ISymbol Owner { get; }

    public ImmutableArray<IOperation> Blocks { get; }

    /// <summary>
    /// Every operation of the body, blocks in order: walked once per compilation and shared by every analyzer (see
    /// <see cref="Walks"/>), then kept here.
    /// </summary>
    public IReadOnlyList<IOperation> Operations()
    {
        var operations = Volatile.Read(ref _operations);
        if (operations is null)
        {
            operations = Blocks.IsDefaultOrEmpty ? Array.Empty<IOperation>() : _walks.Get(Blocks);
            Volatile.Write(ref _operations, operations);
        }

        return operations;
    }

    internal static IOperation[] Walk(ImmutableArray<IOperation> blocks)
    {
        // Pre-order with children in source order, as DescendantsAndSelf gives them, without its nested iterators.
        var list = new List<IOperation>();
        var pending = new List<IOperation>();
        foreach (var block in blocks)
        {
            pending.Add(block);
            while (pending.Count > 0)
            {
                var operation = pending[pending.Count - 1];
                pending.RemoveAt(pending.Count - 1);
                list.Add(operation);
                var start = pending.Count;
                foreach (var child in operation.ChildOperations)
                {
                    pending.Add(child);
                }

                pending.Reverse(start, pending.Count - start);
            }
        }

        return list.ToArray();
    }

    /// <summary>
    /// The control-flow graph of the member's body, or null when it has none (no body, or a shape the
    /// flow analysis does not support). Built once, on first use: filter before asking for it. No lock: a racing
    /// caller would at worst build an equal graph twice.
    /// </summary>
    public ControlFlowGraph? GetControlFlowGraph()
    {
        var cfg = Volatile.Read(ref _cfg);
        if (cfg is null)
        {
            cfg = new StrongBox<ControlFlowGraph?>(Build());
            Volatile.Write(ref _cfg, cfg);
        }

        return cfg.Value;
    }

    private ControlFlowGraph? Build()
    {
        foreach (var block in Blocks)
        {
            var root = block;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            try
            {
                switch (root)
                {
                    case IMethodBodyOperation methodBody:
                        return ControlFlowGraph.Create(methodBody);
                    case IConstructorBodyOperation constructorBody:
                        return ControlFlowGraph.Create(constructorBody);
                    case IBlockOperation body:
                        return ControlFlowGraph.Create(body);
                }
            }
            catch (ArgumentException)
            {
                // Operations with errors or shapes the CFG builder rejects: no graph, so the rules stay silent.
                return null;
            }
        }

        return null;
    }
}

/// <summary>
/// The operation walks of member bodies, shared by every IntervalNotifiers analyzer of one compilation: the driver
/// hands all analyzers the same operation trees, so a walk is keyed by the body's first block (by reference). One
/// table per compilation, dropped with it; only the bodies the analyzers ask for (ops types, and types that call
/// the runtime's checked methods) are walked and kept.
/// </summary>
internal sealed class Walks
{
    private static readonly ConditionalWeakTable<Compilation, Walks> PerCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, Walks>.CreateValueCallback Create = _ => new Walks();

    private readonly ConcurrentDictionary<IOperation, IOperation[]> _walks = new(OperationIdentity.Instance);

    public static Walks For(Compilation compilation) => PerCompilation.GetValue(compilation, Create);

    public IOperation[] Get(ImmutableArray<IOperation> blocks)
    {
        if (_walks.TryGetValue(blocks[0], out var operations))
        {
            return operations;
        }

        operations = MethodBody.Walk(blocks);
        return _walks.GetOrAdd(blocks[0], operations);
    }
}
