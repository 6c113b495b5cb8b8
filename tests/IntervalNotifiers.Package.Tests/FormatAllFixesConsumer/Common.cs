// The consumer of FormatAllFixesTests: shared pieces. Not compiled into the test project; the test copies the
// files of this folder into a throwaway project that references the packed package.
using System;
using System.Threading;
using IntervalNotifiers;

namespace Consumer
{
    public sealed class FlushFinish : NotifierFinish
    {
        public int Ticket;
    }

    /// <summary>An ops type whose finishes come from a pool: the program checks that the pool is whole at the end.</summary>
    public interface IPooled
    {
        string Audit();
    }

    /// <summary>
    /// An ops type with a reader that maps the notifier's pages (ReadBegin, a lookup, ReadRetry, the commit) and a
    /// callback that clears the mapping under its lock: the program maps, invalidates, maps again, and invalidates in
    /// the middle of a read.
    /// </summary>
    public interface IReader
    {
        /// <summary>The pages the reader committed last; null once an invalidation cleared them.</summary>
        int[]? Mapped { get; }

        PageSource Pages { get; }

        /// <summary>Reads and commits the pages; false when an invalidation ran meanwhile (the caller reads again).</summary>
        bool TryMap(IntervalNotifier notifier);

        /// <summary>"ok" when every change of the mapping held the lock the callback takes around SetSequence.</summary>
        string LockAudit();
    }

    /// <summary>A reader's slow lookup, done without the lock: each one returns new pages, numbered.</summary>
    public sealed class PageSource
    {
        public int Lookups { get; private set; }

        /// <summary>Runs once, inside the next lookup: between the reader's ReadBegin and its ReadRetry.</summary>
        public Action? WhileLookingUp { get; set; }

        public int[] Lookup()
        {
            var hook = WhileLookingUp;
            WhileLookingUp = null;
            hook?.Invoke();
            return new[] { ++Lookups };
        }
    }

    /// <summary>
    /// An ops type whose fix leaves a body that throws NotImplementedException naming what to write: the program
    /// invalidates it on its own and expects that exception (the fix fails loudly; it does not hide the bug).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class FailsLoudlyAttribute : Attribute
    {
    }

    public static class Pools
    {
        private static int _finished;

        public static int Finished => Volatile.Read(ref _finished);

        public static void CountFinish() => Interlocked.Increment(ref _finished);

        public static string Audit(NotifierFinishPool<FlushFinish> pool, int capacity)
        {
            var rented = 0;
            while (rented <= capacity && pool.TryRent(out _))
            {
                rented++;
            }

            return rented == capacity ? "ok" : "rented " + rented + " of " + capacity;
        }
    }
}
