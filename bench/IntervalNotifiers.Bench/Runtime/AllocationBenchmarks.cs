using BenchmarkDotNet.Attributes;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// Bytes allocated by one invalidation of 4 notifiers: single-pass ops and pooled two-pass ops must
/// allocate nothing; two-pass ops that create a finish per start allocate one object per notifier
/// (shown for contrast).
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private const int NotifierCount = 4;
    private const ulong Start = 0x4000_0000;
    private const ulong Length = 64 * 1024;

    private readonly NotifierRange _range = new(Start + 4096, Start + 2 * 4096, NotifierEvent.Clear);
    private readonly AddressSpace _singlePass = new();
    private readonly AddressSpace _pooledTwoPass = new();
    private readonly AddressSpace _allocatingTwoPass = new();
    private readonly BenchNotifier[] _notifiers = new BenchNotifier[3 * NotifierCount];

    /// <summary>Inserts 4 notifiers per address space.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var single = new SinglePassBenchOps();
        var pooled = new PooledTwoPassBenchOps(capacity: 2 * NotifierCount);
        var allocating = new AllocatingTwoPassBenchOps();
        for (int i = 0; i < NotifierCount; i++)
        {
            Add(3 * i, single, _singlePass);
            Add(3 * i + 1, pooled, _pooledTwoPass);
            Add(3 * i + 2, allocating, _allocatingTwoPass);
        }
    }

    /// <summary>Removes the notifiers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var notifier in _notifiers)
        {
            notifier.Remove();
        }
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

    private void Add(int index, IntervalNotifierOps ops, AddressSpace space)
    {
        _notifiers[index] = new BenchNotifier(ops);
        _notifiers[index].Insert(space, Start, Length);
        _notifiers[index].TryMap();
    }

    private bool Invalidate(AddressSpace space)
    {
        if (!space.InvalidateRangeStart(in _range))
        {
            return false;
        }

        space.InvalidateRangeEnd(in _range);
        return true;
    }
}
