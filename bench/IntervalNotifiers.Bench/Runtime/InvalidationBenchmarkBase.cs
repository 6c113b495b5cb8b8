using System.Collections.Generic;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// What the invalidation benchmarks share: notifiers over one 64 KiB buffer, one page of it invalidated (start and
/// end) per operation.
/// </summary>
public abstract class InvalidationBenchmarkBase
{
    /// <summary>Notifiers per address space.</summary>
    protected const int NotifierCount = 4;

    private const ulong Start = 0x4000_0000;
    private const ulong Length = 64 * 1024;

    private readonly NotifierRange _range = new(Start + 4096, Start + 2 * 4096, NotifierEvent.Clear);
    private readonly List<BenchNotifier> _inserted = new();

    /// <summary>Inserts a <see cref="BenchNotifier"/> over the buffer into <paramref name="space"/>, mapped.</summary>
    protected BenchNotifier Add(IntervalNotifierOps ops, AddressSpace space)
    {
        var notifier = new BenchNotifier(ops);
        notifier.Insert(space, Start, Length);
        notifier.TryMap();
        _inserted.Add(notifier);
        return notifier;
    }

    /// <summary>Removes every notifier <see cref="Add"/> inserted.</summary>
    protected void RemoveAll()
    {
        foreach (BenchNotifier notifier in _inserted)
        {
            notifier.Remove();
        }

        _inserted.Clear();
    }

    /// <summary>One invalidation of the page: start, then end.</summary>
    protected bool Invalidate(AddressSpace space)
    {
        if (!space.InvalidateRangeStart(in _range))
        {
            return false;
        }

        space.InvalidateRangeEnd(in _range);
        return true;
    }
}
