using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The engine of the callback rules' answers on the operation tree, for structured code: a walk of the statements in
/// order that carries an upper bound of what the graph's flow (<see cref="ForwardFlow{TState}"/>) may hold at each
/// point, so that a rule can prove without a graph that the flow would report nothing. Each rule gives the transfer of
/// an expression, the states on the two edges of a condition, an upper bound for a region whose paths the walk does
/// not follow one by one (a loop, a catch, a finally, a statement it does not model), and the check of a return.
/// </summary>
/// <remarks>
/// Sound by construction as long as each rule's bound is: the walk follows every path the graph has (without
/// <c>goto</c>, the only jumps are <c>return</c>, <c>break</c>, <c>continue</c> and exceptions, and a loop, a switch
/// or a try is entered with the bound of everything inside it), and gives up (the graph decides) on a <c>goto</c> and
/// on a <c>return</c> inside anything it does not model.
/// <para>
/// An exception filter (<c>catch ... when (condition)</c>) needs no special case: the graph enters a filter, as it enters
/// a catch, from any point of its try with the states there (the filter runs before the finally blocks inside the try,
/// whose states are inside the try too), and the handler from the filter's true edge. The walk enters the handler with
/// the rule's bound of the whole catch clause (its filter included) from the bound of the try, which holds all of those.
/// </para>
/// </remarks>
internal abstract class TreeFlow<TState>
    where TState : struct
{
    private bool _gaveUp;

    /// <summary>The state after a statement that never completes normally (no path: the bottom of the rule's lattice).</summary>
    protected abstract TState Never { get; }

    /// <summary>Where two groups of paths meet.</summary>
    protected abstract TState Join(TState a, TState b);

    /// <summary>Checks a return reached with <paramref name="state"/>; calls <see cref="GiveUp"/> when it might offend.</summary>
    protected abstract void Return(IReturnOperation returnOperation, TState state);

    /// <summary>The state after <paramref name="operation"/> (a statement, a resource, a locked value) is evaluated.</summary>
    protected abstract TState Evaluate(TState state, IOperation operation);

    /// <summary>The states on the edges where <paramref name="condition"/> is true and false.</summary>
    protected abstract (TState WhenTrue, TState WhenFalse) Branch(TState state, IOperation condition);

    /// <summary>An upper bound of the state anywhere inside or after <paramref name="region"/>, entered with <paramref name="state"/>.</summary>
    protected abstract TState Region(TState state, IOperation region);

    /// <summary>The rule cannot answer: the graph decides.</summary>
    protected void GiveUp() => _gaveUp = true;

    /// <summary>Walks every block of <paramref name="body"/> from <paramref name="entry"/>; false when the rule gave up.</summary>
    public bool Run(MethodBody body, CallbackOperations operations, TState entry)
    {
        if (operations.HasGoto)
        {
            return false;
        }

        _gaveUp = false;
        foreach (var block in body.Blocks)
        {
            if (block is IBlockOperation statements)
            {
                Walk(statements, entry);
            }
            else if (ReturnSites.ContainsReturn(block))
            {
                return false;
            }

            if (_gaveUp)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Follows <paramref name="statement"/> entered with <paramref name="state"/>; the state after it (over all the ways it completes normally).</summary>
    protected TState Walk(IOperation statement, TState state)
    {
        if (_gaveUp)
        {
            return state;
        }

        switch (statement)
        {
            case IBlockOperation block:
                foreach (var inner in block.Operations)
                {
                    state = Walk(inner, state);
                }

                return state;

            case IReturnOperation returnOperation:
                Return(returnOperation, state);
                return Never; // the rest of the list is not on this path

            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue }:
                return Never; // its target (a loop or a switch) is entered with the bound of everything inside it

            case IConditionalOperation conditional:
                var (whenTrue, whenFalse) = Branch(state, conditional.Condition);
                var afterTrue = Walk(conditional.WhenTrue, whenTrue);
                return Join(afterTrue, conditional.WhenFalse is { } otherwise ? Walk(otherwise, whenFalse) : whenFalse);

            case ILoopOperation loop:
                var head = Region(state, loop);
                Walk(loop.Body, head);
                return head;

            case ISwitchOperation switchOperation:
                return Switch(switchOperation, state);

            case ITryOperation tryOperation:
                // A handler gets the join of the states inside the try, bounded over its whole catch clause (an exception
                // filter included: see the remarks); the edges out through a finally get its effects.
                var inTry = Region(state, tryOperation.Body);
                var after = Walk(tryOperation.Body, state);
                foreach (var handler in tryOperation.Catches)
                {
                    after = Join(after, Walk(handler.Handler, Region(inTry, handler)));
                }

                if (tryOperation.Finally is { } finallyBlock)
                {
                    Walk(finallyBlock, Region(state, tryOperation));
                    after = Region(after, finallyBlock);
                }

                return after;

            case IUsingOperation usingOperation:
                return Walk(usingOperation.Body, Evaluate(state, usingOperation.Resources));

            case ILockOperation lockOperation:
                return Walk(lockOperation.Body, Evaluate(state, lockOperation.LockedValue));

            case ILabeledOperation labeled:
                return labeled.Operation is { } labeledStatement ? Walk(labeledStatement, state) : state;

            case ILocalFunctionOperation:
            case IEmptyOperation:
                return state;

            case IExpressionStatementOperation:
            case IVariableDeclarationGroupOperation:
                return Evaluate(state, statement);

            default:
                if (ReturnSites.ContainsReturn(statement))
                {
                    GiveUp();
                }

                return Region(state, statement);
        }
    }

    /// <summary>A switch statement: by default every section is entered with the bound of the whole switch, and so is what follows.</summary>
    protected virtual TState Switch(ISwitchOperation switchOperation, TState state)
    {
        var entry = Region(state, switchOperation);
        foreach (var section in switchOperation.Cases)
        {
            var sectionState = entry;
            foreach (var inner in section.Body)
            {
                sectionState = Walk(inner, sectionState);
            }
        }

        return entry;
    }
}
