// Port of the statistics side of a notifier driver (the debugfs counters and tracepoints of amdgpu/xe, the
// ODP counters of mlx5): a side object that counts invalidations, times the gap between the two passes and
// raises events, fed by the driver's ops and by the runtime's own meter. It keeps only values: never a finish
// object (pooled, reused by the next start), nor a notifier (that would keep a removed mirror alive), and it
// raises its events outside the driver lock, after the callback's real work is done.
#nullable enable
using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using IntervalNotifiers;

namespace Idioms.Telemetry;

public sealed record InvalidationObserved(
    int NotifierId, ulong Start, ulong End, NotifierEvent Event, bool Blockable, bool TwoPass, TimeSpan? BetweenPasses);

public readonly record struct Snapshot(long Invalidations, long TwoPass, long Refused, long RuntimeFinishes, long ReadRetries);

public sealed class InvalidationStats : IDisposable
{
    private readonly long[] _byEvent = new long[Enum.GetValues<NotifierEvent>().Length];
    private readonly MeterListener _listener = new();
    private readonly AddressSpace _space;
    private long _invalidations;
    private long _twoPass;
    private long _refused;
    private long _runtimeFinishes;
    private long _readRetries;
    private long _violations;
    private long _maxBetweenPassesTicks;

    public InvalidationStats(AddressSpace space)
    {
        _space = space;
        _space.ContractViolation += OnViolation;

        // The runtime's meter is process-wide: these two counters cover every address space, not only this one.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NotifierMetrics.MeterName &&
                instrument.Name is NotifierMetrics.Finishes or NotifierMetrics.ReadRetries)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnRuntimeMeasurement);
        _listener.Start();
    }

    /// <summary>Raised on the invalidating thread; handlers must be short and must not call into the notifier.</summary>
    public event EventHandler<InvalidationObserved>? Observed;

    public long Violations => Interlocked.Read(ref _violations);

    public TimeSpan MaxBetweenPasses => TimeSpan.FromTicks(Interlocked.Read(ref _maxBetweenPassesTicks));

    public long CountFor(NotifierEvent e) => Interlocked.Read(ref _byEvent[(int)e]);

    public Snapshot Take() => new(
        Interlocked.Read(ref _invalidations), Interlocked.Read(ref _twoPass), Interlocked.Read(ref _refused),
        Interlocked.Read(ref _runtimeFinishes), Interlocked.Read(ref _readRetries));

    internal void Record(int notifierId, in NotifierRange range, bool twoPass)
    {
        Interlocked.Increment(ref _invalidations);
        Interlocked.Increment(ref _byEvent[(int)range.Event]);
        if (twoPass)
        {
            Interlocked.Increment(ref _twoPass);
            return; // reported at the finish, with its timing
        }

        Raise(new InvalidationObserved(notifierId, range.Start, range.End, range.Event, range.IsBlockable, false, null));
    }

    internal void RecordRefused() => Interlocked.Increment(ref _refused);

    internal void RecordFinish(int notifierId, ulong start, ulong end, NotifierEvent e, long startTimestamp)
    {
        TimeSpan gap = Stopwatch.GetElapsedTime(startTimestamp);
        long ticks = gap.Ticks, seen;
        while (ticks > (seen = Interlocked.Read(ref _maxBetweenPassesTicks)) &&
               Interlocked.CompareExchange(ref _maxBetweenPassesTicks, ticks, seen) != seen)
        {
        }

        Raise(new InvalidationObserved(notifierId, start, end, e, true, true, gap));
    }

    private void Raise(InvalidationObserved observed)
    {
        EventHandler<InvalidationObserved>? handler = Observed;
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, observed);
        }
        catch (Exception ex)
        {
            Trace.TraceWarning($"invalidation stats handler threw: {ex.Message}"); // never into the walk
        }
    }

    private void OnRuntimeMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags,
                                      object? state)
    {
        ref long counter = ref (instrument.Name == NotifierMetrics.Finishes ? ref _runtimeFinishes : ref _readRetries);
        Interlocked.Add(ref counter, value);
    }

    private void OnViolation(object? sender, ContractViolationEventArgs e) => Interlocked.Increment(ref _violations);

    public void Dispose()
    {
        _space.ContractViolation -= OnViolation;
        _listener.Dispose();
        Observed = null;
    }
}

/// <summary>A mirror with a small integer id: what the statistics remember instead of the object.</summary>
public sealed class ObservedMirror(ObservedOps ops, int id) : IntervalNotifier(ops)
{
    public int Id { get; } = id;

    public object Lock { get; } = new();

    public int MappedPages { get; set; }
}

public sealed class ObservedFinish : NotifierFinish
{
    public long StartTimestamp;
    public ulong Start;
    public ulong End;
    public NotifierEvent Event;
}

/// <summary>A two-pass driver that reports to <see cref="InvalidationStats"/>.</summary>
public sealed class ObservedOps(InvalidationStats stats) : IntervalNotifierOps
{
    private readonly NotifierFinishPool<ObservedFinish> _pool = new(capacity: 2);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        var mirror = (ObservedMirror)notifier;

        if (!range.IsBlockable)
        {
            stats.RecordRefused();
            return false;
        }

        int pages;
        lock (mirror.Lock)
        {
            mirror.SetSequence(currentSequence);
            pages = mirror.MappedPages;
            mirror.MappedPages = 0;
        }

        if (pages == 0 || !_pool.TryRent(out ObservedFinish? f))
        {
            // Nothing to wait for, or no finish free: done in one pass.
            stats.Record(mirror.Id, in range, twoPass: false);
            return true;
        }

        f.StartTimestamp = Stopwatch.GetTimestamp();
        (f.Start, f.End, f.Event) = (range.Start, range.End, range.Event);
        finish = f;
        stats.Record(mirror.Id, in range, twoPass: true);
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (ObservedFinish)finish;
        int id = ((ObservedMirror)f.Notifier).Id;

        // Copy the values out, then give the object back before reporting: the stats never see it.
        (ulong start, ulong end, NotifierEvent e, long t0) = (f.Start, f.End, f.Event, f.StartTimestamp);
        _pool.Return(f);

        Thread.SpinWait(64); // the device wait this sample stands in for
        stats.RecordFinish(id, start, end, e, t0);
    }
}
