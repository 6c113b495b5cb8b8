using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace IntervalNotifiers.Internal;

/// <summary>
/// The instruments of the <see cref="NotifierMetrics.MeterName"/> meter. Every caller tests an instrument's
/// <see cref="Instrument.Enabled"/> before it measures (and before it takes a timestamp), so nothing is spent or
/// allocated when nothing listens; the tag values are cached, so recording allocates nothing either.
/// </summary>
internal static class RuntimeMetrics
{
    private static readonly Meter s_meter = new(NotifierMetrics.MeterName, typeof(RuntimeMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Invalidations = s_meter.CreateCounter<long>(
        NotifierMetrics.Invalidations, "{invalidation}", "Range starts (and releases), by event and blockability.");

    public static readonly Histogram<int> NotifiersPerInvalidation = s_meter.CreateHistogram<int>(
        NotifierMetrics.NotifiersPerInvalidation, "{notifier}", "Notifiers called by one range start.");

    public static readonly Counter<long> Finishes = s_meter.CreateCounter<long>(
        NotifierMetrics.Finishes, "{finish}", "InvalidateFinish calls (the second pass).");

    public static readonly Histogram<double> WalkDuration = s_meter.CreateHistogram<double>(
        NotifierMetrics.WalkDuration, "s", "Duration of the first pass of a walk (the callbacks).");

    public static readonly Histogram<double> FinishPassDuration = s_meter.CreateHistogram<double>(
        NotifierMetrics.FinishPassDuration, "s", "Duration of the finish pass of a walk.");

    public static readonly Counter<long> ReadRetries = s_meter.CreateCounter<long>(
        NotifierMetrics.ReadRetries, "{retry}", "ReadRetry calls that returned true (read-side collisions).");

    public static readonly Counter<long> ReadBeginWaits = s_meter.CreateCounter<long>(
        NotifierMetrics.ReadBeginWaits, "{wait}", "ReadBegin calls that waited for an invalidation to end.");

    public static readonly Counter<long> ContractViolations = s_meter.CreateCounter<long>(
        NotifierMetrics.ContractViolations, "{violation}", "Contract violations found in walks, by kind.");

    // Indexed by NotifierEvent / ContractViolationKind.
    private static readonly string[] s_events =
        { "unmap", "clear", "protection_vma", "protection_page", "soft_dirty", "release", "migrate", "exclusive" };

    private static readonly string[] s_kinds = { "false_on_blockable_range", "finish_linked_twice", "even_sequence" };

    private static readonly object s_true = true;
    private static readonly object s_false = false;

    /// <summary>A timestamp for a duration, or 0 when <paramref name="histogram"/> has no listener.</summary>
    public static long StartTimer(Histogram<double> histogram) => histogram.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the time since <paramref name="started"/> (from <see cref="StartTimer"/>) unless it is 0.</summary>
    public static void StopTimer(Histogram<double> histogram, long started)
    {
        if (started != 0)
        {
            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Counts one range start (inlined into the walk: a flag test when nothing listens).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CountInvalidation(in NotifierRange range)
    {
        if (Invalidations.Enabled)
        {
            AddInvalidation(in range);
        }
    }

    private static void AddInvalidation(in NotifierRange range)
    {
        int e = (int)range.Event;
        Invalidations.Add(
            1,
            new KeyValuePair<string, object?>(NotifierMetrics.EventTag, (uint)e < (uint)s_events.Length ? s_events[e] : range.Event.ToString()),
            new KeyValuePair<string, object?>(NotifierMetrics.BlockableTag, range.IsBlockable ? s_true : s_false));
    }

    /// <summary>Records how many notifiers one range start called.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RecordNotifiersCalled(int called)
    {
        if (NotifiersPerInvalidation.Enabled)
        {
            NotifiersPerInvalidation.Record(called);
        }
    }

    /// <summary>Counts the finishes one finish pass called.</summary>
    public static void CountFinishes(int finished)
    {
        if (finished != 0 && Finishes.Enabled)
        {
            Finishes.Add(finished);
        }
    }

    /// <summary>Counts one read-side collision.</summary>
    public static void CountReadRetry()
    {
        if (ReadRetries.Enabled)
        {
            ReadRetries.Add(1);
        }
    }

    /// <summary>Counts one ReadBegin that waits.</summary>
    public static void CountReadBeginWait()
    {
        if (ReadBeginWaits.Enabled)
        {
            ReadBeginWaits.Add(1);
        }
    }

    /// <summary>Counts one contract violation.</summary>
    public static void CountViolation(ContractViolationKind kind)
    {
        if (ContractViolations.Enabled)
        {
            int k = (int)kind;
            ContractViolations.Add(
                1,
                new KeyValuePair<string, object?>(NotifierMetrics.KindTag, (uint)k < (uint)s_kinds.Length ? s_kinds[k] : kind.ToString()));
        }
    }
}
