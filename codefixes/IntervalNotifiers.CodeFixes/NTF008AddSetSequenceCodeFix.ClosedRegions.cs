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

        /// <summary>
        /// Whether <paramref name="site"/> comes after a statement of its member body that takes a lock and before the
        /// <c>try</c> of the same statement list whose <c>finally</c> gives it back
        /// (<c>if (!_gate.Wait(0)) { return false; } if (idle) { return true; } try { ... } finally { _gate.Release(); }</c>):
        /// the site may hold the lock, although the lock model counts that region as over or not yet begun.
        /// </summary>
        private bool MayHoldBeforeItsTry(IOperation site)
        {
            foreach (var acquisition in AcquisitionsByBody.Of(_acquisitions, site))
            {
                if (acquisition.Key is not { } key || acquisition.Invocation.Syntax.SpanStart >= site.Syntax.SpanStart)
                {
                    continue;
                }

                IOperation statement = acquisition.Invocation;
                while (statement.Parent is { } parent and not IBlockOperation)
                {
                    if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        break;
                    }

                    statement = parent;
                }

                if (statement.Parent is IBlockOperation block && statement.Syntax.Span.End <= site.Syntax.SpanStart
                    && ReleasingTryAfter(block, statement, key) is { } release && site.Syntax.SpanStart < release.Syntax.SpanStart)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether a statement of <paramref name="block"/> after <paramref name="statement"/> is a <c>try</c> that releases <paramref name="key"/> in its <c>finally</c> and ends before <paramref name="site"/>.</summary>
        private bool ReleasedBefore(IBlockOperation block, IOperation statement, LockKey key, IOperation site)
            => ReleasingTryAfter(block, statement, key) is { } release && release.Syntax.Span.End <= site.Syntax.SpanStart;

        /// <summary>The first <c>try</c> of <paramref name="block"/> after <paramref name="statement"/> whose <c>finally</c> releases <paramref name="key"/>, else null.</summary>
        private ITryOperation? ReleasingTryAfter(IBlockOperation block, IOperation statement, LockKey key)
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
                    return tryOperation;
                }
            }

            return null;
        }
    }
}
