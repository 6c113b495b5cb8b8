// Valid code: a generic ops type over its finish type, `new TFinish()` per invocation, and a generic pooled
// variant; both closed over a concrete finish below.
using IntervalNotifiers;

namespace ValidCode.Generic;

public class BatchFinish : NotifierFinish
{
    public ulong Start;
    public ulong End;
    public int Flushed;
}

public sealed class CpuCacheFinish : BatchFinish
{
    public ulong Lines;
}

public sealed class BatchRange : IntervalNotifier
{
    public BatchRange(IntervalNotifierOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();
}

public sealed class BatchedOps<TFinish> : IntervalNotifierOps where TFinish : BatchFinish, new()
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var batch = (BatchRange)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        lock (batch.Lock)
        {
            batch.SetSequence(currentSequence);
        }

        var created = new TFinish();
        created.Start = range.Start;
        created.End = range.End;
        finish = created;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var batchFinish = (TFinish)finish;
        batchFinish.Flushed += (int)((batchFinish.End - batchFinish.Start) >> 12);
    }
}

public sealed class PooledBatchOps<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
{
    private readonly NotifierFinishPool<TFinish> _pool = new(4);

    public int Synchronous;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var batch = (BatchRange)notifier;
        lock (batch.Lock)
        {
            batch.SetSequence(currentSequence);
        }

        if (_pool.TryRent(out var rented))
        {
            finish = rented;
            return true;
        }

        Synchronous++;
        finish = null;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((TFinish)finish);
}

public static class BatchSetup
{
    public static IntervalNotifier[] Create()
        => new IntervalNotifier[]
        {
            new BatchRange(new BatchedOps<CpuCacheFinish>()),
            new BatchRange(new PooledBatchOps<CpuCacheFinish>()),
        };

    public static bool Check(BatchRange batch)
    {
        var sequence = batch.ReadBegin();
        lock (batch.Lock)
        {
            return !batch.ReadRetry(sequence);
        }
    }
}
