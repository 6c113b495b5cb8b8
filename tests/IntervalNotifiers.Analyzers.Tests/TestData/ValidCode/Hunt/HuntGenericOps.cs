// Valid code (hunt): a generic ops type over both the finish and the notifier type, with a pooled variant, and
// a generic reader of the notifier type under the lock the ops type takes.
using System;
using System.Threading;

namespace ValidCode.Hunt.Generic;

public interface IMirror
{
    object Sync { get; }

    void Zap(ulong start, ulong end);
}

public class MirrorNotifier : IntervalNotifier, IMirror
{
    public MirrorNotifier(NotifierOpsBase ops) : base(ops)
    {
    }

    public object Sync { get; } = new();

    public int Zaps;

    public void Zap(ulong start, ulong end) => Zaps++;
}

public sealed class GpuMirrorNotifier : MirrorNotifier
{
    public GpuMirrorNotifier(NotifierOpsBase ops) : base(ops)
    {
    }
}

public class ZapFinish : NotifierFinish
{
    public ulong Start;

    public ulong End;

    public IMirror? Mirror;
}

public sealed class Ops<TFinish, TNotifier> : NotifierOpsBase
    where TFinish : ZapFinish, new()
    where TNotifier : IntervalNotifier, IMirror
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var mirror = (TNotifier)notifier;
        lock (mirror.Sync)
        {
            mirror.SetSequence(currentSequence);
        }

        var zap = new TFinish();
        zap.Start = range.Start;
        zap.End = range.End;
        zap.Mirror = mirror;
        finish = zap;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var zap = (TFinish)finish;
        zap.Mirror?.Zap(zap.Start, zap.End);
    }
}

public sealed class PooledOps<TFinish, TNotifier> : NotifierOpsBase
    where TFinish : ZapFinish, new()
    where TNotifier : MirrorNotifier
{
    private readonly NotifierFinishPool<TFinish> _pool;

    public PooledOps(int capacity) => _pool = new NotifierFinishPool<TFinish>(capacity);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var mirror = (TNotifier)notifier;
        lock (mirror.Sync)
        {
            mirror.SetSequence(currentSequence);
        }

        if (!_pool.TryRent(out var zap))
        {
            mirror.Zap(range.Start, range.End);
            finish = null;
            return true;
        }

        (zap.Start, zap.End, zap.Mirror) = (range.Start, range.End, mirror);
        finish = zap;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        if (finish is TFinish zap)
        {
            zap.Mirror?.Zap(zap.Start, zap.End);
            zap.Mirror = null;
            _pool.Return(zap);
        }
    }
}

public static class MirrorReader<TNotifier> where TNotifier : MirrorNotifier
{
    public static int Snapshot(TNotifier mirror)
    {
        int zaps;
        ulong seq;
        do
        {
            seq = mirror.ReadBegin();
            zaps = Volatile.Read(ref mirror.Zaps);
        }
        while (Retry(mirror, seq));

        return zaps;
    }

    private static bool Retry(TNotifier mirror, ulong seq)
    {
        lock (mirror.Sync)
        {
            return mirror.ReadRetry(seq);
        }
    }
}

public static class GenericSetup
{
    public static MirrorNotifier Create(AddressSpace space)
    {
        var ops = new Ops<ZapFinish, GpuMirrorNotifier>();
        var notifier = new GpuMirrorNotifier(ops);
        notifier.Insert(space, 0x10000, 0x4000);
        return notifier;
    }
}
