using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;

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
    /// A callback that throws does not stop the teardown, as the kernel's release calls every notifier: every other
    /// notifier is still called, every linked finish is still finished, the range is ended, and only then is the
    /// exception thrown (when several callbacks throw, an <see cref="AggregateException"/> holds them all, in the
    /// order they were thrown). The address space is released either way, and every notifier can still be removed.
    /// The notifiers stay inserted: their owners still remove them. After the release, <see cref="IntervalNotifier.Insert"/>
    /// into this address space throws (the kernel refuses an insert once <c>mm_users</c> is zero). Never blocks by
    /// itself.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The address space has already been released. Nothing
    /// changes.</exception>
    /// <exception cref="AggregateException">Several callbacks threw: all of them, in the order they were thrown (one
    /// callback that throws is thrown as is). The teardown is complete.</exception>
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

        // The teardown walk returns true unless a callback throws, and then it has ended the range itself.
        if (Invalidate(in range, ulong.MaxValue, teardown: true))
        {
            EndRange(throwWhenIdle: false);
        }
    }

    /// <summary>Throws what the teardown collected: one exception as is, several in an <see cref="AggregateException"/>.</summary>
    private static void ThrowCollected(List<Exception> errors)
    {
        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Capture(errors[0]).Throw();
        }

        throw new AggregateException(
            "Several callbacks threw during the teardown of an address space; every notifier was still called and " +
            "every linked finish finished.", errors);
    }
}
