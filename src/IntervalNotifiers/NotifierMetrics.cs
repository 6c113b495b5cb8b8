namespace IntervalNotifiers;

/// <summary>
/// The names of the runtime's metrics: one <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>, read by <c>dotnet-counters monitor --counters IntervalNotifiers</c>, OpenTelemetry
/// (<c>AddMeter(NotifierMetrics.MeterName)</c>) or a <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// When nothing listens, the instruments cost a flag test each: no allocation and no timestamp. With a listener,
/// recording allocates nothing either (the tag values are cached). Measurements are taken on the thread that does
/// the work (the invalidating thread, the reader); listener callbacks run there, so keep them short.
/// </remarks>
public static class NotifierMetrics
{
    /// <summary>The name of the runtime's meter: <c>IntervalNotifiers</c>.</summary>
    public const string MeterName = "IntervalNotifiers";

    /// <summary>
    /// Counter of range starts (<see cref="AddressSpace.InvalidateRangeStart"/>, and <see cref="AddressSpace.Release"/>),
    /// whether or not they hit a notifier, tagged <see cref="EventTag"/> and <see cref="BlockableTag"/>.
    /// </summary>
    public const string Invalidations = "intervalnotifiers.invalidations";

    /// <summary>Histogram of the notifiers called by one range start (0 when it hit none).</summary>
    public const string NotifiersPerInvalidation = "intervalnotifiers.invalidation.notifiers";

    /// <summary>Counter of <see cref="IntervalNotifierOps.InvalidateFinish"/> calls (the second pass).</summary>
    public const string Finishes = "intervalnotifiers.finishes";

    /// <summary>Histogram of the duration of the first pass of a walk (the callbacks), in seconds.</summary>
    public const string WalkDuration = "intervalnotifiers.walk.duration";

    /// <summary>Histogram of the duration of the finish pass of a walk that linked at least one finish, in
    /// seconds.</summary>
    public const string FinishPassDuration = "intervalnotifiers.finish_pass.duration";

    /// <summary>Counter of read-side collisions: <see cref="IntervalNotifier.ReadRetry"/> calls that returned
    /// <see langword="true"/> (the reader must start over).</summary>
    public const string ReadRetries = "intervalnotifiers.read.retries";

    /// <summary>Counter of <see cref="IntervalNotifier.ReadBegin()"/> (and <c>ReadBeginAsync</c>) calls that had to
    /// wait for an invalidation of their notifier to end.</summary>
    public const string ReadBeginWaits = "intervalnotifiers.read_begin.waits";

    /// <summary>Counter of contract violations (see <see cref="AddressSpace.ContractViolation"/>), tagged
    /// <see cref="KindTag"/>.</summary>
    public const string ContractViolations = "intervalnotifiers.contract_violations";

    /// <summary>Tag of <see cref="Invalidations"/>: the range's <see cref="NotifierEvent"/> in snake case
    /// (<c>unmap</c>, <c>protection_vma</c>, <c>release</c>, ...).</summary>
    public const string EventTag = "event";

    /// <summary>Tag of <see cref="Invalidations"/>: <see cref="NotifierRange.IsBlockable"/>.</summary>
    public const string BlockableTag = "blockable";

    /// <summary>Tag of <see cref="ContractViolations"/>: the <see cref="ContractViolationKind"/> in snake case
    /// (<c>false_on_blockable_range</c>, <c>finish_linked_twice</c>, <c>even_sequence</c>).</summary>
    public const string KindTag = "kind";
}
