// Valid code (hunt): read sides spread over types, as amdgpu's "get user pages done" helper lives in another
// file than the submission that calls it under the notifier lock: an extension method and an internal helper
// class check the retry; the caller holds the lock. A CheckRetry hint outside the lock; a cancellable loop.
using System;
using System.Threading;

namespace ValidCode.Hunt.CrossType;

public sealed class HmmRange : IntervalNotifier
{
    public HmmRange(HmmRangeOps ops) : base(ops)
    {
    }

    public static readonly object NotifierLock = new();

    public ulong[] Pfns = Array.Empty<ulong>();
}

public sealed class HmmRangeOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        if (!range.IsBlockable)
        {
            return false;
        }

        lock (HmmRange.NotifierLock)
        {
            notifier.SetSequence(currentSequence);
        }

        return true;
    }
}

public static class HmmRangeExtensions
{
    /// <summary>Must be called with <see cref="HmmRange.NotifierLock"/> held.</summary>
    public static bool GetPagesDone(this HmmRange range, ulong notifierSeq) => !range.ReadRetry(notifierSeq);
}

internal static class HmmRangeChecks
{
    /// <summary>Called under the notifier lock.</summary>
    internal static bool StillValid(HmmRange range, ulong seq)
    {
        return !range.ReadRetry(seq);
    }
}

public static class HmmSubmit
{
    public static bool Submit(HmmRange range, Func<ulong[]> fault, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var seq = range.ReadBegin();
            var pfns = fault();
            if (range.CheckRetry(seq))
            {
                continue; // cheap hint, no lock needed
            }

            lock (HmmRange.NotifierLock)
            {
                if (!range.GetPagesDone(seq) || !HmmRangeChecks.StillValid(range, seq))
                {
                    continue;
                }

                range.Pfns = pfns;
                return true;
            }
        }

        return false;
    }
}
