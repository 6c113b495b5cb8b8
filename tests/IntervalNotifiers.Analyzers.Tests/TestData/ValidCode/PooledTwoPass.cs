// Valid code: pooled finishes. A userptr keeps one embedded finish guarded by an in-use flag in the kernel's
// xe driver; in C# that is a NotifierFinishPool of capacity 1. When the pool is empty (the embedded finish
// is still in flight for an overlapping invalidation) the start does the whole invalidation synchronously.
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.Pooled;

public sealed class UserPtr : IntervalNotifier
{
    public UserPtr(UserPtrOps ops) : base(ops)
    {
    }

    public readonly object NotifierLock = new();

    public bool Valid;

    public int PendingUnmaps;
}

public sealed class UserPtrFinish : NotifierFinish
{
    public int Fence;
}

public sealed class UserPtrOps : IntervalNotifierOps
{
    // The embedded finish: one object, rented and returned, never shared by two invocations at once.
    private readonly NotifierFinishPool<UserPtrFinish> _embedded = new(1);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var userPtr = (UserPtr)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        lock (userPtr.NotifierLock)
        {
            userPtr.SetSequence(currentSequence);
            userPtr.Valid = false;
        }

        if (_embedded.TryRent(out var rented))
        {
            rented.Fence = Interlocked.Increment(ref userPtr.PendingUnmaps);
            finish = rented;
            return true;
        }

        // Embedded finish busy: unmap synchronously, no finish pass for this one.
        Interlocked.Increment(ref userPtr.PendingUnmaps);
        WaitForUnmap(userPtr);
        finish = null;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var userPtrFinish = (UserPtrFinish)finish;
        WaitForUnmap((UserPtr)finish.Notifier);
        userPtrFinish.Fence = 0;
        _embedded.Return(userPtrFinish);
    }

    private static void WaitForUnmap(UserPtr userPtr) => Interlocked.Decrement(ref userPtr.PendingUnmaps);
}

/// <summary>A larger pool shared by the notifiers of one device, with a rented finish given back in the start.</summary>
public sealed class DevicePoolOps : IntervalNotifierOps
{
    private readonly NotifierFinishPool<UserPtrFinish> _pool;

    public DevicePoolOps(int inFlight) => _pool = new NotifierFinishPool<UserPtrFinish>(inFlight);

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var userPtr = (UserPtr)notifier;
        if (!_pool.TryRent(out var rented))
        {
            lock (userPtr.NotifierLock)
            {
                userPtr.SetSequence(currentSequence);
                userPtr.Valid = false;
            }

            finish = null;
            return true;
        }

        if (!range.IsBlockable && !Monitor.TryEnter(userPtr.NotifierLock))
        {
            // Rented but not handed out after all: back to the pool, inside the start.
            _pool.Return(rented);
            finish = null;
            return false;
        }

        if (range.IsBlockable)
        {
            Monitor.Enter(userPtr.NotifierLock);
        }

        try
        {
            userPtr.SetSequence(currentSequence);
            userPtr.Valid = false;
        }
        finally
        {
            Monitor.Exit(userPtr.NotifierLock);
        }

        rented.Fence = userPtr.PendingUnmaps;
        finish = rented;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((UserPtrFinish)finish);
}

/// <summary>The submission path: revalidate the userptr before using its pages.</summary>
public static class UserPtrSubmit
{
    public static bool Revalidate(UserPtr userPtr)
    {
        var sequence = userPtr.ReadBegin();
        Monitor.Enter(userPtr.NotifierLock);
        try
        {
            if (userPtr.ReadRetry(sequence))
            {
                return false;
            }

            userPtr.Valid = true;
            return true;
        }
        finally
        {
            Monitor.Exit(userPtr.NotifierLock);
        }
    }
}
