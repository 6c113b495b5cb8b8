using System.Threading;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

// The read side: the kernel's mmu_interval_read_begin and its wait on subscriptions->wq (wait_event) until the
// invalidation that collided with the notifier ends. ReadRetry, CheckRetry and SetSequence (mmu_interval_read_retry,
// mmu_interval_check_retry, mmu_interval_set_seq) live on IntervalNotifier. See docs/rules (NTF008, NTF010, NTF011).
public sealed partial class AddressSpace
{
    /// <summary>The kernel's <c>mmu_interval_read_begin</c>.</summary>
    internal ulong ReadBegin(IntervalNotifier notifier, CancellationToken cancellationToken)
    {
        ThrowIfInsideWalk(nameof(IntervalNotifier.ReadBegin), "it may wait for the invalidation that is running");
        ulong seq;
        bool invalidating;
        lock (_lock)
        {
            // Pairs with the Volatile.Write in SetSequence.
            seq = notifier.Sequence;
            invalidating = seq == _invalidateSeq;
        }

        if (invalidating)
        {
            RuntimeMetrics.CountReadBeginWait();
            WaitWhileSequenceIs(seq, cancellationToken);
        }

        return seq;
    }

    /// <summary>Sleeps until the sequence differs from <paramref name="seq"/> (the kernel's <c>wait_event</c> on
    /// <c>subscriptions-&gt;wq</c>).</summary>
    private void WaitWhileSequenceIs(ulong seq, CancellationToken cancellationToken)
    {
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static s => ((AddressSpace)s!).WakeAll(), this);
        }

        try
        {
            lock (_lock)
            {
                while (_invalidateSeq == seq)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _waiters++;
                    try
                    {
                        Monitor.Wait(_lock);
                    }
                    finally
                    {
                        _waiters--;
                    }
                }
            }
        }
        finally
        {
            registration.Dispose();
        }
    }

    private void WakeAll()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }
}
