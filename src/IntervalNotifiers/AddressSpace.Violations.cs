using System;
using System.Diagnostics;
using System.Threading;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

// Contract violations that the kernel only WARNs about inside mn_itree_invalidate and mn_itree_release (WARN_ON on a
// false return from a blockable range), the finish linked twice and an even value given to SetSequence by a callback:
// counted, traced and raised through ContractViolation, and the walk goes on. One policy for every violation found
// inside a walk. See docs/rules/NTF007.md and docs/rules/NTF002.md.
public sealed partial class AddressSpace
{
    private void ReportFalseOnBlockable(IntervalNotifier notifier, in NotifierRange range)
    {
        string callback = notifier.Shape!.OverridesInvalidateStart ? "InvalidateStart" : "Invalidate";
        Report(ContractViolationKind.FalseOnBlockableRange, notifier, in range,
            $"{notifier.Ops.GetType().FullName}.{callback} returned false on the blockable range {range} " +
            "(rule NTF007: false is allowed only when !range.IsBlockable). The walk went on.");
    }

    private void ReportFinishLinkedTwice(IntervalNotifier notifier, in NotifierRange range)
    {
        Report(ContractViolationKind.FinishLinkedTwice, notifier, in range,
            $"{notifier.Ops.GetType().FullName}.InvalidateStart handed out a finish object that is already linked " +
            $"into a two-pass list, during {range} (rule NTF002: each invocation needs its own finish). It was not " +
            "linked again; the walk went on.");
    }

    /// <summary>
    /// <see cref="IntervalNotifier.SetSequence"/> got an even value: when a walk of this address space runs on this
    /// thread (the call comes from a callback), reports it, stores the walk's own odd sequence instead so that readers
    /// still retry, and returns <see langword="true"/>; outside a walk returns <see langword="false"/> (the caller
    /// throws, changing nothing).
    /// </summary>
    internal bool TryReportEvenSequence(IntervalNotifier notifier, ulong sequence)
    {
        if (!TryFindWalkOnThisThread(out ThreadWalks? walks, out int index))
        {
            return false;
        }

        // The walk keeps the sequence odd until its range ends (the walk's range cannot end before it returns).
        notifier.Sequence = Volatile.Read(ref _invalidateSeq);
        NotifierRange range = walks!.At(index).Range;
        Report(ContractViolationKind.EvenSequence, notifier, in range,
            $"SetSequence(0x{sequence:X}) was called for {notifier} during {range}: the value is even, so it is not " +
            "the currentSequence a callback receives (pass the callback's currentSequence argument). The " +
            "invalidation's own sequence was stored instead; the walk went on.");
        return true;
    }

    private void Report(ContractViolationKind kind, IntervalNotifier notifier, in NotifierRange range, string message)
    {
        Interlocked.Increment(ref _contractViolations);
        RuntimeMetrics.CountViolation(kind);
        try
        {
            Trace.TraceWarning("IntervalNotifiers contract violation: " + message);
        }
        catch (Exception)
        {
            // A failing trace listener must not break the walk.
        }

        EventHandler<ContractViolationEventArgs>? handler = ContractViolation;
        if (handler == null)
        {
            return;
        }

        try
        {
            handler(this, new ContractViolationEventArgs(kind, notifier, range, message));
        }
        catch (Exception ex)
        {
            try
            {
                Trace.TraceError("IntervalNotifiers: a ContractViolation handler threw: " + ex);
            }
            catch (Exception)
            {
                // Nothing more can be done without breaking the walk.
            }
        }
    }
}
