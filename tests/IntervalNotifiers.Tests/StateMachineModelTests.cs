using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// The address space's state machine (the kernel's: sequence, active ranges, frozen tree, deferred list,
/// read side, removal) against a naive model, on random single-threaded programs. Waits are never taken: a call
/// the model says would wait gets an already canceled token and must throw <see cref="OperationCanceledException"/>.
/// </summary>
public class StateMachineModelTests
{
    private enum State
    {
        Detached,
        PendingInsert,
        Inserted,
        PendingRemove,
    }

    private sealed class ModelNotifier
    {
        public State State;
        public ulong Sequence;
        public ulong Start;
        public ulong Last;
        public bool Committed;
    }

    private sealed class Model
    {
        public ulong Sequence = 2;
        public int Active;
        public readonly List<int> Tree = new(); // notifier ids, in the order they entered the tree
        public readonly List<(int Id, bool Insert)> Deferred = new();
        public readonly ModelNotifier[] Notifiers;

        public Model(int count) => Notifiers = Enumerable.Range(0, count).Select(_ => new ModelNotifier()).ToArray();

        public bool Invalidating => (Sequence & 1) != 0;
    }

    private sealed class RecordingOps(List<(int Id, ulong Sequence, bool Blockable)> calls) : IntervalNotifierOps
    {
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            calls.Add((((IdNotifier)notifier).Id, currentSequence, range.IsBlockable));
            notifier.SetSequence(currentSequence);
            return true;
        }
    }

    private sealed class IdNotifier(int id, IntervalNotifierOps ops) : IntervalNotifier(ops)
    {
        public int Id { get; } = id;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_programs_match_the_kernel_model(int seedGroup)
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        for (int program = 0; program < 150; program++)
        {
            int seed = seedGroup * 1000 + program;
            var random = new Random(seed);
            var calls = new List<(int Id, ulong Sequence, bool Blockable)>();
            var ops = new RecordingOps(calls);
            var space = new AddressSpace();
            const int count = 6;
            var notifiers = Enumerable.Range(0, count).Select(i => new IdNotifier(i, ops)).ToArray();
            var model = new Model(count);
            var ranges = new List<NotifierRange>();

            for (int step = 0; step < 120; step++)
            {
                string where = $"seed {seed}, step {step}";
                int id = random.Next(count);
                IdNotifier n = notifiers[id];
                ModelNotifier m = model.Notifiers[id];
                switch (random.Next(6))
                {
                    case 0: // Insert
                    {
                        ulong start = (ulong)random.Next(0, 50);
                        ulong length = (ulong)random.Next(1, 12);
                        if (m.State != State.Detached)
                        {
                            Assert.Throws<InvalidOperationException>(() => n.Insert(space, start, length));
                            break;
                        }

                        n.Insert(space, start, length);
                        m.Start = start;
                        m.Last = start + length - 1;
                        m.Committed = false;
                        if (model.Active != 0)
                        {
                            if (model.Invalidating)
                            {
                                model.Deferred.Add((id, true));
                                m.State = State.PendingInsert;
                            }
                            else
                            {
                                model.Sequence |= 1;
                                model.Tree.Add(id);
                                m.State = State.Inserted;
                            }

                            m.Sequence = model.Sequence;
                        }
                        else
                        {
                            m.Sequence = model.Sequence - 1;
                            model.Tree.Add(id);
                            m.State = State.Inserted;
                        }

                        break;
                    }

                    case 1: // Remove, never waiting
                    {
                        switch (m.State)
                        {
                            case State.Detached when m.Committed:
                                n.Remove(canceled.Token);
                                m.Committed = false;
                                break;
                            case State.Detached:
                                Assert.Throws<InvalidOperationException>(() => n.Remove(canceled.Token));
                                break;
                            case State.PendingInsert:
                                n.Remove(canceled.Token);
                                model.Deferred.Remove((id, true));
                                m.State = State.Detached;
                                break;
                            case State.Inserted when !model.Invalidating:
                                n.Remove(canceled.Token);
                                model.Tree.Remove(id);
                                m.State = State.Detached;
                                break;
                            case State.Inserted:
                                Assert.ThrowsAny<OperationCanceledException>(() => n.Remove(canceled.Token));
                                model.Deferred.Add((id, false));
                                m.State = State.PendingRemove;
                                m.Committed = true;
                                break;
                            default:
                                Assert.ThrowsAny<OperationCanceledException>(() => n.Remove(canceled.Token));
                                break;
                        }

                        break;
                    }

                    case 2: // ReadBegin, never waiting
                    {
                        if (m.State == State.Detached)
                        {
                            Assert.Throws<InvalidOperationException>(() => n.ReadBegin(canceled.Token));
                        }
                        else if (m.Sequence == model.Sequence)
                        {
                            Assert.ThrowsAny<OperationCanceledException>(() => n.ReadBegin(canceled.Token));
                        }
                        else
                        {
                            Assert.Equal(m.Sequence, n.ReadBegin(canceled.Token));
                        }

                        break;
                    }

                    case 3:
                    case 4: // Start a range
                    {
                        ulong start = (ulong)random.Next(0, 60);
                        var range = new NotifierRange(start, start + (ulong)random.Next(1, 15), blockable: random.Next(2) == 0);
                        calls.Clear();
                        Assert.True(space.InvalidateRangeStart(in range));
                        ranges.Add(range);
                        model.Active++;
                        var hits = model.Tree
                            .Select((nid, order) => (nid, order))
                            .Where(x => model.Notifiers[x.nid].Start <= range.End - 1 && range.Start <= model.Notifiers[x.nid].Last)
                            .OrderBy(x => model.Notifiers[x.nid].Start).ThenBy(x => x.order)
                            .Select(x => x.nid)
                            .ToList();
                        if (hits.Count != 0)
                        {
                            model.Sequence |= 1;
                        }

                        Assert.True(hits.SequenceEqual(calls.Select(c => c.Id)), $"{where}: walked [{string.Join(",", calls.Select(c => c.Id))}], model [{string.Join(",", hits)}]");
                        foreach (var call in calls)
                        {
                            Assert.Equal(model.Sequence, call.Sequence);
                            Assert.Equal(range.IsBlockable, call.Blockable);
                            model.Notifiers[call.Id].Sequence = call.Sequence;
                        }

                        break;
                    }

                    default: // End a range
                    {
                        if (model.Active == 0)
                        {
                            var any = new NotifierRange(0, 1);
                            Assert.Throws<InvalidOperationException>(() => space.InvalidateRangeEnd(in any));
                            break;
                        }

                        NotifierRange range = ranges[random.Next(ranges.Count)];
                        ranges.Remove(range);
                        space.InvalidateRangeEnd(in range);
                        if (--model.Active == 0 && model.Invalidating)
                        {
                            model.Sequence++;
                            // Newest first, as the kernel's hlist_add_head makes it.
                            for (int d = model.Deferred.Count - 1; d >= 0; d--)
                            {
                                (int did, bool insert) = model.Deferred[d];
                                if (insert)
                                {
                                    model.Tree.Add(did);
                                    model.Notifiers[did].State = State.Inserted;
                                }
                                else
                                {
                                    model.Tree.Remove(did);
                                    model.Notifiers[did].State = State.Detached;
                                }
                            }

                            model.Deferred.Clear();
                        }

                        break;
                    }
                }

                // The observable state agrees with the model after every step.
                Assert.True(model.Sequence == space.InvalidateSequence, $"{where}: sequence {space.InvalidateSequence}, model {model.Sequence}");
                Assert.Equal(model.Active, space.ActiveRangeCount);
                Assert.Equal(model.Deferred.Count, space.DeferredCount);
                Assert.Equal(model.Tree.Count, space.TreeCount);
                for (int i = 0; i < count; i++)
                {
                    ModelNotifier mi = model.Notifiers[i];
                    Assert.True((mi.State == State.Detached) == (notifiers[i].AddressSpace == null), $"{where}: notifier {i} is {mi.State} in the model");
                    Assert.Equal(mi.Sequence, notifiers[i].Sequence);
                }
            }

            space.ValidateTree();
            Assert.Equal(0, space.WaiterCount);
        }
    }
}
