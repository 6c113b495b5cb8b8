using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// Stress tests: bounded in time (about a second each), deterministic in what they assert (counts of violations
/// that must be zero, invariants at the end).
/// </summary>
public class ConcurrencyTests
{
    private static readonly TimeSpan StressTime = TimeSpan.FromMilliseconds(1000);

    private static void RunAll(params Action[] workers)
    {
        Task[] tasks = workers.Select(w => Task.Factory.StartNew(w, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(30)), "a worker did not finish in time (deadlock?)");
    }

    private static void AssertQuiescent(AddressSpace space)
    {
        Assert.Equal(0, space.ActiveRangeCount);
        Assert.Equal(0, space.DeferredCount);
        Assert.Equal(0UL, space.InvalidateSequence & 1);
        space.ValidateTree();
    }

    // ---- Overlapping two-pass invalidations -------------------------------------------------------------------

    /// <summary>One invalidation's bookkeeping, passed to the callbacks as range.Owner.</summary>
    private sealed class Walk(int expectedStarts)
    {
        public readonly int ExpectedStarts = expectedStarts;
        public int Starts;
        public int Finishes;
        public int HandedOut;
        public int Errors;
        public readonly List<WalkFinish> Finished = new();
    }

    private sealed class WalkFinish : NotifierFinish
    {
        public Walk? Walk;
        public int FinishCount;
    }

    private sealed class CheckingTwoPassOps(bool handOut) : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            var walk = (Walk)range.Owner!;
            if ((currentSequence & 1) == 0 || Volatile.Read(ref walk.Finishes) != 0)
            {
                Interlocked.Increment(ref walk.Errors); // even sequence, or a start after a finish of the same walk
            }

            Interlocked.Increment(ref walk.Starts);
            notifier.SetSequence(currentSequence);
            finish = null;
            if (handOut)
            {
                finish = new WalkFinish { Walk = walk }; // each invocation its own finish
                Interlocked.Increment(ref walk.HandedOut);
            }

            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var f = (WalkFinish)finish;
            Walk walk = f.Walk!;
            if (Interlocked.Increment(ref f.FinishCount) != 1 || Volatile.Read(ref walk.Starts) != walk.ExpectedStarts)
            {
                Interlocked.Increment(ref walk.Errors); // finished twice, or before all starts of its walk
            }

