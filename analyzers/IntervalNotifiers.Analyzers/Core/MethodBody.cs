using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>The operation blocks of one member, with its operations in order and its control-flow graph.</summary>
internal sealed class MethodBody
{
    private readonly Walks _walks;

    // Speed layer (Speed/Memo.cs): both are computed on first use and kept.
    private IOperation[]? _operations;
    private StrongBox<ControlFlowGraph?>? _cfg;

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
    /// Every operation of the body, blocks in order (<see cref="Walk"/>; the walk is shared by every analyzer through
    /// <see cref="Walks"/>, so never write to the array). An array rather than a read-only list: the analyzers' loops
    /// over every operation then index it, without an enumerator and two interface calls per operation.
    /// </summary>
    public IOperation[] Operations()
        => Memo.Get(ref _operations, this,
                    static body => body.Blocks.IsDefaultOrEmpty ? Array.Empty<IOperation>() : body._walks.Get(body.Blocks));

    /// <summary>Every operation of <paramref name="blocks"/>: pre-order, children in source order (as <c>DescendantsAndSelf</c>).</summary>
    internal static IOperation[] Walk(ImmutableArray<IOperation> blocks)
    {
        // Without DescendantsAndSelf's nested iterators, and with the two work lists reused by the thread's next walk
        // (only the result array is allocated per body).
        var list = t_list ?? new List<IOperation>(capacity: 256);
        var pending = t_pending ?? new List<IOperation>(capacity: 64);
        t_list = t_pending = null; // a nested walk on this thread gets lists of its own
        try
        {
            foreach (var block in blocks)
            {
                pending.Add(block);
                while (pending.Count > 0)
                {
                    var operation = pending[pending.Count - 1];
                    pending.RemoveAt(pending.Count - 1);
                    list.Add(operation);
                    foreach (var child in operation.ChildOperations.Reverse())
                    {
                        pending.Add(child); // pushed last to first, so the first child is visited next
                    }
                }
            }

            return list.ToArray();
        }
        finally
        {
            list.Clear();
            pending.Clear();
            if (list.Capacity <= MaxKeptCapacity && pending.Capacity <= MaxKeptCapacity)
            {
                t_list = list;
                t_pending = pending;
            }
        }
    }

    // The work lists of the last walk on this thread, kept unless a huge body grew them.
    private const int MaxKeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static List<IOperation>? t_list;

    [ThreadStatic]
    private static List<IOperation>? t_pending;

    /// <summary>
    /// The control-flow graph of the member's body, or null when it has none (no body, or a shape the
    /// flow analysis does not support). Built on first use: filter before asking for it.
    /// </summary>
    /// <remarks>
    /// Built here rather than taken from the driver's cache (<c>OperationBlockAnalysisContext.GetControlFlowGraph</c>):
    /// keeping that method for later boxed the whole context and allocated a delegate for every body collected, a
    /// tenth of what the analyzers allocated on the valid-code project, while the trees answer nearly every flow
    /// question before a graph is needed (one graph on that project).
    /// </remarks>
    public ControlFlowGraph? GetControlFlowGraph()
        => Memo.Get(ref _cfg, this, static body => new StrongBox<ControlFlowGraph?>(body.Build())).Value;

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
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Operations with errors or shapes the CFG builder rejects: no graph, so the rules stay silent.
                return null;
            }
        }

        return null;
    }
}
