using System.Threading;
using System.Threading.Tasks;
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

    /// <summary><see cref="ReadBegin"/> with a wait that blocks no thread.</summary>
    internal ValueTask<ulong> ReadBeginAsync(IntervalNotifier notifier, CancellationToken cancellationToken)
    {
        ThrowIfInsideWalk(nameof(IntervalNotifier.ReadBeginAsync), "it may wait for the invalidation that is running");
        Task? ended;
        ulong seq;
        lock (_lock)
        {
            seq = notifier.Sequence;
            ended = seq == _invalidateSeq ? EndOfInvalidationLocked() : null;
        }

        if (ended == null)
        {
            return new ValueTask<ulong>(seq);
        }

        RuntimeMetrics.CountReadBeginWait();
        return WaitThenReturn(ended, seq, cancellationToken);
    }

    private static async ValueTask<ulong> WaitThenReturn(Task ended, ulong seq, CancellationToken cancellationToken)
    {
        await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>
    /// A task that completes when the sequence stops being <paramref name="seq"/>, or <see langword="null"/> when it
    /// already differs (checked and taken under the lock, so no end of invalidation is missed).
    /// </summary>
    private Task? EndOfInvalidationWhileSequenceIs(ulong seq)
    {
        lock (_lock)
        {
            return _invalidateSeq == seq ? EndOfInvalidationLocked() : null;
        }
    }

    /// <summary>
    /// The task the async waiters share (the kernel's <c>subscriptions-&gt;wq</c> for them): completed by
    /// <see cref="EndRange"/> when the sequence becomes even, the only way a waited-for (odd) sequence changes.
    /// Created by the first async waiter of an invalidation; continuations never run inline under the lock.
    /// </summary>
    private Task EndOfInvalidationLocked() =>
        (_endOfInvalidation ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

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
