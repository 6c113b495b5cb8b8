// Valid code: a two-pass ops type with the observability a driver grows after its first field bug. The finish
// is handed to helpers of other classes (a logger, an in-flight tracker, a fence waiter, a trace ring), each of
// which reads the finish's data and keeps only copies of it, never the finish itself.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.Telemetry;

public sealed class ShootdownFinish : NotifierFinish
{
    public ManualResetEventSlim Done { get; } = new(false);
    public int Engine;
    public ulong Start;
    public ulong End;
    public long StartedTicks;
}

/// <summary>One line of the trace: values copied out of a finish.</summary>
public readonly record struct ShootdownRecord(int Engine, ulong Start, ulong End, TimeSpan Took);

/// <summary>A fixed-size ring of trace records.</summary>
public sealed class ShootdownTrace
{
    private readonly ShootdownRecord[] _ring = new ShootdownRecord[256];
    private int _next;

    public void Record(ShootdownFinish finish)
    {
        var took = TimeSpan.FromTicks(Stopwatch.GetTimestamp() - finish.StartedTicks);
        var slot = Interlocked.Increment(ref _next) & (_ring.Length - 1);
        _ring[slot] = new ShootdownRecord(finish.Engine, finish.Start, finish.End, took);
    }

    public IEnumerable<ShootdownRecord> Snapshot() => _ring.Where(r => r.Took > TimeSpan.Zero).ToArray();
}

/// <summary>Formats finishes into log lines; keeps the lines.</summary>
public sealed class ShootdownLog
{
    private readonly List<string> _lines = new();
    private readonly object _gate = new();

    public void Started(ShootdownFinish finish, string engineName)
    {
        ArgumentNullException.ThrowIfNull(finish);
        Append($"{engineName}: shootdown [{finish.Start:x}, {finish.End:x}) queued");
    }

    public void Finished(NotifierFinish finish)
    {
        ArgumentNullException.ThrowIfNull(finish);
        if (finish is ShootdownFinish shootdown)
        {
            Append($"engine {shootdown.Engine}: shootdown done, signalled={shootdown.Done.IsSet}");
        }
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == 1024)
            {
                _lines.RemoveAt(0);
            }

            _lines.Add(line);
        }
    }
}

/// <summary>Counts the shootdowns in flight per engine; never holds on to a finish.</summary>
public sealed class InFlightTracker
{
    private readonly int[] _perEngine = new int[8];
    private long _total;

    public void Begin(ShootdownFinish finish)
    {
        Interlocked.Increment(ref _perEngine[finish.Engine & 7]);
        Interlocked.Increment(ref _total);
    }

    public void End(ShootdownFinish finish) => Interlocked.Decrement(ref _perEngine[finish.Engine & 7]);

    public long Total => Interlocked.Read(ref _total);
}

public static class FenceWaiter
{
    public static bool WaitBounded(ShootdownFinish finish, TimeSpan timeout)
    {
        Debug.Assert(finish != null, nameof(finish) + " must be set");
        return finish.Done.Wait(timeout);
    }

    public static IEnumerable<ShootdownFinish> Pending(ShootdownFinish finish)
    {
        if (!finish.Done.IsSet)
        {
            yield return finish;
        }
    }
}

public sealed class EngineOps : IntervalNotifierOps
{
    private readonly object _lock = new();
    private readonly ShootdownTrace _trace = new();
    private readonly ShootdownLog _log = new();
    private readonly InFlightTracker _tracker = new();
    private readonly string _name;
    private readonly int _engine;

    public EngineOps(string name, int engine)
    {
        _name = name;
        _engine = engine;
    }

    public object Lock => _lock;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        var shootdown = new ShootdownFinish
        {
            Engine = _engine,
            Start = range.Start,
            End = range.End,
            StartedTicks = Stopwatch.GetTimestamp(),
        };
        lock (_lock)
        {
            notifier.SetSequence(currentSequence);
        }

        _tracker.Begin(shootdown);
        _log.Started(shootdown, _name);
        var (queued, engine) = (shootdown, _engine);
        Debug.Assert(queued.Engine == engine);
        ThreadPool.UnsafeQueueUserWorkItem(static done => done.Set(), shootdown.Done, preferLocal: true);
        finish = shootdown;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        ArgumentNullException.ThrowIfNull(finish);
        Debug.Assert(finish is ShootdownFinish, "every start of this type hands out a ShootdownFinish");
        var shootdown = (ShootdownFinish)finish;
        foreach (var pending in FenceWaiter.Pending(shootdown))
        {
            if (!FenceWaiter.WaitBounded(pending, TimeSpan.FromSeconds(1)))
            {
                pending.Done.Wait();
            }
        }

        _trace.Record(shootdown);
        _tracker.End(shootdown);
        _log.Finished(finish);
    }
}
