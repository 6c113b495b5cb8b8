using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using IntervalNotifiers.Internal;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>The interval tree against a naive model (a list in insertion order), with CsCheck.</summary>
public class IntervalTreeTests
{
    private sealed class Item(int id)
    {
        public int Id { get; } = id;

        public override string ToString() => "#" + Id;
    }

    /// <summary>One step: 0 = insert [start, start + len], 1 = remove the pick-th, 2 = query [start, start + len].</summary>
    private readonly record struct Op(int Kind, ulong Start, ulong Len, int Pick);

    // Coordinates cluster in a small window (many overlaps and equal starts) or sit at the very top of the space.
    private static readonly Gen<ulong> GenCoordinate = Gen.Frequency(
        (8, Gen.Int[0, 200].Select(i => (ulong)i)),
        (1, Gen.Int[0, 20].Select(i => ulong.MaxValue - (ulong)i)),
        (1, Gen.ULong));

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Frequency((5, Gen.Const(0)), (3, Gen.Const(1)), (4, Gen.Const(2))),
        GenCoordinate,
        Gen.Frequency((6, Gen.Int[0, 30].Select(i => (ulong)i)), (1, Gen.ULong)),
        Gen.Int[0, 1000],
        (kind, start, len, pick) => new Op(kind, start, len, pick));

    private static ulong LastOf(ulong start, ulong len) => ulong.MaxValue - start < len ? ulong.MaxValue : start + len;

    private static List<Item> Query(IntervalTree<Item> tree, ulong start, ulong last)
    {
        var result = new List<Item>();
        for (IntervalTreeNode<Item>? n = tree.First(start, last); n != null; n = IntervalTree<Item>.Next(n, start, last))
        {
            result.Add(n.Value);
        }

        return result;
    }

    [Fact]
    public void Matches_a_naive_model_under_random_inserts_removes_and_queries()
    {
        GenOp.Array[1, 120].Sample(ops =>
        {
            var tree = new IntervalTree<Item>();
            var model = new List<IntervalTreeNode<Item>>(); // insertion order
            int nextId = 0;
            foreach (Op op in ops)
            {
                switch (op.Kind)
                {
                    case 0:
                    {
                        var node = new IntervalTreeNode<Item>(new Item(nextId++)) { Start = op.Start, Last = LastOf(op.Start, op.Len) };
                        tree.Insert(node);
                        model.Add(node);
                        break;
                    }

                    case 1 when model.Count > 0:
                    {
                        IntervalTreeNode<Item> node = model[op.Pick % model.Count];
                        tree.Remove(node);
                        model.Remove(node);
                        Assert.False(node.InTree);
                        break;
                    }

                    default:
                    {
                        ulong last = LastOf(op.Start, op.Len);
                        List<Item> expected = model
                            .Where(n => n.Start <= last && op.Start <= n.Last)
                            .OrderBy(n => n.Start) // stable: equal starts stay in insertion order
                            .Select(n => n.Value)
                            .ToList();
                        Assert.Equal(expected, Query(tree, op.Start, last));
                        break;
                    }
                }

                tree.Validate();
                Assert.Equal(model.Count, tree.Count);
            }

            Assert.Equal(model.OrderBy(n => n.Start).Select(n => n.Value), tree.ToList().Select(n => n.Value));
        }, iter: 400, threads: 1);
    }

    [Fact]
    public void Every_query_over_a_random_tree_matches_brute_force()
    {
        Gen.Select(GenCoordinate, Gen.Int[0, 40].Select(i => (ulong)i)).Array[0, 300]
            .Select(Gen.Select(GenCoordinate, Gen.Int[0, 60].Select(i => (ulong)i)).Array[1, 30])
            .Sample((intervals, queries) =>
            {
                var tree = new IntervalTree<Item>();
                var nodes = new List<IntervalTreeNode<Item>>();
                for (int i = 0; i < intervals.Length; i++)
                {
                    var node = new IntervalTreeNode<Item>(new Item(i)) { Start = intervals[i].Item1, Last = LastOf(intervals[i].Item1, intervals[i].Item2) };
                    tree.Insert(node);
                    nodes.Add(node);
                }

                tree.Validate();
                foreach ((ulong qs, ulong ql) in queries)
                {
                    ulong last = LastOf(qs, ql);
                    var expected = nodes.Where(n => n.Start <= last && qs <= n.Last).OrderBy(n => n.Start).Select(n => n.Value);
                    Assert.Equal(expected, Query(tree, qs, last));
                }
            }, iter: 200, threads: 1);
    }

    [Fact]
    public void Whole_space_query_returns_everything_including_the_last_address()
    {
        var tree = new IntervalTree<Item>();
        var top = new IntervalTreeNode<Item>(new Item(1)) { Start = ulong.MaxValue, Last = ulong.MaxValue };
        var bottom = new IntervalTreeNode<Item>(new Item(0)) { Start = 0, Last = 0 };
        tree.Insert(top);
        tree.Insert(bottom);
        Assert.Equal(new[] { bottom.Value, top.Value }, Query(tree, 0, ulong.MaxValue));
        Assert.Equal(new[] { bottom.Value }, Query(tree, 0, ulong.MaxValue - 1));
    }

    [Fact]
    public void Large_sequential_tree_stays_balanced()
    {
        var tree = new IntervalTree<Item>();
        var nodes = new List<IntervalTreeNode<Item>>();
        for (int i = 0; i < 100_000; i++)
        {
            var node = new IntervalTreeNode<Item>(new Item(i)) { Start = (ulong)i * 10, Last = (ulong)i * 10 + 5 };
            tree.Insert(node);
            nodes.Add(node);
        }

        for (int i = 0; i < nodes.Count; i += 2)
        {
            tree.Remove(nodes[i]);
        }

        tree.Validate();
        Assert.Equal(50_000, tree.Count);
        Assert.True(Height(tree.Root) <= 2 * Math.Log2(tree.Count + 1), "red-black height bound");
        Assert.Equal(new[] { nodes[1].Value, nodes[3].Value }, Query(tree, 10, 30));
    }

    [Fact]
    public void Insert_and_remove_reject_misuse()
    {
        var tree = new IntervalTree<Item>();
        var node = new IntervalTreeNode<Item>(new Item(0)) { Start = 5, Last = 6 };
        Assert.Throws<InvalidOperationException>(() => tree.Remove(node));
        tree.Insert(node);
        Assert.Throws<InvalidOperationException>(() => tree.Insert(node));
        Assert.Throws<ArgumentException>(() => tree.Insert(new IntervalTreeNode<Item>(new Item(1)) { Start = 6, Last = 5 }));
        tree.Validate();
        Assert.Equal(1, tree.Count);
    }

    private static int Height(IntervalTreeNode<Item>? node) =>
        node == null ? 0 : 1 + Math.Max(Height(node.Left), Height(node.Right));
}
