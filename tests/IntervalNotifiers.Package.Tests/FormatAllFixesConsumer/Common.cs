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
