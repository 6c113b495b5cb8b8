using BenchmarkDotNet.Attributes;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// Bytes allocated by one invalidation of 4 notifiers: single-pass ops and pooled two-pass ops must
/// allocate nothing; two-pass ops that create a finish per start allocate one object per notifier
/// (shown for contrast).
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks : InvalidationBenchmarkBase
{
    private readonly AddressSpace _singlePass = new();
    private readonly AddressSpace _pooledTwoPass = new();
    private readonly AddressSpace _allocatingTwoPass = new();

    /// <summary>Inserts 4 notifiers per address space.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var single = new SinglePassBenchOps();
        var pooled = new PooledTwoPassBenchOps(capacity: 2 * NotifierCount);
        var allocating = new AllocatingTwoPassBenchOps();
        for (int i = 0; i < NotifierCount; i++)
        {
            Add(single, _singlePass);
            Add(pooled, _pooledTwoPass);
            Add(allocating, _allocatingTwoPass);
        }
    }

    /// <summary>Removes the notifiers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        RemoveAll();
    }

    /// <summary>Single-pass ops.</summary>
    [Benchmark(Baseline = true)]
    public bool SinglePass() => Invalidate(_singlePass);

    /// <summary>Two-pass ops with finish objects from a <see cref="NotifierFinishPool{TFinish}"/>.</summary>
    [Benchmark]
    public bool TwoPassPooled() => Invalidate(_pooledTwoPass);

    /// <summary>Two-pass ops that allocate a finish object per start.</summary>
    [Benchmark]
    public bool TwoPassAllocating() => Invalidate(_allocatingTwoPass);
}
