// Valid code (hunt): a base ops class with template methods. The base seals both passes and calls abstract
// hooks; the engines fill them in: one creates its finish in the start hook, one zaps synchronously and
// hands out no finish, one sets the sequence in its hook under its own lock.
using System;
using System.Threading;

namespace ValidCode.Hunt.Template;

public class EngineRange : IntervalNotifier
{
    public EngineRange(EngineOpsBase ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public int Zapped;
}

public class EngineFinish : NotifierFinish
{
    public EngineRange? Range;

    public long Seqno;
}

public sealed class CopyEngineFinish : EngineFinish
{
    public int Lane;
}

public abstract class EngineOpsBase : NotifierOpsBase
{
    public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                out NotifierFinish? finish)
    {
        var engine = (EngineRange)notifier;
        if (!range.IsBlockable && !CanRunNonBlocking)
        {
            finish = null;
            return false;
        }

        MarkInvalid(engine, currentSequence);
        finish = BeginFlush(engine, in range);
        return true;
    }

    public sealed override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (EngineFinish)finish;
        EndFlush(f);
        OnFlushed(f.Range);
    }

    protected virtual bool CanRunNonBlocking => false;

    protected virtual void MarkInvalid(EngineRange engine, ulong currentSequence)
    {
        lock (engine.Lock)
        {
            engine.SetSequence(currentSequence);
            engine.Zapped++;
        }
    }

    /// <summary>Starts the flush; returns the finish to wait for it, or null when it is already done.</summary>
    protected abstract EngineFinish? BeginFlush(EngineRange engine, in NotifierRange range);

    protected abstract void EndFlush(EngineFinish finish);

    protected virtual void OnFlushed(EngineRange? range)
    {
    }
}

public sealed class CopyEngineOps : EngineOpsBase
{
    private int _lanes;

    protected override EngineFinish? BeginFlush(EngineRange engine, in NotifierRange range)
        => new CopyEngineFinish { Range = engine, Lane = Interlocked.Increment(ref _lanes) & 3, Seqno = (long)range.Start };

    protected override void EndFlush(EngineFinish finish)
    {
        if (finish is CopyEngineFinish { Lane: var lane })
        {
            Console.WriteLine($"copy lane {lane} flushed");
        }
    }
}

public sealed class DisplayEngineOps : EngineOpsBase
{
    protected override bool CanRunNonBlocking => true;

    protected override EngineFinish? BeginFlush(EngineRange engine, in NotifierRange range)
    {
        engine.Zapped++;
        return null; // scanout is zapped synchronously: no second pass
    }

    protected override void EndFlush(EngineFinish finish) => throw new InvalidOperationException("no finish is ever handed out");
}

public sealed class VideoEngineOps : EngineOpsBase
{
    private readonly object _videoLock = new();

    protected override void MarkInvalid(EngineRange engine, ulong currentSequence)
    {
        lock (_videoLock)
        {
            engine.SetSequence(currentSequence);
        }
    }

    protected override EngineFinish? BeginFlush(EngineRange engine, in NotifierRange range) => new() { Range = engine };

    protected override void EndFlush(EngineFinish finish) => finish.Range = null;
}
