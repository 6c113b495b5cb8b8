using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The engine shared by the callback path rules (NTF006, NTF007, NTF008): a small forward dataflow over Roslyn's
/// <see cref="ControlFlowGraph"/>, a state per block entry, joined over the incoming edges until a fixpoint.
/// A rule states only its question: its entry state, its transfer function (and branch refinement), and which
/// paths into a <c>return</c> offend it; <see cref="OffendingReturns"/> is the one way a rule is asked. Branch conditions refine the state on each outgoing
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

    /// <summary>The state at the callback's entry.</summary>
    protected abstract TState Entry { get; }

    /// <summary>Whether a path into a <c>return</c> breaks the rule (the value it returns and the state there).</summary>
    protected abstract bool Offends(ReturnPath<TState> path);

    /// <summary>Called once before the run: a rule that first looks at the whole graph (its flow captures, say) does it here.</summary>
    protected virtual void Prepare(ControlFlowGraph cfg)
    {
    }

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

    /// <summary>The <c>return</c> statements (or expression bodies) reached by an offending path; empty when the run gave up.</summary>
    public IReadOnlyList<SyntaxNode> OffendingReturns(ControlFlowGraph cfg, CancellationToken cancellationToken)
    {
        var found = new List<SyntaxNode>();
        if (Run(cfg, cancellationToken) is not { } result)
        {
            return found;
        }

        foreach (var path in ReturnSites.Enumerate(cfg, result))
        {
            if (!found.Contains(path.Statement) && Offends(path))
            {
                found.Add(path.Statement);
            }
        }

        return found;
    }

    /// <summary>Runs the analysis from <see cref="Entry"/>; null when it did not converge in time.</summary>
    public FlowResult<TState>? Run(ControlFlowGraph cfg, CancellationToken cancellationToken)
    {
        Prepare(cfg);
        var entry = Entry;
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
