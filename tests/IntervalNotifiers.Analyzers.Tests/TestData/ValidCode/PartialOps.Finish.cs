// Valid code: the other half of the partial ops type of PartialOps.Start.cs, and its read side under the
// ReaderWriterLockSlim (read mode here, write mode in the callback: the same lock).
using IntervalNotifiers;

namespace ValidCode.Partial;

public sealed partial class HmmMirrorOps
{
    public ulong FinishedPages { get; private set; }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var hmm = (HmmFinish)finish;
        FinishedPages += hmm.Pages;
    }
}

public static class HmmMirrorReader
{
    public static bool Snapshot(HmmMirror mirror, out int valid)
    {
        var sequence = mirror.ReadBegin();
        mirror.TableLock.EnterReadLock();
        try
        {
            valid = mirror.Valid;
            return !mirror.ReadRetry(sequence);
        }
        finally
        {
            mirror.TableLock.ExitReadLock();
        }
    }

    public static bool SnapshotUpgradeable(HmmMirror mirror)
    {
        var sequence = mirror.ReadBegin();
        mirror.TableLock.EnterUpgradeableReadLock();
        try
        {
            if (mirror.ReadRetry(sequence))
            {
                return false;
            }

            mirror.Valid = 1;
            return true;
        }
        finally
        {
            mirror.TableLock.ExitUpgradeableReadLock();
        }
    }
}
