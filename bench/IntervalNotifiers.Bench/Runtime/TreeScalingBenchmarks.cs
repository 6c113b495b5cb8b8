using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// The cost of one invalidation (<c>InvalidateRangeStart</c> + <c>InvalidateRangeEnd</c>) against the number
/// of notifiers in the address space, for a range that hits none and one that hits 8, against a linear scan
/// of a plain array of intervals (the baseline of each category, measured in the same run).
/// Goals: cost growing as log n (10^6 within 3x of 10^3), and at least 100x faster than the scan at 10^5.
/// </summary>
/// <remarks>
/// Notifier i covers one page at <c>Base + i * 2 pages</c>, so pages alternate covered / free; they are
/// inserted in a shuffled order (fixed seed). The ranges are in the middle of the address space.
/// The scan only compares and records hits; the tree also takes the runtime's locks and calls the callbacks.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[Config(typeof(SpeedRatioConfig))]
public class TreeScalingBenchmarks
{
    private const ulong Base = 0x1000_0000;
    private const ulong PageSize = 4096;
    private const ulong Stride = 2 * PageSize;

    private readonly IntervalNotifier[] _hits = new IntervalNotifier[16];
    private AddressSpace _space = new();
    private IntervalNotifier[] _notifiers = [];
    private Interval[] _scan = [];
    private NotifierRange _miss;
    private NotifierRange _hit8;
    private CountingOps _ops = new();

    /// <summary>Number of notifiers inserted.</summary>
    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Notifiers { get; set; }

    /// <summary>Inserts the notifiers and builds the scan's array.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _ops = new CountingOps();
        _space = new AddressSpace();
        _notifiers = new IntervalNotifier[Notifiers];
        _scan = new Interval[Notifiers];
        for (int i = 0; i < Notifiers; i++)
        {
            _notifiers[i] = new IntervalNotifier(_ops);
            _scan[i] = new Interval(Base + (ulong)i * Stride, Base + (ulong)i * Stride + PageSize - 1, _notifiers[i]);
        }

        int[] order = new int[Notifiers];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(42).Shuffle(order);
        foreach (int i in order)
        {
            _notifiers[i].Insert(_space, Base + (ulong)i * Stride, PageSize);
        }

        ulong middle = Base + (ulong)(Notifiers / 2) * Stride;
        _miss = new NotifierRange(middle + PageSize, middle + 2 * PageSize);     // the free page after a notifier
        _hit8 = new NotifierRange(middle, middle + 7 * Stride + PageSize);       // 8 notifiers and the 7 gaps between

        if (Scan(_miss) != 0 || Scan(_hit8) != 8 || Tree(_miss) != 0 || Tree(_hit8) != 8)
        {
            throw new InvalidOperationException("The benchmark ranges do not hit what they should.");
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

    /// <summary>Linear scan, range hitting no interval.</summary>
    [Benchmark(Baseline = true, Description = "Scan")]
    [BenchmarkCategory("Miss")]
    public int ScanMiss() => Scan(_miss);

    /// <summary>The runtime's invalidation, range hitting no notifier.</summary>
    [Benchmark(Description = "Tree")]
    [BenchmarkCategory("Miss")]
    public long TreeMiss() => Tree(_miss);

    /// <summary>Linear scan, range hitting 8 intervals.</summary>
    [Benchmark(Baseline = true, Description = "Scan")]
    [BenchmarkCategory("Hit8")]
    public int ScanHit8() => Scan(_hit8);

    /// <summary>The runtime's invalidation, range hitting 8 notifiers.</summary>
    [Benchmark(Description = "Tree")]
    [BenchmarkCategory("Hit8")]
    public long TreeHit8() => Tree(_hit8);

    private long Tree(in NotifierRange range)
    {
        long before = _ops.Calls;
        if (_space.InvalidateRangeStart(in range))
        {
            _space.InvalidateRangeEnd(in range);
        }

        return _ops.Calls - before;
    }

    private int Scan(in NotifierRange range)
    {
        ulong start = range.Start;
        ulong last = range.End - 1;
        var scan = _scan;
        int hits = 0;
        for (int i = 0; i < scan.Length; i++)
        {
            if (scan[i].Start <= last && scan[i].Last >= start && hits < _hits.Length)
            {
                _hits[hits++] = scan[i].Notifier;
            }
        }

        return hits;
    }

    private readonly struct Interval(ulong start, ulong last, IntervalNotifier notifier)
    {
        public ulong Start { get; } = start;

        public ulong Last { get; } = last;

        public IntervalNotifier Notifier { get; } = notifier;
    }

    /// <summary>Ops that count their calls (a notifier type whose sequence nobody reads: no SetSequence needed).</summary>
    private sealed class CountingOps : IntervalNotifierOps
    {
        public long Calls;

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            Calls++;
            return true;
        }
    }
}
