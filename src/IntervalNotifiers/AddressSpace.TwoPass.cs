using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using IntervalNotifiers.Internal;

namespace IntervalNotifiers;

// The two-pass list: the kernel's on-stack LLIST_HEAD(finish_passes) that mn_itree_invalidate fills, and
// mn_itree_finish_pass that calls every linked finish after the walk. The list is threaded through the finish
// objects themselves, so it allocates nothing. See docs/contract.md#the-two-pass-list and docs/rules/NTF002.md.
public sealed partial class AddressSpace
{
    /// <summary>
    /// Links <paramref name="finish"/>, handed out by <paramref name="notifier"/>'s start, at the tail of the two-pass
    /// list (the kernel's <c>llist_add</c> onto <c>finish_passes</c>, read back oldest first). A finish that is already
    /// linked is not linked again: that is a contract violation (rule NTF002), reported, and the walk goes on.
    /// </summary>
    private void LinkFinish(
        IntervalNotifier notifier, NotifierFinish finish, ref NotifierFinish? head, ref NotifierFinish? tail,
        in NotifierRange range)
    {
        if (finish.TryLink(notifier))
        {
            if (tail == null)
            {
                head = finish;
            }
            else
            {
                tail.NextLink = finish;
            }

            tail = finish;
        }
        else
        {
            ReportFinishLinkedTwice(notifier, in range);
        }
    }

    /// <summary>
    /// The finish pass (the kernel's <c>mn_itree_finish_pass</c>): calls every linked finish, oldest first, each one
    /// unlinked before its callback so the callback may reuse or return the object. An exception thrown by a finish
    /// does not keep the others from running: the first exception of the walk is kept in <paramref name="error"/>,
    /// later ones go to <see cref="Trace"/>; in the teardown walk (<paramref name="collectAll"/>), every one is added to
    /// <paramref name="allErrors"/> instead.
    /// </summary>
    private static void RunFinishPass(
        NotifierFinish head, ref ExceptionDispatchInfo? error, ref List<Exception>? allErrors, bool collectAll)
    {
        long started = RuntimeMetrics.StartTimer(RuntimeMetrics.FinishPassDuration);
        int finished = 0;
        NotifierFinish? f = head;
        while (f != null)
        {
            finished++;
            NotifierFinish? next = f.NextLink;
            IntervalNotifier owner = f.LinkedNotifier!;
            f.Unlink();
            try
            {
                owner.Ops.InvalidateFinish(f);
            }
            catch (Exception ex)
            {
                if (collectAll)
                {
                    (allErrors ??= new List<Exception>()).Add(ex);
                }
                else if (error == null)
                {
                    error = ExceptionDispatchInfo.Capture(ex);
                }
                else
                {
                    TraceDroppedException(owner, ex);
                }
            }

            f = next;
        }

        RuntimeMetrics.StopTimer(RuntimeMetrics.FinishPassDuration, started);
        RuntimeMetrics.CountFinishes(finished);
    }

    /// <summary>Only the first exception of a walk is rethrown: the later ones go to <see cref="Trace"/>.</summary>
    private static void TraceDroppedException(IntervalNotifier notifier, Exception ex)
    {
        try
        {
            Trace.TraceError(
                $"IntervalNotifiers: {notifier.Ops.GetType().FullName}.InvalidateFinish threw after an earlier " +
                "exception of the same invalidation, which is the one rethrown: " + ex);
        }
        catch (Exception)
        {
            // A failing trace listener must not keep the other finishes from running.
        }
    }
}
