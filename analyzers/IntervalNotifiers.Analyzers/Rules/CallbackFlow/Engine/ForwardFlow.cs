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
    /// <remarks>
    /// Speed (Speed/README.md): the work list is the lowest queued ordinal (blocks are few; a scan of a bool array
    /// beats a sorted set), a block has at most two outgoing edges (two locals, no dictionary per visit), and edge
    /// states are kept only for the return blocks that <see cref="ReturnSites"/> reads them for.
    /// </remarks>
    public FlowResult<TState>? Run(ControlFlowGraph cfg, CancellationToken cancellationToken)
    {
        Prepare(cfg);
        var entry = Entry;
        var blocks = cfg.Blocks;
        var result = new FlowResult<TState>(blocks.Length);
        var queued = new bool[blocks.Length];
        var visits = new int[blocks.Length];
        var pending = 0;
        var lowest = 0;
        var hasFinally = HasFinally(cfg.Root); // no finally: no branch runs one, and its list need not be built

        result.In[0] = entry;
        queued[0] = true;
        pending = 1;

        while (pending > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = lowest;
            while (!queued[ordinal])
            {
                ordinal++;
            }

            queued[ordinal] = false;
            pending--;
            lowest = ordinal + 1;
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

            int firstTo = -1, secondTo = -1;
            TState? first = null, second = null;
            if (block.ConditionKind == ControlFlowConditionKind.None || block.BranchValue is null)
            {
                var after = block.BranchValue is null ? state : Transfer(state, block.BranchValue);
                AddEdge(block.FallThroughSuccessor, after);
            }
            else
            {
                var (whenTrue, whenFalse) = Branch(state, block.BranchValue);
                var conditional = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenTrue : whenFalse;
                var fallThrough = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenFalse : whenTrue;
                AddEdge(block.ConditionalSuccessor, conditional);
                AddEdge(block.FallThroughSuccessor, fallThrough);
            }

            if (first is not null)
            {
                Follow(firstTo, first);
            }

            if (second is not null)
            {
                Follow(secondTo, second);
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

            void AddEdge(ControlFlowBranch? branch, TState? edgeState)
            {
                var destination = branch?.Destination;
                if (destination is null || edgeState is null)
                {
                    return;
                }

                if (hasFinally && !branch!.FinallyRegions.IsEmpty)
                {
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
                }

                if (first is null)
                {
                    firstTo = destination.Ordinal;
                    first = edgeState;
                }
                else if (firstTo == destination.Ordinal)
                {
                    first = Join(first, edgeState);
                }
                else
                {
                    secondTo = destination.Ordinal;
                    second = edgeState;
                }
            }

            void Follow(int to, TState edgeState)
            {
                if (ReturnSites.ReadsEdgeStates(blocks[to]))
                {
                    result.Edges[(ordinal, to)] = edgeState;
                }

                Propagate(to, edgeState);
            }
        }

        return result;

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
                pending++;
                if (destination < lowest)
                {
                    lowest = destination;
                }
            }
        }
    }

    private static bool HasFinally(ControlFlowRegion region)
    {
        if (region.Kind == ControlFlowRegionKind.Finally)
        {
            return true;
        }

        foreach (var nested in region.NestedRegions)
        {
            if (HasFinally(nested))
            {
                return true;
            }
        }

        return false;
    }
}
