using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// The operations of a member's tree (<see cref="ReadSideOperations.TreeOf"/>) met one at a time instead of gathered in
/// an array first (a speed-up only): the read side's per-site questions look at each operation once, usually stop
/// nowhere, and each question walks afresh (bench/README.md, "Issue 13, first pass"), so the array and its growth
/// were most of a walk's cost.
/// </summary>
/// <remarks>
/// What it skips: the list of every operation of the tree, its regrowth and its copy. Invariant: the same operations in
/// the same order as <see cref="ReadSideOperations.TreeOf"/> (pre-order, children in <c>ChildOperations</c> order).
/// </remarks>
internal readonly struct OperationTree
{
    private readonly IOperation _root;

    private OperationTree(IOperation root) => _root = root;

    /// <summary>The whole member tree <paramref name="operation"/> belongs to.</summary>
    public static OperationTree Of(IOperation operation) => new(ReadSideOperations.Root(operation));

    public Enumerator GetEnumerator() => new(_root);

    public struct Enumerator
    {
        // The children still to visit at each level of the path from the root to the current operation.
        private readonly Stack<IOperation.OperationList.Enumerator> _levels;
        private IOperation? _root;

        internal Enumerator(IOperation root)
        {
            _levels = new Stack<IOperation.OperationList.Enumerator>();
            _root = root;
            Current = null!;
        }

        public IOperation Current { get; private set; }

        public bool MoveNext()
        {
            if (_root is { } root)
            {
                _root = null;
                return Visit(root);
            }

            while (_levels.Count > 0)
            {
                var children = _levels.Pop();
                if (children.MoveNext())
                {
                    _levels.Push(children);
                    return Visit(children.Current);
                }
            }

            return false;
        }

        private bool Visit(IOperation operation)
        {
            Current = operation;
            _levels.Push(operation.ChildOperations.GetEnumerator());
            return true;
        }
    }
}
