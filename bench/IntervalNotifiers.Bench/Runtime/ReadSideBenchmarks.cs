using System.Threading;
using BenchmarkDotNet.Attributes;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// The read side on the uncontended path (no invalidation in flight, one thread): <c>ReadBegin</c>,
/// <c>ReadRetry</c> under the driver lock, the lock-free <c>CheckRetry</c>, and the whole read section,
/// against taking the driver lock alone.
/// </summary>
[MemoryDiagnoser]
public class ReadSideBenchmarks
{
    private readonly AddressSpace _space = new();
    private readonly BenchNotifier _notifier = new(new SinglePassBenchOps());
    private ulong _sequence;

    /// <summary>Inserts the notifier and takes a sequence.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _notifier.Insert(_space, 0x10_0000, 0x1_0000);
        _sequence = _notifier.ReadBegin();
    }

    /// <summary>Removes the notifier.</summary>
    [GlobalCleanup]
    public void Cleanup() => _notifier.Remove();

    /// <summary>Baseline: take and release the driver lock.</summary>
    [Benchmark(Baseline = true)]
    public bool LockOnly()
    {
        Lock driverLock = _notifier.DriverLock;
        lock (driverLock)
        {
            return _notifier.IsMapped;
        }
    }

    /// <summary><c>ReadBegin</c> with no invalidation in flight.</summary>
    [Benchmark]
    public ulong ReadBegin()
    {
        _sequence = _notifier.ReadBegin();
        return _sequence;
    }

    /// <summary><c>ReadRetry</c> under the driver lock.</summary>
    [Benchmark]
    public bool ReadRetryUnderLock()
    {
        lock (_notifier.DriverLock)
        {
            return _notifier.ReadRetry(_sequence);
        }
    }

    /// <summary><c>CheckRetry</c> (lock-free).</summary>
    [Benchmark]
    public bool CheckRetry() => _notifier.CheckRetry(_sequence);

    /// <summary>The whole uncontended read section: <c>ReadBegin</c>, then <c>ReadRetry</c> under the lock.</summary>
    [Benchmark]
    public bool ReadSection() => _notifier.TryMap();
}