            Interlocked.Increment(ref walk.Finishes);
            lock (walk.Finished)
            {
                walk.Finished.Add(f);
            }
        }
    }

    [Fact]
    public void Overlapping_two_pass_invalidations_from_several_threads_finish_each_finish_once_after_all_starts()
    {
        var space = new AddressSpace();
        var layout = new List<(ulong Start, ulong Last)>();
        for (int i = 0; i < 24; i++)
        {
            var n = new IntervalNotifier(new CheckingTwoPassOps(handOut: i % 3 != 0));
            ulong start = (ulong)i * 10;
            n.Insert(space, start, 15); // overlaps its neighbours
            layout.Add((start, start + 14));
        }

        int errors = 0;
        long walks = 0;
        var clock = Stopwatch.StartNew();
        Action worker(int seed) => () =>
        {
            var random = new Random(seed);
            while (clock.Elapsed < StressTime)
            {
                ulong start = (ulong)random.Next(0, 250);
                ulong end = start + (ulong)random.Next(1, 60);
                int expected = layout.Count(l => l.Start < end && start <= l.Last);
                var walk = new Walk(expected);
                var range = new NotifierRange(start, end, NotifierEvent.Clear, blockable: random.Next(2) == 0, owner: walk);
                if (!space.InvalidateRangeStart(in range))
                {
                    Interlocked.Increment(ref errors); // nobody returns false here
                    continue;
                }

                // Everything of this walk happened before InvalidateRangeStart returned.
                if (walk.Errors != 0 || walk.Starts != expected || walk.Finishes != walk.HandedOut ||
                    walk.Finished.Any(f => f.FinishCount != 1))
                {
                    Interlocked.Increment(ref errors);
                }

                space.InvalidateRangeEnd(in range);
                Interlocked.Increment(ref walks);
            }
        };

        RunAll(worker(1), worker(2), worker(3), worker(4));
        Assert.Equal(0, errors);
        Assert.True(walks > 0);
        Assert.Equal(0, space.ContractViolationCount);
        AssertQuiescent(space);
    }

    // ---- Insert and remove racing invalidations ---------------------------------------------------------------

    private sealed class ChurnNotifier(IntervalNotifierOps ops) : IntervalNotifier(ops)
    {
        public volatile bool Removed = true;
    }

    private sealed class ChurnOps : IntervalNotifierOps
    {
        public int CallbacksAfterRemove;
        public int CallbacksOutsideRange;
        public long Calls;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            var n = (ChurnNotifier)notifier;
            if (n.Removed)
            {
                Interlocked.Increment(ref CallbacksAfterRemove);
            }

            if (!(n.Start < range.End && range.Start <= n.Last))
            {
                Interlocked.Increment(ref CallbacksOutsideRange);
            }

            notifier.SetSequence(currentSequence);
            Interlocked.Increment(ref Calls);
            Thread.SpinWait(50); // widen the window in which removals are deferred
            return true;
        }
    }

    [Fact]
    public void Insert_and_remove_racing_invalidations_never_see_a_callback_after_remove_returns()
    {
        var space = new AddressSpace();
        var ops = new ChurnOps();
        int readTimeouts = 0;
        long removes = 0;
        var clock = Stopwatch.StartNew();

        Action invalidator(int seed) => () =>
        {
            var random = new Random(seed);
            while (clock.Elapsed < StressTime)
            {
                ulong start = (ulong)random.Next(0, 1000);
                var range = new NotifierRange(start, start + (ulong)random.Next(1, 200));
                if (space.InvalidateRangeStart(in range))
                {
                    space.InvalidateRangeEnd(in range);
                }
            }
        };

        Action churner(int seed) => () =>
        {
            var random = new Random(seed);
            var mine = Enumerable.Range(0, 12).Select(_ => new ChurnNotifier(ops)).ToArray();
            while (clock.Elapsed < StressTime)
            {
                ChurnNotifier n = mine[random.Next(mine.Length)];
                if (n.AddressSpace == null)
                {
                    n.Removed = false;
                    n.Insert(space, (ulong)random.Next(0, 1000), (ulong)random.Next(1, 100));
                    if (random.Next(4) == 0)
                    {
                        // The read side on a notifier that may be collided: bounded wait.
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        try
                        {
                            ulong seq = n.ReadBegin(cts.Token);
                            if ((seq & 1) == 0)
                            {
                                Interlocked.Increment(ref readTimeouts); // sequences handed to readers are odd
                            }
                        }
                        catch (OperationCanceledException)
                        {
                            Interlocked.Increment(ref readTimeouts);
                        }
                    }
                }
                else
                {
                    n.Remove();
                    n.Removed = true; // from here on, no callback may run
                    Interlocked.Increment(ref removes);
                }
            }

            foreach (ChurnNotifier n in mine.Where(m => m.AddressSpace != null))
            {
                n.Remove();
                n.Removed = true;
            }
        };

        RunAll(invalidator(11), invalidator(12), churner(13), churner(14));
        Assert.Equal(0, ops.CallbacksAfterRemove);
        Assert.Equal(0, ops.CallbacksOutsideRange);
        Assert.Equal(0, readTimeouts);
        Assert.True(removes > 0 && ops.Calls > 0);
        AssertQuiescent(space);
        Assert.Equal(0, space.TreeCount);
    }

    // ---- A mirror that must never go stale (the kernel's hmm-tests idea) ---------------------------------------

    private const int Pages = 64;

    /// <summary>A device mirror of pages [First, First + Count).</summary>
    private sealed class Mirror(IntervalNotifierOps ops, int first, int count) : IntervalNotifier(ops)
    {
        public readonly object DriverLock = new();
        public readonly int First = first;
        public readonly int Count = count;
        public readonly long[] Copy = new long[count];
        public bool Valid; // under DriverLock
        public int PendingInvalidations; // two-pass: between start and finish, under DriverLock
    }

    /// <summary>Single pass: drop the mirror under the driver lock.</summary>
    private sealed class MirrorOps : IntervalNotifierOps
    {
        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            var m = (Mirror)notifier;
            lock (m.DriverLock)
            {
                notifier.SetSequence(currentSequence);
                m.Valid = false;
            }

            return true;
        }
    }

    /// <summary>Two passes: the start sets the sequence, the finish drops the mirror.</summary>
    private sealed class TwoPassMirrorOps : IntervalNotifierOps
    {
        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish? finish)
        {
            var m = (Mirror)notifier;
            lock (m.DriverLock)
            {
                notifier.SetSequence(currentSequence);
                m.PendingInvalidations++;
            }

            finish = new NotifierFinish();
            return true;
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            var m = (Mirror)finish.Notifier;
            lock (m.DriverLock)
            {
                m.Valid = false;
                m.PendingInvalidations--;
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the same readers through ReadBeginAsync: its shared wait is woken by every end
    public void A_reader_following_the_protocol_never_keeps_a_stale_mirror(bool asyncReadBegin)
    {
        var space = new AddressSpace();
        var backing = new long[Pages];
        var mirrors = new[]
        {
            new Mirror(new MirrorOps(), 0, 16),
            new Mirror(new TwoPassMirrorOps(), 8, 16),
            new Mirror(new MirrorOps(), 20, 30),
            new Mirror(new TwoPassMirrorOps(), 40, 24),
        };
        foreach (Mirror m in mirrors)
        {
            m.Insert(space, (ulong)m.First * 4096, (ulong)m.Count * 4096);
        }

        int stale = 0;
        long programmed = 0;
        long retries = 0;
        long writes = 0;
        var clock = Stopwatch.StartNew();

        bool IsStale(Mirror m)
        {
            // Caller holds m.DriverLock.
            if (!m.Valid)
            {
                return false;
            }

            for (int i = 0; i < m.Count; i++)
            {
                if (m.Copy[i] != Volatile.Read(ref backing[m.First + i]))
                {
                    return true;
                }
            }

            return false;
        }

        Action writer(int seed) => () =>
        {
            var random = new Random(seed);
            while (clock.Elapsed < StressTime)
            {
                int first = random.Next(0, Pages);
                int count = random.Next(1, Math.Min(8, Pages - first) + 1);
                var range = new NotifierRange((ulong)first * 4096, (ulong)(first + count) * 4096,
                                              NotifierEvent.Clear, blockable: random.Next(3) != 0);
                Assert.True(space.InvalidateRangeStart(in range));
                for (int i = first; i < first + count; i++)
                {
                    Interlocked.Increment(ref backing[i]); // the CPU side changes the pages
                }

                Interlocked.Increment(ref writes);
                space.InvalidateRangeEnd(in range);
                Thread.SpinWait(random.Next(0, 200));
            }
        };

        Action reader(Mirror[] mine) => () =>
        {
            var copy = new long[Pages];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            int round = 0;
            while (clock.Elapsed < StressTime)
            {
                Mirror m = mine[round++ % mine.Length];
                while (true)
                {
                    ulong seq = asyncReadBegin
                        ? m.ReadBeginAsync(cts.Token).AsTask().GetAwaiter().GetResult()
                        : m.ReadBegin(cts.Token);
                    for (int i = 0; i < m.Count; i++)
                    {
                        copy[i] = Volatile.Read(ref backing[m.First + i]); // slow work, no driver lock
                    }

                    lock (m.DriverLock)
                    {
                        if (m.ReadRetry(seq))
                        {
                            Interlocked.Increment(ref retries);
                            continue;
                        }

                        if (m.PendingInvalidations != 0)
                        {
                            Interlocked.Increment(ref stale); // the read side passed in the middle of two passes
                        }

                        Array.Copy(copy, m.Copy, m.Count);
                        m.Valid = true;
                        Interlocked.Increment(ref programmed);
                        if (IsStale(m))
                        {
                            Interlocked.Increment(ref stale);
                        }
                    }

                    break;
                }

                // Any valid mirror must equal the backing pages, whenever we look.
                foreach (Mirror other in mirrors)
                {
                    lock (other.DriverLock)
                    {
                        if (IsStale(other))
                        {
                            Interlocked.Increment(ref stale);
                        }
                    }
                }
            }
        };

        RunAll(writer(21), writer(22), reader(new[] { mirrors[0], mirrors[2] }), reader(new[] { mirrors[1], mirrors[3] }));
        Assert.Equal(0, stale);
        Assert.True(programmed > 0 && writes > 0, $"programmed {programmed}, writes {writes}, retries {retries}");
        AssertQuiescent(space);
    }
}
