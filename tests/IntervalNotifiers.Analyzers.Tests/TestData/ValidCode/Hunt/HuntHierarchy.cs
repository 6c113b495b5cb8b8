// Valid code (hunt): a notifier hierarchy (a base range type read generically, derived ranges per memory kind),
// an ops base generic over the range type with the lock on the base, a private property used by the callbacks,
// a helper with 'ref' and 'in' parameters, and a reader working through an interface of the driver.
using System;
using System.Collections.Generic;
using System.Threading;

namespace ValidCode.Hunt.Hierarchy;

public interface IRangeLocker
{
    ReaderWriterLockSlim RangeLock { get; }
}

public abstract class SvmRangeBase : IntervalNotifier, IRangeLocker
{
    protected SvmRangeBase(NotifierOpsBase ops, ReaderWriterLockSlim rangeLock) : base(ops) => RangeLock = rangeLock;

    public ReaderWriterLockSlim RangeLock { get; }

    public int Generation;
}

public sealed class SystemRange : SvmRangeBase
{
    public SystemRange(NotifierOpsBase ops, ReaderWriterLockSlim rangeLock) : base(ops, rangeLock)
    {
    }
}

public sealed class DeviceRange : SvmRangeBase
{
    public DeviceRange(NotifierOpsBase ops, ReaderWriterLockSlim rangeLock) : base(ops, rangeLock)
    {
    }

    public bool Migrated;
}

public sealed class RangeFinish<TRange> : NotifierFinish where TRange : SvmRangeBase
{
    public TRange? Range;

    public int Generation;
}

public abstract class RangeOps<TRange> : NotifierOpsBase where TRange : SvmRangeBase
{
    private int _invalidations;

    private int Invalidations => Volatile.Read(ref _invalidations);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var svm = (TRange)notifier;
        svm.RangeLock.EnterWriteLock();
        try
        {
            svm.SetSequence(currentSequence);
            Bump(ref svm.Generation, in range);
        }
        finally
        {
            svm.RangeLock.ExitWriteLock();
        }

        Interlocked.Increment(ref _invalidations);
        finish = NeedsSecondPass(svm) ? new RangeFinish<TRange> { Range = svm, Generation = Invalidations } : null;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (RangeFinish<TRange>)finish;
        if (f.Range is { } range)
        {
            Complete(range, f.Generation);
        }
    }

    protected abstract bool NeedsSecondPass(TRange range);

    protected abstract void Complete(TRange range, int generation);

    private static void Bump(ref int generation, in NotifierRange range)
    {
        if (range.Event != NotifierEvent.SoftDirty)
        {
            generation++;
        }
    }
}

public sealed class SystemRangeOps : RangeOps<SystemRange>
{
    protected override bool NeedsSecondPass(SystemRange range) => false;

    protected override void Complete(SystemRange range, int generation) => throw new InvalidOperationException();
}

public sealed class DeviceRangeOps : RangeOps<DeviceRange>
{
    protected override bool NeedsSecondPass(DeviceRange range) => range.Migrated;

    protected override void Complete(DeviceRange range, int generation) => range.Migrated = false;
}

public static class RangeReader
{
    public static int Snapshot<TRange>(TRange range) where TRange : SvmRangeBase
    {
        for (var attempt = 0; ; attempt++)
        {
            var seq = range.ReadBegin();
            var generation = Volatile.Read(ref range.Generation);
            var locker = (IRangeLocker)range;
            locker.RangeLock.EnterReadLock();
            try
            {
                if (!range.ReadRetry(seq) || attempt > 100)
                {
                    return generation;
                }
            }
            finally
            {
                locker.RangeLock.ExitReadLock();
            }
        }
    }

    public static bool Valid(SvmRangeBase range, ulong seq)
    {
        range.RangeLock.EnterReadLock();
        try
        {
            return !range.ReadRetry(seq);
        }
        finally
        {
            range.RangeLock.ExitReadLock();
        }
    }

    public static List<int> All(IEnumerable<SvmRangeBase> ranges)
    {
        var result = new List<int>();
        foreach (var range in ranges)
        {
            result.Add(Snapshot(range));
        }

        return result;
    }
}
