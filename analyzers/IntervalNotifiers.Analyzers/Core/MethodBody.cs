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
        // Without DescendantsAndSelf's nested iterators, and with the two work arrays reused by the thread's next walk
        // (only the result array is allocated per body). They are written through spans: a store into an IOperation[]
        // otherwise checks the element's type against the interface each time (40 % of the walk's time).
        var walked = t_walked ?? new IOperation[256];
        var pending = t_pending ?? new IOperation[64];
        t_walked = t_pending = null; // a nested walk on this thread gets arrays of its own
        int count = 0, top = 0;
        try
        {
            foreach (var block in blocks)
            {
                Add(ref pending, ref top, block);
                while (top > 0)
                {
                    var operation = pending[--top];
                    new Span<IOperation>(pending)[top] = null!;
                    Add(ref walked, ref count, operation);
                    foreach (var child in operation.ChildOperations.Reverse())
                    {
                        Add(ref pending, ref top, child); // pushed last to first, so the first child is visited next
                    }
                }
            }

            var result = new IOperation[count];
            new ReadOnlySpan<IOperation>(walked, 0, count).CopyTo(result);
            return result;
        }
        finally
        {
            new Span<IOperation>(walked, 0, count).Clear();
            new Span<IOperation>(pending, 0, top).Clear();
            if (walked.Length <= MaxKeptCapacity && pending.Length <= MaxKeptCapacity)
            {
                t_walked = walked;
                t_pending = pending;
            }
        }
    }

    private static void Add(ref IOperation[] array, ref int count, IOperation operation)
    {
        if (count == array.Length)
        {
            Array.Resize(ref array, array.Length * 2);
        }

        new Span<IOperation>(array)[count++] = operation;
    }

    // The work arrays of the last walk on this thread, kept unless a huge body grew them.
    private const int MaxKeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static IOperation[]? t_walked;

    [ThreadStatic]
    private static IOperation[]? t_pending;

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
