// Valid code (hunt): test_hmm's dmirror. A migration that the mirror itself started (owner = the mirror's
// device) returns true early; so does an event that only the kernel's own bookkeeping raises. The helper
// that tests the owner takes the range by 'in'. The sequence is set under the mirror mutex (a lock on an
// object property of the device record), and the fault path retries under the same lock.
using System;

namespace ValidCode.Hunt.TestHmm;

public sealed record DmirrorDevice(string Name)
{
    public object MirrorMutex { get; } = new();
}

public sealed class Dmirror : IntervalNotifier
{
    public Dmirror(DmirrorOps ops, DmirrorDevice device) : base(ops) => Device = device;

    public DmirrorDevice Device { get; }

    public int Invalidations;
}

public sealed class DmirrorOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var dmirror = (Dmirror)notifier;
        if (range is { Event: NotifierEvent.Migrate, Owner: var owner } && ReferenceEquals(owner, dmirror.Device))
        {
            return true;
        }

        if (IsOwnExclusive(in range, dmirror))
        {
            return true;
        }

        if (range.IsBlockable)
        {
            lock (dmirror.Device.MirrorMutex)
            {
                dmirror.SetSequence(currentSequence);
                dmirror.Invalidations++;
            }

            return true;
        }

        return false;
    }

    private static bool IsOwnExclusive(in NotifierRange range, Dmirror dmirror)
        => range.Event == NotifierEvent.Exclusive && ReferenceEquals(range.Owner, dmirror.Device);
}

public static class DmirrorFault
{
    public static int Fault(Dmirror dmirror, Func<int> hmmRangeFault)
    {
        while (true)
        {
            var seq = dmirror.ReadBegin();
            var pages = hmmRangeFault();
            lock (dmirror.Device.MirrorMutex)
            {
                if (dmirror.ReadRetry(seq))
                {
                    continue;
                }

                return pages;
            }
        }
    }
}
