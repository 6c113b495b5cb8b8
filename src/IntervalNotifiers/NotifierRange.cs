using System;

namespace IntervalNotifiers;

/// <summary>
/// The range being invalidated (the kernel's <c>struct mmu_notifier_range</c>): the half-open
/// address interval [<see cref="Start"/>, <see cref="End"/>), why, and whether callbacks may block.
/// </summary>
/// <remarks>
/// A notifier is called when its inclusive [<see cref="IntervalNotifier.Start"/>, <see cref="IntervalNotifier.Last"/>]
/// overlaps [<see cref="Start"/>, <see cref="End"/> - 1]. A <see langword="default"/> range (<c>End == Start == 0</c>)
/// is not valid: <see cref="AddressSpace.InvalidateRangeStart"/> and <see cref="AddressSpace.InvalidateRangeEnd"/>
/// reject it.
/// </remarks>
public readonly struct NotifierRange
{
    /// <summary>Creates a range over [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">First address of the range (inclusive).</param>
    /// <param name="end">End of the range (exclusive); must be greater than <paramref name="start"/>.</param>
    /// <param name="event">Why the range is invalidated.</param>
    /// <param name="blockable">Whether callbacks may sleep (<c>mmu_notifier_range_blockable()</c>).</param>
    /// <param name="owner">The party that started the invalidation (the kernel's <c>range-&gt;owner</c>),
    /// so a driver can skip invalidations it started itself.</param>
    /// <exception cref="ArgumentException"><paramref name="end"/> is not greater than <paramref name="start"/>.</exception>
    public NotifierRange(ulong start, ulong end, NotifierEvent @event = NotifierEvent.Unmap,
                         bool blockable = true, object? owner = null)
    {
        if (end <= start)
        {
            throw new ArgumentException(
                $"The range end (0x{end:X}) must be greater than its start (0x{start:X}): End is exclusive.",
                nameof(end));
        }

        Start = start;
        End = end;
        Event = @event;
        IsBlockable = blockable;
        Owner = owner;
    }

    /// <summary>First address of the range (inclusive).</summary>
    public ulong Start { get; }

    /// <summary>End of the range (exclusive).</summary>
    /// <remarks>
    /// Being exclusive, it cannot name the last address, <c>ulong.MaxValue</c>, as covered. The one range that
    /// covers it is the teardown range of <see cref="AddressSpace.Release"/>: <c>Start = 0</c>,
    /// <c>End = ulong.MaxValue</c>, <c>Event = NotifierEvent.Release</c>, which the runtime treats as the whole
    /// address space.
    /// </remarks>
    public ulong End { get; }

    /// <summary>Why the range is invalidated.</summary>
    public NotifierEvent Event { get; }

    /// <summary>
    /// Whether callbacks may block. A callback may return <see langword="false"/> only when this is
    /// <see langword="false"/> (the kernel's <c>mmu_notifier_range_blockable()</c>).
    /// </summary>
    public bool IsBlockable { get; }

    /// <summary>The party that started the invalidation, or <see langword="null"/>.</summary>
    public object? Owner { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"[0x{Start:X}, 0x{End:X}) {Event}{(IsBlockable ? string.Empty : " non-blockable")}";
}
