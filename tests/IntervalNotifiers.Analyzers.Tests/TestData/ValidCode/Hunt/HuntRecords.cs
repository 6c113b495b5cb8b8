// Valid code (hunt): records and structs that hold notifiers and sequence snapshots; readers that keep the
// ReadBegin result in a record (checked elsewhere), in a 'with' expression, or in a tuple; a ReaderWriterLockSlim
// held in upgradeable mode; the lock named through a property of the notifier.
using System;
using System.Collections.Generic;
using System.Threading;

namespace ValidCode.Hunt.Records;

public sealed class TableRange : IntervalNotifier
{
    public TableRange(TableOps ops) : base(ops)
    {
    }

    private readonly ReaderWriterLockSlim _tableLock = new();

    public ReaderWriterLockSlim TableLock => _tableLock;

    public int Entries;
}

public readonly record struct TableSnapshot(TableRange Range, ulong Sequence, int Entries)
{
    public bool IsStale => Range.CheckRetry(Sequence);
}

public record struct TableCursor(TableRange Range)
{
    public ulong Sequence { get; set; }
}

public sealed class TableOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var table = (TableRange)notifier;
        if (!table.TableLock.TryEnterWriteLock(range.IsBlockable ? Timeout.Infinite : 0))
        {
            return false;
        }

        try
        {
            table.SetSequence(currentSequence);
            table.Entries = 0;
        }
        finally
        {
            table.TableLock.ExitWriteLock();
        }

        return true;
    }
}

public static class TableReader
{
    public static TableSnapshot Begin(TableRange range) => new(range, range.ReadBegin(), Volatile.Read(ref range.Entries));

    public static TableCursor Refresh(TableCursor cursor) => cursor with { Sequence = cursor.Range.ReadBegin() };

    public static (ulong Sequence, int Entries) BeginTuple(TableRange range) => (range.ReadBegin(), range.Entries);

    public static bool Commit(in TableSnapshot snapshot)
    {
        snapshot.Range.TableLock.EnterUpgradeableReadLock();
        try
        {
            if (snapshot.Range.ReadRetry(snapshot.Sequence))
            {
                return false;
            }

            snapshot.Range.TableLock.EnterWriteLock();
            try
            {
                snapshot.Range.Entries = snapshot.Entries + 1;
            }
            finally
            {
                snapshot.Range.TableLock.ExitWriteLock();
            }

            return true;
        }
        finally
        {
            snapshot.Range.TableLock.ExitUpgradeableReadLock();
        }
    }

    public static bool Commit(TableCursor cursor)
    {
        if (!cursor.Range.TableLock.TryEnterReadLock(TimeSpan.FromSeconds(1)))
        {
            return false;
        }

        try
        {
            return !cursor.Range.ReadRetry(cursor.Sequence);
        }
        finally
        {
            cursor.Range.TableLock.ExitReadLock();
        }
    }

    public static int CommitAll(List<TableRange> ranges)
    {
        var snapshots = new List<TableSnapshot>(ranges.Count);
        foreach (var range in ranges)
        {
            snapshots.Add(Begin(range));
        }

        var committed = 0;
        foreach (var snapshot in snapshots)
        {
            if (!snapshot.IsStale && Commit(in snapshot))
            {
                committed++;
            }
        }

        return committed;
    }
}
