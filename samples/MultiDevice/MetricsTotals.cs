using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading;
using IntervalNotifiers;

namespace MultiDevice;

/// <summary>
/// Totals of the runtime's <c>IntervalNotifiers</c> meter, through a <see cref="MeterListener"/> (what
/// <c>dotnet-counters monitor --counters IntervalNotifiers</c> and OpenTelemetry read from outside the process).
/// </summary>
internal sealed class MetricsTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _invalidations;
    private long _notifiersCalled;
    private long _finishes;
    private long _readBeginWaits;
    private long _readRetries;
    private long _violations;
    private long _walks;
    private double _walkSeconds;

    public MetricsTotals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NotifierMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnCount);
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) =>
        {
            if (i.Name == NotifierMetrics.NotifiersPerInvalidation)
            {
                Interlocked.Add(ref _notifiersCalled, v);
            }
        });
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) =>
        {
            if (i.Name == NotifierMetrics.WalkDuration)
            {
                lock (_listener)
                {
                    _walks++;
                    _walkSeconds += v;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>One line with the totals so far.</summary>
    public override string ToString()
    {
        double meanWalkMs;
        lock (_listener)
        {
            meanWalkMs = _walks == 0 ? 0 : _walkSeconds / _walks * 1000;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"metrics ({NotifierMetrics.MeterName} meter): {Interlocked.Read(ref _invalidations)} invalidations, " +
            $"{Interlocked.Read(ref _notifiersCalled)} notifier calls, {Interlocked.Read(ref _finishes)} finishes, " +
            $"mean walk {meanWalkMs:0.00} ms, {Interlocked.Read(ref _readBeginWaits)} ReadBegin waits, " +
            $"{Interlocked.Read(ref _readRetries)} read retries, {Interlocked.Read(ref _violations)} contract violations");
    }

    public void Dispose() => _listener.Dispose();

    private void OnCount(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case NotifierMetrics.Invalidations:
                Interlocked.Add(ref _invalidations, value);
                break;
            case NotifierMetrics.Finishes:
                Interlocked.Add(ref _finishes, value);
                break;
            case NotifierMetrics.ReadBeginWaits:
                Interlocked.Add(ref _readBeginWaits, value);
                break;
            case NotifierMetrics.ReadRetries:
                Interlocked.Add(ref _readRetries, value);
                break;
            case NotifierMetrics.ContractViolations:
                Interlocked.Add(ref _violations, value);
                break;
        }
    }
}
