using System;

namespace IntervalNotifiers;

// Teardown: the kernel's mn_itree_release (called from __mmu_notifier_release on exit_mmap): every notifier gets
// a blockable Release event over the whole address space, with both passes. See docs/contract.md#the-two-pass-list.
public sealed partial class AddressSpace
{
    /// <summary>
    /// Tears the address space down (the kernel's <c>mn_itree_release</c>, run from <c>exit_mmap</c>): every notifier
    /// is called with a <see cref="NotifierEvent.Release"/> event over the whole address space, blockable, with both
    /// passes as usual, and the range is ended.
    /// </summary>
    /// <remarks>
    /// <para>The callbacks receive a range with <c>Start = 0</c> and <c>End = ulong.MaxValue</c>. Because
    /// <see cref="NotifierRange.End"/> is exclusive it cannot express 2^64, so the release walk is special: it also
    /// covers the last address, <c>ulong.MaxValue</c> (the kernel's release uses <c>ULONG_MAX</c> as an exclusive end
    /// and so misses that address; here every notifier, whatever its range, is called). Callbacks recognize teardown
    /// by <c>range.Event == NotifierEvent.Release</c>.</para>
    /// <para>A <see langword="false"/> return is reported as a contract violation (the kernel's <c>WARN_ON(!ret)</c>).
    /// If a callback throws, the same rules as for <see cref="InvalidateRangeStart"/> apply: the finish pass runs, the
    /// range is ended and the exception is rethrown (the address space stays released).
    /// The notifiers stay inserted: their owners still remove them. After the release, <see cref="IntervalNotifier.Insert"/>
    /// into this address space throws (the kernel refuses an insert once <c>mm_users</c> is zero). Never blocks by
    /// itself.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The address space has already been released. Nothing
    /// changes.</exception>
    public void Release()
    {
        lock (_lock)
        {
            if (_released)
            {
                throw new InvalidOperationException("This address space has already been released.");
            }

            _released = true;
        }

        var range = new NotifierRange(0, ulong.MaxValue, NotifierEvent.Release, blockable: true);

        // A blockable walk returns true unless a callback throws, and then it has ended the range itself.
        if (Invalidate(in range, ulong.MaxValue))
        {
            EndRange(throwWhenIdle: false);
        }
    }
}
