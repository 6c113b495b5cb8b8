using System;

namespace IntervalNotifiers;

/// <summary>
/// An invalidation begun by <see cref="AddressSpace.BeginInvalidation"/>: disposing it ends the range
/// (<see cref="AddressSpace.InvalidateRangeEnd"/>) when <see cref="Started"/>, and does nothing otherwise.
/// </summary>
/// <remarks>
/// <para>Use it with <c>using</c>, so that every successful start is ended exactly once, even when the change of the
/// mapping throws:</para>
/// <code>
/// using (InvalidationScope scope = space.BeginInvalidation(in range))
/// {
///     if (!scope.Started)
///     {
///         return false;        // a non-blockable range was refused: retry later (the range is already ended)
///     }
///
///     ChangeTheMapping();      // every overlapping notifier has been invalidated
/// }                            // InvalidateRangeEnd
/// </code>
/// <para>A value type, so beginning an invalidation allocates nothing. Dispose the variable that
/// <see cref="AddressSpace.BeginInvalidation"/> returned, once (a second <see cref="Dispose"/> of the same variable
/// does nothing; do not dispose copies of it). The default value is a scope that was not started.</para>
/// </remarks>
public struct InvalidationScope : IDisposable
{
    private readonly NotifierRange _range;
    private AddressSpace? _space;

    internal InvalidationScope(AddressSpace space, in NotifierRange range, bool started)
    {
        _range = range;
        _space = started ? space : null;
        Started = started;
    }

    /// <summary>
    /// Whether the range was started: <see langword="true"/> when every overlapping notifier has been invalidated
    /// (the range stays active until <see cref="Dispose"/>); <see langword="false"/> when the range is not blockable
    /// and a callback refused it (the runtime has already ended it: <see cref="Dispose"/> does nothing, and the caller
    /// should retry later, as the kernel's callers do on <c>-EAGAIN</c>).
    /// </summary>
    public readonly bool Started { get; }

    /// <summary>The range given to <see cref="AddressSpace.BeginInvalidation"/>.</summary>
    public readonly NotifierRange Range => _range;

    /// <summary>
    /// Ends the range (<see cref="AddressSpace.InvalidateRangeEnd"/>) if it was started and not ended yet by this
    /// variable; otherwise does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Thrown by <see cref="AddressSpace.InvalidateRangeEnd"/>, e.g. when
    /// a callback disposes the scope of the range it is called for.</exception>
    public void Dispose()
    {
        AddressSpace? space = _space;
        if (space != null)
        {
            space.InvalidateRangeEnd(in _range);
            _space = null;
        }
    }
}
