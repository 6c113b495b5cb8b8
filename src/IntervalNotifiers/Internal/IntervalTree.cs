using System;
using System.Collections.Generic;

namespace IntervalNotifiers.Internal;

/// <summary>
/// An augmented red-black interval tree keyed on inclusive intervals [<see cref="IntervalTreeNode{T}.Start"/>,
/// <see cref="IntervalTreeNode{T}.Last"/>] (the kernel's <c>include/linux/interval_tree_generic.h</c> idea:
/// ordered by start, every node keeps the largest <c>Last</c> of its subtree).
/// </summary>
/// <remarks>
/// <para>The tree is intrusive: the nodes are allocated by their owners (one per notifier, at construction) and
/// linked in place, so <see cref="Insert"/>, <see cref="Remove"/> and the overlap walk
/// (<see cref="First"/> then <see cref="Next"/>) allocate nothing.</para>
/// <para>Nodes with equal starts are kept in insertion order (a new node goes to the right of its equals), so the
/// walk order ("tree order") is by start, then by insertion.</para>
/// <para>Costs: <see cref="Insert"/> and <see cref="Remove"/> are O(log n). <see cref="First"/> is O(log n);
/// a whole walk over k overlapping nodes visits only subtrees whose maximum <c>Last</c> reaches the query and
/// whose starts do not pass it, that is O(log n + k) for clustered overlaps and O((k + 1) log n) in the worst case,
/// the bound of the kernel's interval tree.</para>
/// <para>Not thread-safe: the caller (the address space) serializes modifications and guarantees that no walk
/// runs while the tree changes.</para>
/// </remarks>
/// <typeparam name="T">The owner type carried by each node.</typeparam>
internal sealed class IntervalTree<T>
    where T : class
{
    private IntervalTreeNode<T>? _root;

    /// <summary>The number of nodes in the tree.</summary>
    public int Count { get; private set; }

    /// <summary>The root node, or null (tests).</summary>
    internal IntervalTreeNode<T>? Root => _root;

    /// <summary>Inserts a node that is not in any tree, with its <c>Start</c> and <c>Last</c> already set.</summary>
    public void Insert(IntervalTreeNode<T> node)
    {
        if (node.InTree)
        {
            throw new InvalidOperationException("The node is already in a tree.");
        }

        if (node.Last < node.Start)
        {
            throw new ArgumentException("The node's Last is below its Start.", nameof(node));
        }

        IntervalTreeNode<T>? parent = null;
        IntervalTreeNode<T>? cursor = _root;
        bool left = false;
        ulong start = node.Start;
        ulong last = node.Last;
        while (cursor != null)
        {
            // The new node becomes a descendant of every node on the way down.
            if (cursor.SubtreeLast < last)
            {
                cursor.SubtreeLast = last;
            }

            parent = cursor;
            left = start < cursor.Start;
            cursor = left ? cursor.Left : cursor.Right;
        }

        node.Parent = parent;
        node.Left = null;
        node.Right = null;
        node.Red = true;
        node.SubtreeLast = last;
        node.InTree = true;
        if (parent == null)
        {
            _root = node;
        }
        else if (left)
        {
            parent.Left = node;
        }
        else
        {
            parent.Right = node;
        }

        Count++;
        InsertFixup(node);
    }

    /// <summary>Removes a node that is in this tree.</summary>
    public void Remove(IntervalTreeNode<T> node)
    {
        if (!node.InTree)
        {
            throw new InvalidOperationException("The node is not in a tree.");
        }

        IntervalTreeNode<T>? child;
        IntervalTreeNode<T>? childParent;
        bool removedRed;
        if (node.Left == null)
        {
            child = node.Right;
            childParent = node.Parent;
            removedRed = node.Red;
            Transplant(node, node.Right);
        }
        else if (node.Right == null)
        {
            child = node.Left;
            childParent = node.Parent;
            removedRed = node.Red;
            Transplant(node, node.Left);
        }
        else
        {
            // Two children: the in-order successor takes the node's place (nodes are identities: no copying).
            IntervalTreeNode<T> successor = node.Right;
            while (successor.Left != null)
            {
                successor = successor.Left;
            }

            removedRed = successor.Red;
            child = successor.Right;
            if (successor.Parent == node)
            {
                childParent = successor;
            }
            else
            {
                childParent = successor.Parent;
                Transplant(successor, successor.Right);
                successor.Right = node.Right;
                successor.Right.Parent = successor;
            }

            Transplant(node, successor);
            successor.Left = node.Left;
            successor.Left.Parent = successor;
            successor.Red = node.Red;
        }

        // Every node whose subtree changed lies on the path from childParent to the root (the successor, when it
        // moved, is an ancestor of childParent or childParent itself).
        for (IntervalTreeNode<T>? n = childParent; n != null; n = n.Parent)
        {
            Recompute(n);
        }

        if (!removedRed)
        {
            RemoveFixup(child, childParent);
        }

        node.Left = null;
        node.Right = null;
        node.Parent = null;
        node.Red = false;
        node.InTree = false;
        Count--;
    }

    /// <summary>
    /// The first node, in tree order, whose [Start, Last] overlaps [<paramref name="start"/>, <paramref name="last"/>],
    /// or null (the kernel's <c>interval_tree_iter_first</c>).
    /// </summary>
    public IntervalTreeNode<T>? First(ulong start, ulong last)
    {
        IntervalTreeNode<T>? root = _root;
        if (root == null || root.SubtreeLast < start)
        {
            return null;
        }

        return LeftmostOverlap(root, start, last);
    }

    /// <summary>
    /// The next node after <paramref name="node"/>, in tree order, that overlaps the same query, or null (the
    /// kernel's <c>interval_tree_iter_next</c>). <paramref name="node"/> must overlap the query.
    /// </summary>
    public static IntervalTreeNode<T>? Next(IntervalTreeNode<T> node, ulong start, ulong last)
    {
        // Invariant: node.Start <= last, so every node before it in tree order has been dealt with.
        IntervalTreeNode<T>? right = node.Right;
        while (true)
        {
            if (right != null && start <= right.SubtreeLast)
            {
                // Some node of the right subtree reaches start: the leftmost one is the answer if it starts in time.
                return LeftmostOverlap(right, start, last);
            }

            // Climb until we arrive from a left child: that parent is the in-order successor of the subtree done.
            IntervalTreeNode<T>? parent;
            IntervalTreeNode<T> from;
            do
            {
                parent = node.Parent;
                if (parent == null)
                {
                    return null;
                }

                from = node;
                node = parent;
            }
            while (parent.Right == from);

            if (last < node.Start)
            {
                return null; // this node and everything after it start past the query
            }

            if (start <= node.Last)
            {
                return node;
            }

            right = node.Right;
        }
    }

    /// <summary>
    /// The leftmost node of the subtree of <paramref name="node"/> that overlaps the query, given
    /// <c>start &lt;= node.SubtreeLast</c>.
    /// </summary>
    private static IntervalTreeNode<T>? LeftmostOverlap(IntervalTreeNode<T> node, ulong start, ulong last)
    {
        while (true)
        {
            IntervalTreeNode<T>? left = node.Left;
            if (left != null && start <= left.SubtreeLast)
            {
                // The leftmost node reaching start is in the left subtree. If it does not start in time, nothing
                // after it does either.
                node = left;
                continue;
            }

            if (node.Start > last)
            {
                return null;
            }

            if (start <= node.Last)
            {
                return node;
            }

            IntervalTreeNode<T>? right = node.Right;
            if (right == null || right.SubtreeLast < start)
            {
                return null;
            }

            node = right;
        }
    }

    /// <summary>All nodes in tree order (tests and diagnostics; allocates).</summary>
    internal List<IntervalTreeNode<T>> ToList()
    {
        var result = new List<IntervalTreeNode<T>>(Count);
        var stack = new Stack<IntervalTreeNode<T>>();
        IntervalTreeNode<T>? n = _root;
        while (n != null || stack.Count > 0)
        {
            while (n != null)
            {
                stack.Push(n);
                n = n.Left;
            }

            n = stack.Pop();
            result.Add(n);
            n = n.Right;
        }

        return result;
    }

    /// <summary>
    /// Checks every invariant (binary search order, red-black rules, parent links, subtree maximum, count) and
    /// throws <see cref="InvalidOperationException"/> on the first broken one (tests).
    /// </summary>
    internal void Validate()
    {
        if (_root != null)
        {
            if (_root.Parent != null)
            {
                throw new InvalidOperationException("The root has a parent.");
            }

            if (_root.Red)
            {
                throw new InvalidOperationException("The root is red.");
            }
        }

        int count = 0;
        ValidateSubtree(_root, ref count);
        if (count != Count)
        {
            throw new InvalidOperationException($"Count is {Count} but the tree holds {count} nodes.");
        }

        List<IntervalTreeNode<T>> list = ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i - 1].Start > list[i].Start)
            {
                throw new InvalidOperationException("The in-order walk is not sorted by start.");
            }
        }
    }

    private static int ValidateSubtree(IntervalTreeNode<T>? node, ref int count)
    {
        if (node == null)
        {
            return 1;
        }

        count++;
        if (!node.InTree)
        {
            throw new InvalidOperationException("A node in the tree is not marked as such.");
        }

        if (node.Left != null && node.Left.Parent != node || node.Right != null && node.Right.Parent != node)
        {
            throw new InvalidOperationException("A child's parent link is wrong.");
        }

        if (node.Red && (IsRed(node.Left) || IsRed(node.Right)))
        {
            throw new InvalidOperationException("A red node has a red child.");
        }

        ulong expected = node.Last;
        if (node.Left != null && node.Left.SubtreeLast > expected)
        {
            expected = node.Left.SubtreeLast;
        }

        if (node.Right != null && node.Right.SubtreeLast > expected)
        {
            expected = node.Right.SubtreeLast;
        }

        if (node.SubtreeLast != expected)
        {
            throw new InvalidOperationException("A node's subtree maximum is stale.");
        }

        int leftBlack = ValidateSubtree(node.Left, ref count);
        int rightBlack = ValidateSubtree(node.Right, ref count);
        if (leftBlack != rightBlack)
        {
            throw new InvalidOperationException("Black heights differ.");
        }

        return leftBlack + (node.Red ? 0 : 1);
    }

    private static bool IsRed(IntervalTreeNode<T>? node) => node != null && node.Red;

    private static void Recompute(IntervalTreeNode<T> node)
    {
        ulong max = node.Last;
        IntervalTreeNode<T>? left = node.Left;
        IntervalTreeNode<T>? right = node.Right;
        if (left != null && left.SubtreeLast > max)
        {
            max = left.SubtreeLast;
        }

        if (right != null && right.SubtreeLast > max)
        {
            max = right.SubtreeLast;
        }

        node.SubtreeLast = max;
    }

    private void Transplant(IntervalTreeNode<T> old, IntervalTreeNode<T>? replacement)
    {
        IntervalTreeNode<T>? parent = old.Parent;
        if (parent == null)
        {
            _root = replacement;
        }
        else if (parent.Left == old)
        {
            parent.Left = replacement;
        }
        else
        {
            parent.Right = replacement;
        }

        if (replacement != null)
        {
            replacement.Parent = parent;
        }
    }

    private void RotateLeft(IntervalTreeNode<T> x)
    {
        IntervalTreeNode<T> y = x.Right!;
        x.Right = y.Left;
        if (y.Left != null)
        {
            y.Left.Parent = x;
        }

        Transplant(x, y);
        y.Left = x;
        x.Parent = y;

        // y now spans exactly the nodes x spanned; x lost y's right subtree.
        y.SubtreeLast = x.SubtreeLast;
        Recompute(x);
    }

    private void RotateRight(IntervalTreeNode<T> x)
    {
        IntervalTreeNode<T> y = x.Left!;
        x.Left = y.Right;
        if (y.Right != null)
        {
            y.Right.Parent = x;
        }

        Transplant(x, y);
        y.Right = x;
        x.Parent = y;
        y.SubtreeLast = x.SubtreeLast;
        Recompute(x);
    }

    private void InsertFixup(IntervalTreeNode<T> node)
    {
        while (true)
        {
            IntervalTreeNode<T>? parent = node.Parent;
            if (parent == null || !parent.Red)
            {
                break;
            }

            // A red parent is never the root, so the grandparent exists.
            IntervalTreeNode<T> grand = parent.Parent!;
            if (parent == grand.Left)
            {
                IntervalTreeNode<T>? uncle = grand.Right;
                if (IsRed(uncle))
                {
                    parent.Red = false;
                    uncle!.Red = false;
                    grand.Red = true;
                    node = grand;
                    continue;
                }

                if (node == parent.Right)
                {
                    RotateLeft(parent);
                    node = parent;
                    parent = node.Parent!;
                }

                parent.Red = false;
                grand.Red = true;
                RotateRight(grand);
            }
            else
            {
                IntervalTreeNode<T>? uncle = grand.Left;
                if (IsRed(uncle))
                {
                    parent.Red = false;
                    uncle!.Red = false;
                    grand.Red = true;
                    node = grand;
                    continue;
                }

                if (node == parent.Left)
                {
                    RotateRight(parent);
                    node = parent;
                    parent = node.Parent!;
                }

                parent.Red = false;
                grand.Red = true;
                RotateLeft(grand);
            }
        }

        _root!.Red = false;
    }

    private void RemoveFixup(IntervalTreeNode<T>? x, IntervalTreeNode<T>? parent)
    {
        // x (possibly null, counted black) carries an extra black; parent is its parent.
        while (x != _root && !IsRed(x))
        {
            if (x == parent!.Left)
            {
                IntervalTreeNode<T> w = parent.Right!;
                if (w.Red)
                {
                    w.Red = false;
                    parent.Red = true;
                    RotateLeft(parent);
                    w = parent.Right!;
                }

                if (!IsRed(w.Left) && !IsRed(w.Right))
                {
                    w.Red = true;
                    x = parent;
                    parent = x.Parent;
                }
                else
                {
                    if (!IsRed(w.Right))
                    {
                        w.Left!.Red = false;
                        w.Red = true;
                        RotateRight(w);
                        w = parent.Right!;
                    }

                    w.Red = parent.Red;
                    parent.Red = false;
                    w.Right!.Red = false;
                    RotateLeft(parent);
                    x = _root;
                    parent = null;
                }
            }
            else
            {
                IntervalTreeNode<T> w = parent.Left!;
                if (w.Red)
                {
                    w.Red = false;
                    parent.Red = true;
                    RotateRight(parent);
                    w = parent.Left!;
                }

                if (!IsRed(w.Left) && !IsRed(w.Right))
                {
                    w.Red = true;
                    x = parent;
                    parent = x.Parent;
                }
                else
                {
                    if (!IsRed(w.Left))
                    {
                        w.Right!.Red = false;
                        w.Red = true;
                        RotateLeft(w);
                        w = parent.Left!;
                    }

                    w.Red = parent.Red;
                    parent.Red = false;
                    w.Left!.Red = false;
                    RotateRight(parent);
                    x = _root;
                    parent = null;
                }
            }
        }

        if (x != null)
        {
            x.Red = false;
        }
    }
}

/// <summary>A node of <see cref="IntervalTree{T}"/>: an inclusive interval, its owner and the tree links.</summary>
/// <typeparam name="T">The owner type.</typeparam>
internal sealed class IntervalTreeNode<T>
    where T : class
{
    /// <summary>Creates a node for <paramref name="value"/>.</summary>
    public IntervalTreeNode(T value) => Value = value;

    /// <summary>The owner (the notifier).</summary>
    public T Value { get; }

    /// <summary>First address (inclusive). Only changed while the node is in no tree.</summary>
    public ulong Start;

    /// <summary>Last address (inclusive). Only changed while the node is in no tree.</summary>
    public ulong Last;

    /// <summary>The largest <see cref="Last"/> of this node's subtree.</summary>
    public ulong SubtreeLast;

    /// <summary>Left child.</summary>
    public IntervalTreeNode<T>? Left;

    /// <summary>Right child.</summary>
    public IntervalTreeNode<T>? Right;

    /// <summary>Parent, or null for the root.</summary>
    public IntervalTreeNode<T>? Parent;

    /// <summary>Red-black color.</summary>
    public bool Red;

    /// <summary>Whether the node is linked in a tree.</summary>
    public bool InTree;
}
