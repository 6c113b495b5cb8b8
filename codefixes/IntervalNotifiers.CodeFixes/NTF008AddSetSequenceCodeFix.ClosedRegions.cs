using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF008AddSetSequenceCodeFix
{
    private sealed partial class LockDiscipline
    {
        /// <summary>
        /// The acquisitions of the member body of <paramref name="site"/> that may hold a lock there: those of the body,
        /// less the ones taken in a branch of an <c>if</c> whose region is over before <paramref name="site"/>
        /// (<see cref="ClosedInABranch"/>).
        /// </summary>
        private IReadOnlyList<LockAcquisition> AcquisitionsBefore(IOperation site)
        {
            var all = AcquisitionsByBody.Of(_acquisitions, site);
            return all.Any(acquisition => ClosedInABranch(acquisition, site))
                ? all.Where(acquisition => !ClosedInABranch(acquisition, site)).ToList()
                : all;
        }

        /// <summary>
        /// Whether <paramref name="acquisition"/> is taken in a branch of an <c>if</c> statement (at any depth of
        /// <c>if</c>s), and the statement list that holds that <c>if</c> goes on with a <c>try</c> whose <c>finally</c>
        /// releases the same lock and ends before <paramref name="site"/>: the shape NTF007's fix leaves,
        /// <c>if (range.IsBlockable) { _gate.Wait(); } else if (!_gate.Wait(0)) { return false; } try { ... } finally { _gate.Release(); }</c>,
        /// whose lock is given back before anything after the <c>try</c> runs. (An acquisition that is no branch of an
        /// <c>if</c> is judged by the lock model as it is.)
        /// </summary>
        private bool ClosedInABranch(LockAcquisition acquisition, IOperation site)
        {
            if (acquisition.Key is not { } key)
            {
                return false;
            }

            var inBranch = false;
            IOperation child = acquisition.Invocation;
            for (var current = child.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IConditionalOperation conditional when conditional.Type is null:
                        inBranch |= !ReferenceEquals(child, conditional.Condition);
                        continue;
                    case IBlockOperation block when child is IConditionalOperation:
                        return inBranch && ReleasedBefore(block, child, key, site);
                    case IBlockOperation when current.Parent is IConditionalOperation && child is IExpressionStatementOperation:
                        continue; // a branch's block: its if decides
                    case IExpressionStatementOperation or IUnaryOperation or IBinaryOperation or IInvocationOperation or IArgumentOperation:
                        continue; // still inside the statement that takes the lock
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Whether a statement of <paramref name="block"/> after <paramref name="statement"/> is a <c>try</c> that releases <paramref name="key"/> in its <c>finally</c> and ends before <paramref name="site"/>.</summary>
        private bool ReleasedBefore(IBlockOperation block, IOperation statement, LockKey key, IOperation site)
        {
            var after = false;
            foreach (var next in block.Operations)
            {
                if (ReferenceEquals(next, statement))
                {
                    after = true;
                    continue;
                }

                if (after && next is ITryOperation { Finally: { } release } tryOperation
                    && release.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call => _apis.Released(call) is { } released && released.Matches(key)))
                {
                    return tryOperation.Syntax.Span.End <= site.Syntax.SpanStart;
                }
            }

            return false;
        }
    }
}
