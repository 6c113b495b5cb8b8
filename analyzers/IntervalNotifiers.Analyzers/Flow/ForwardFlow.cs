using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace IntervalNotifiers.Analyzers.Flow;

/// <summary>
/// A small forward dataflow engine over Roslyn's <see cref="ControlFlowGraph"/>: a state per block entry,
/// joined over the incoming edges until a fixpoint. Branch conditions refine the state on each outgoing
/// edge (the CFG lowers <c>&amp;&amp;</c>, <c>||</c>, <c>?:</c> and <c>??</c> into branches, so each part
/// of a compound condition is its own branch). A null state means "unreachable".
/// </summary>
/// <remarks>
/// Exception handlers (catch, filter, finally) have no incoming edges in the CFG: they receive the join of
/// the states of every block of their try region. An edge that leaves a try through its finally gets the
/// effect of every operation of the finally applied in order, as if all of it ran (its inner branches are
/// not followed): the rules built on this engine then err towards silence.
/// </remarks>
internal abstract class ForwardFlow<TState>
    where TState : class
{
    /// <summary>Gives up (and the caller stays silent) after this many block visits.</summary>
    private const int MaxVisitsPerBlock = 200;

    protected abstract TState Join(TState a, TState b);

    protected abstract bool Same(TState a, TState b);

    /// <summary>The effect of one block operation (a statement, or a value computed for a branch).</summary>
    protected abstract TState Transfer(TState state, IOperation operation);

    /// <summary>The states on the edges taken when <paramref name="condition"/> is true and false; null when infeasible.</summary>
    protected virtual (TState? WhenTrue, TState? WhenFalse) Branch(TState state, IOperation condition)
    {
        var after = Transfer(state, condition);
        return (after, after);
    }

    /// <summary>Runs the analysis from <paramref name="entry"/>; null when it did not converge in time.</summary>
    public FlowResult<TState>? Run(ControlFlowGraph cfg, TState entry, CancellationToken cancellationToken)
    {
        var blocks = cfg.Blocks;
        var result = new FlowResult<TState>(blocks.Length);
        var queued = new bool[blocks.Length];
        var visits = new int[blocks.Length];
        var work = new SortedSet<int>();

        result.In[0] = entry;
        work.Add(0);
        queued[0] = true;

        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = work.Min;
            work.Remove(ordinal);
            queued[ordinal] = false;
            if (++visits[ordinal] > MaxVisitsPerBlock)
            {
                return null;
            }

            var block = blocks[ordinal];
            var state = result.In[ordinal];
            if (state is null)
            {
                continue;
            }

            var inState = state;
            foreach (var operation in block.Operations)
            {
                state = Transfer(state, operation);
            }

            result.Out[ordinal] = state;

            var edges = new Dictionary<int, TState>();
            if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is null)
            {
                var after = block.BranchValue is null ? state : Transfer(state, block.BranchValue);
                AddEdge(edges, block.FallThroughSuccessor, after);
            }
            else
            {
                var (whenTrue, whenFalse) = Branch(state, block.BranchValue);
                var conditional = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenTrue : whenFalse;
                var fallThrough = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenFalse : whenTrue;
                AddEdge(edges, block.ConditionalSuccessor, conditional);
                AddEdge(edges, block.FallThroughSuccessor, fallThrough);
            }

            foreach (var edge in edges)
            {
                result.Edges[(ordinal, edge.Key)] = edge.Value;
                Propagate(edge.Key, edge.Value);
            }

            // Any point of a try region may throw into its handlers, or leave through its finally.
            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } parent)
                {
                    continue;
                }

                foreach (var handler in parent.NestedRegions)
                {
                    if (handler != region)
                    {
                        Propagate(handler.FirstBlockOrdinal, Join(inState, state));
                    }
                }
            }
        }

        return result;

        void AddEdge(Dictionary<int, TState> edges, ControlFlowBranch? branch, TState? edgeState)
        {
            var destination = branch?.Destination;
            if (destination is null || edgeState is null)
            {
                return;
            }

            foreach (var finallyRegion in branch!.FinallyRegions)
            {
                for (var i = finallyRegion.FirstBlockOrdinal; i <= finallyRegion.LastBlockOrdinal; i++)
                {
                    foreach (var operation in blocks[i].Operations)
                    {
                        edgeState = Transfer(edgeState, operation);
                    }

                    if (blocks[i].BranchValue is { } value)
                    {
                        edgeState = Transfer(edgeState, value);
                    }
                }
            }

            edges[destination.Ordinal] = edges.TryGetValue(destination.Ordinal, out var existing)
                ? Join(existing, edgeState)
                : edgeState;
        }

        void Propagate(int destination, TState edgeState)
        {
            var current = result.In[destination];
            var joined = current is null ? edgeState : Join(current, edgeState);
            if (current is not null && Same(current, joined))
            {
                return;
            }

            result.In[destination] = joined;
            if (!queued[destination])
            {
                queued[destination] = true;
                work.Add(destination);
            }
        }
    }
}

/// <summary>The fixpoint of a <see cref="ForwardFlow{TState}"/> run.</summary>
internal sealed class FlowResult<TState>
    where TState : class
{
    public FlowResult(int blockCount)
    {
        In = new TState?[blockCount];
        Out = new TState?[blockCount];
    }

    /// <summary>The state at each block's entry (null: unreachable).</summary>
    public TState?[] In { get; }

    /// <summary>The state after each block's operations, before its branch value.</summary>
    public TState?[] Out { get; }

    /// <summary>The state on each edge (source ordinal, destination ordinal).</summary>
    public Dictionary<(int From, int To), TState> Edges { get; } = new();
}
