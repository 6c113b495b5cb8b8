using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// The cost of the runtime's metrics (the <c>IntervalNotifiers</c> meter) per invalidation of 4 notifiers and per
/// read-side round: without a listener (every instrument disabled: goal within noise of the same benchmarks before
/// the metrics, and 0 B) and with a <see cref="MeterListener"/> that enables every instrument and counts the
/// measurements (the cost per invalidation with metrics on; 0 B too, the tag values are cached).
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks : InvalidationBenchmarkBase
{
    private readonly AddressSpace _singlePass = new();
    private readonly AddressSpace _pooledTwoPass = new();
    private BenchNotifier? _reader;
    private MeterListener? _listener;
    private long _measurements;

    /// <summary>Whether a listener enables every instrument of the meter.</summary>
    [Params(false, true)]
    public bool Listener { get; set; }

    /// <summary>Inserts 4 notifiers per address space and attaches the listener when <see cref="Listener"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var single = new SinglePassBenchOps();
        var pooled = new PooledTwoPassBenchOps(capacity: 2 * NotifierCount);
        for (int i = 0; i < NotifierCount; i++)
        {
            _reader = Add(single, _singlePass);
            Add(pooled, _pooledTwoPass);
        }

        if (Listener)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == NotifierMetrics.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => _measurements++);
            _listener.SetMeasurementEventCallback<int>((_, _, _, _) => _measurements++);
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => _measurements++);
            _listener.Start();
        }
    }

    /// <summary>Detaches the listener and removes the notifiers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        RemoveAll();
    }

    /// <summary>One invalidation (start and end) of 4 single-pass notifiers.</summary>
    [Benchmark(Baseline = true)]
    public bool SinglePass() => Invalidate(_singlePass);

    /// <summary>One invalidation of 4 two-pass notifiers with pooled finish objects (both passes measured).</summary>
    [Benchmark]
    public bool TwoPassPooled() => Invalidate(_pooledTwoPass);

    /// <summary>A read-side round of an idle notifier: ReadBegin, then a ReadRetry that collides (counted).</summary>
    [Benchmark]
    public bool ReadSideCollision()
    {
        BenchNotifier notifier = _reader!;
        ulong seq = notifier.ReadBegin();
        return notifier.ReadRetry(seq + 2);
    }
}
