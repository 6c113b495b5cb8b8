// Port of the "wrap the driver's ops to trace them" idiom (the ftrace/tracepoint wrappers drivers put around
// their notifier callbacks: trace_xe_vma_userptr_invalidate, trace_amdgpu_hmm_invalidate...). The decorator
// owns no mirror: the inner ops keeps doing the contract work (lock, SetSequence, finish objects); the wrapper
// only observes, and hands the inner's finish object through untouched so the runtime finishes exactly it.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.TracingDecorator;

public enum TracePhase
{
    Start,
    Refused,
    Single,
    HandedOut,
    Finish,
    Failed,
}

public readonly record struct NotifierTrace(
    TracePhase Phase, string Ops, ulong Start, ulong End, NotifierEvent Event, bool Blockable, double Milliseconds);

public interface ITraceSink
{
    void Write(in NotifierTrace trace);
}

/// <summary>Writes to System.Diagnostics.Trace; what a driver would get from trace_printk.</summary>
public sealed class DebugTraceSink : ITraceSink
{
    public static readonly DebugTraceSink Instance = new();

    public void Write(in NotifierTrace trace) =>
        Trace.WriteLine($"{trace.Ops}: {trace.Phase} [0x{trace.Start:X}, 0x{trace.End:X}) {trace.Event}" +
                        (trace.Blockable ? string.Empty : " !blockable") +
                        (trace.Milliseconds > 0 ? $" {trace.Milliseconds:F3} ms" : string.Empty));
}

/// <summary>
/// Forwards both passes to any inner ops: a single-pass inner is reached through the base InvalidateStart, which
/// calls its Invalidate and hands out no finish.
/// </summary>
public sealed class TracingOps : IntervalNotifierOps
{
    private readonly IntervalNotifierOps _inner;
    private readonly ITraceSink _sink;
    private readonly string _name;

    // Start timestamps of the finishes in flight, keyed by object identity. An entry lives only between the two
    // passes: it is taken out before the inner finish runs (the inner may hand the object back to its pool).
    private readonly ConcurrentDictionary<NotifierFinish, StartInfo> _inFlight = new(ReferenceEqualityComparer.Instance);

    private readonly record struct StartInfo(long Timestamp, ulong Start, ulong End, NotifierEvent Event, bool Blockable);

    public TracingOps(IntervalNotifierOps inner, ITraceSink? sink = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _sink = sink ?? DebugTraceSink.Instance;
        _name = inner.GetType().Name;
    }

    public IntervalNotifierOps Inner => _inner;

    public int InFlight => _inFlight.Count;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        long t0 = Stopwatch.GetTimestamp();
        Emit(TracePhase.Start, in range, 0);

        bool ok;
        try
        {
            ok = _inner.InvalidateStart(notifier, in range, currentSequence, out finish);
        }
        catch (Exception) when (EmitFailed(in range, t0))
        {
            throw; // unreachable: the filter only logs
        }

        if (!ok)
        {
            // Only legal on a non-blockable range; the inner left finish null (a refused start is never finished).
            Emit(TracePhase.Refused, in range, Elapsed(t0));
            return false;
        }

        if (finish is null)
        {
            Emit(TracePhase.Single, in range, Elapsed(t0));
            return true;
        }

        _inFlight[finish] = new StartInfo(t0, range.Start, range.End, range.Event, range.IsBlockable);
        Emit(TracePhase.HandedOut, in range, Elapsed(t0));
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        // Take our entry out before the inner finish recycles the object (a pool may hand it to the next start).
        if (!_inFlight.TryRemove(finish, out StartInfo info))
        {
            IntervalNotifier notifier = finish.Notifier;
            info = new StartInfo(Stopwatch.GetTimestamp(), notifier.Start, notifier.Last, NotifierEvent.Unmap, true);
        }

        _inner.InvalidateFinish(finish);

        _sink.Write(new NotifierTrace(TracePhase.Finish, _name, info.Start, info.End, info.Event, info.Blockable,
                                      Elapsed(info.Timestamp)));
    }

    private void Emit(TracePhase phase, in NotifierRange range, double ms) =>
        _sink.Write(new NotifierTrace(phase, _name, range.Start, range.End, range.Event, range.IsBlockable, ms));

    private bool EmitFailed(in NotifierRange range, long t0)
    {
        Emit(TracePhase.Failed, in range, Elapsed(t0));
        return false;
    }

    private static double Elapsed(long t0) => Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
}

/// <summary>The driver-facing base for single-pass ops: Invalidate is mandatory.</summary>
public abstract class SinglePassOps : IntervalNotifierOps
{
    public abstract override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence);
}

/// <summary>A cheaper wrapper for single-pass drivers: counts and rate-limits its trace output.</summary>
public sealed class CountingOps : SinglePassOps
{
    private readonly SinglePassOps _inner;
    private readonly ITraceSink _sink;
    private long _calls;
    private long _refusals;
    private long _lastEmit;

    public CountingOps(SinglePassOps inner, ITraceSink sink)
    {
        _inner = inner;
        _sink = sink;
    }

    public long Calls => Interlocked.Read(ref _calls);

    public long Refusals => Interlocked.Read(ref _refusals);

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        Interlocked.Increment(ref _calls);
        bool ok = _inner.Invalidate(notifier, in range, currentSequence);
        if (!ok)
        {
            Interlocked.Increment(ref _refusals);
        }

        if (ShouldEmit())
        {
            _sink.Write(new NotifierTrace(ok ? TracePhase.Single : TracePhase.Refused, _inner.GetType().Name,
                                          range.Start, range.End, range.Event, range.IsBlockable, 0));
        }

        return ok;
    }

    // printk_ratelimit: at most one line per 100 ms, decided without a lock.
    private bool ShouldEmit()
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastEmit);
        return now - last >= 100 && Interlocked.CompareExchange(ref _lastEmit, now, last) == last;
    }
}

/// <summary>A minimal single-pass driver to wrap: a mirror guarded by a lock.</summary>
public sealed class PlainMirrorOps : SinglePassOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var mirror = (PlainMirror)notifier;
        if (!range.IsBlockable && !Monitor.TryEnter(mirror.Lock))
        {
            return false;
        }

        if (range.IsBlockable)
        {
            Monitor.Enter(mirror.Lock);
        }

        try
        {
            mirror.SetSequence(currentSequence);
            mirror.Valid = false;
        }
        finally
        {
            Monitor.Exit(mirror.Lock);
        }

        return true;
    }
}

public sealed class PlainMirror(IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public object Lock { get; } = new();

    public bool Valid { get; set; }

    public static PlainMirror Traced(ITraceSink sink, bool countOnly) =>
        new(countOnly ? new CountingOps(new PlainMirrorOps(), sink) : new TracingOps(new PlainMirrorOps(), sink));
}
