// Valid code: the driver's life cycle around the ops types of the other files. Notifiers are inserted and
// removed outside their callbacks (Remove waits for the callbacks, so it belongs in teardown paths), and the
// core side starts and ends invalidations.
using System;
using System.Collections.Generic;
using IntervalNotifiers;
using ValidCode.Pooled;
using ValidCode.SinglePass;

namespace ValidCode.Host;

public sealed class MirrorDevice : IDisposable
{
    private readonly AddressSpace _space;
    private readonly List<IntervalNotifier> _notifiers = new();

    public MirrorDevice(AddressSpace space) => _space = space;

    public MirrorRange Map(ulong start, ulong length)
    {
        var range = new MirrorRange(new MirrorOps());
        range.Insert(_space, start, length);
        _notifiers.Add(range);
        return range;
    }

    public UserPtr Pin(ulong start, ulong length)
    {
        var userPtr = new UserPtr(new UserPtrOps());
        userPtr.Insert(_space, start, length);
        _notifiers.Add(userPtr);
        return userPtr;
    }

    public void Unmap(IntervalNotifier notifier)
    {
        if (_notifiers.Remove(notifier))
        {
            notifier.Remove();
        }
    }

    public void Dispose()
    {
        foreach (var notifier in _notifiers)
        {
            notifier.Remove();
        }

        _notifiers.Clear();
    }
}

public static class CoreMm
{
    /// <summary>munmap: invalidate a range around the page-table update.</summary>
    public static bool Unmap(AddressSpace space, ulong start, ulong end, bool blockable)
    {
        var range = new NotifierRange(start, end, NotifierEvent.Unmap, blockable);
        if (!space.InvalidateRangeStart(in range))
        {
            // Not blockable and a callback could not proceed: the range is already ended.
            return false;
        }

        try
        {
            // ... the page-table update ...
        }
        finally
        {
            space.InvalidateRangeEnd(in range);
        }

        return true;
    }

    /// <summary>Process exit.</summary>
    public static void Exit(AddressSpace space) => space.Release();

    /// <summary>A migration that the device mirror of OwnerEarlyReturn.cs recognises as its own.</summary>
    public static void Migrate(AddressSpace space, ulong start, ulong end, object owner)
    {
        var range = new NotifierRange(start, end, NotifierEvent.Migrate, blockable: true, owner: owner);
        space.InvalidateRangeStart(in range);
        space.InvalidateRangeEnd(in range);
    }
}
