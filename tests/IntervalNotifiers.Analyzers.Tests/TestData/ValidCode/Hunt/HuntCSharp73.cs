// Valid code (hunt): the same contract written as C# 7.3 code would be (no nullable annotations, no 'is not',
// no switch expressions, no target-typed new), a block-scoped namespace, and an 'out' finish assigned on
// every path through a classic switch statement and a try/finally.
using System;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.Hunt.CSharp73
{
    public class LegacyRange : IntervalNotifier
    {
        public LegacyRange(IntervalNotifierOps ops) : base(ops)
        {
        }

        public readonly object SyncRoot = new object();

        public int Generation;
    }

    public class LegacyFinish : NotifierFinish
    {
        public LegacyRange Range;
        public int Generation;
    }

    public class LegacyOps : IntervalNotifierOps
    {
        private readonly NotifierFinishPool<LegacyFinish> _pool = new NotifierFinishPool<LegacyFinish>(4);

        public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                             out NotifierFinish finish)
        {
            LegacyRange legacy = notifier as LegacyRange;
            if (legacy == null)
            {
                finish = null;
                return true;
            }

            bool taken = false;
            try
            {
                Monitor.TryEnter(legacy.SyncRoot, range.IsBlockable ? Timeout.Infinite : 0, ref taken);
                if (!taken)
                {
                    finish = null;
                    return false;
                }

                legacy.SetSequence(currentSequence);
                legacy.Generation = unchecked(legacy.Generation + 1);
            }
            finally
            {
                if (taken)
                {
                    Monitor.Exit(legacy.SyncRoot);
                }
            }

            switch (range.Event)
            {
                case NotifierEvent.SoftDirty:
                case NotifierEvent.ProtectionPage:
                    finish = null;
                    return true;
                default:
                    LegacyFinish rented;
                    if (_pool.TryRent(out rented))
                    {
                        rented.Range = legacy;
                        rented.Generation = legacy.Generation;
                        finish = rented;
                    }
                    else
                    {
                        finish = null;
                    }

                    return true;
            }
        }

        public override void InvalidateFinish(NotifierFinish finish)
        {
            LegacyFinish legacy = finish as LegacyFinish;
            if (legacy == null)
            {
                return;
            }

            Console.WriteLine("generation " + legacy.Generation);
            legacy.Range = null;
            _pool.Return(legacy);
        }
    }

    public static class LegacyReader
    {
        public static int Read(LegacyRange range)
        {
            for (;;)
            {
                ulong seq = range.ReadBegin();
                int generation = range.Generation;
                Monitor.Enter(range.SyncRoot);
                try
                {
                    if (range.ReadRetry(seq))
                    {
                        continue;
                    }

                    return generation;
                }
                finally
                {
                    Monitor.Exit(range.SyncRoot);
                }
            }
        }
    }
}
