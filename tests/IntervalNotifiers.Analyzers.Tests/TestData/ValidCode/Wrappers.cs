// Valid code: wrappers a driver writes around Remove and ReadBegin, and callbacks that call into other classes
// without reaching them. The callback only marks a released range and queues it; the device removes it later,
// from its reaper or its Dispose (Remove waits for the callbacks, so it belongs there). The read side runs in
// the fault path, or in a refault queued to the thread pool, never inside a callback.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.Wrappers;

public sealed class UserPtrRange : IntervalNotifier
{
    private int _subscribed = 1;

    public UserPtrRange(UserPtrOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public ulong[] Pages = Array.Empty<ulong>();

    public bool Valid;

    /// <summary>Faults the pages in and publishes them, retrying while an invalidation races with the fault.</summary>
    public int Fault(Func<ulong, ulong> translate)
    {
        while (true)
        {
            var sequence = ReadBegin();
            var pages = new ulong[16];
            for (var i = 0; i < pages.Length; i++)
            {
                pages[i] = translate(Start + (ulong)i * 4096);
            }

            lock (Lock)
            {
                if (ReadRetry(sequence))
                {
                    continue;
                }

                Pages = pages;
                Valid = true;
                return pages.Length;
            }
        }
    }

    /// <summary>Stops the notifications; safe to call twice (the device's reaper and its Dispose may both try).</summary>
    public void Unsubscribe()
    {
        if (Interlocked.Exchange(ref _subscribed, 0) == 1)
        {
            Remove();
        }
    }
}

public sealed class DeviceLog
{
    private readonly List<string> _recent = new();

    public void Record(string what, in NotifierRange range)
    {
        lock (_recent)
        {
            if (_recent.Count == 64)
            {
                _recent.RemoveAt(0);
            }

            _recent.Remove(what);
            _recent.Add($"{what} {range.Start:x}-{range.End:x}");
        }
    }
}

public sealed class UserPtrOps : IntervalNotifierOps
{
    private readonly UserPtrDevice _device;

    public UserPtrOps(UserPtrDevice device) => _device = device;

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var r = (UserPtrRange)notifier;
        lock (r.Lock)
        {
            r.SetSequence(currentSequence);
            r.Valid = false;
        }

        _device.Log.Record("invalidate", range);
        if (range.Event == NotifierEvent.Release)
        {
            _device.RequestTeardown(r);
        }
        else
        {
            _device.ScheduleRefault(r);
        }

        return true;
    }
}

public sealed class UserPtrDevice : IDisposable
{
    private readonly AddressSpace _space;
    private readonly ConcurrentQueue<UserPtrRange> _released = new();
    private readonly List<UserPtrRange> _ranges = new();

    public UserPtrDevice(AddressSpace space) => _space = space;

    public DeviceLog Log { get; } = new();

    public UserPtrRange Pin(ulong start, ulong length)
    {
        var range = new UserPtrRange(new UserPtrOps(this));
        range.Insert(_space, start, length);
        lock (_ranges)
        {
            _ranges.Add(range);
        }

        return range;
    }

    /// <summary>Called from the callback: only queues the range; <see cref="ReapReleased"/> removes it.</summary>
    internal void RequestTeardown(UserPtrRange range) => _released.Enqueue(range);

    /// <summary>Called from the callback: the refault runs later, on the thread pool, outside the invalidation.</summary>
    internal void ScheduleRefault(UserPtrRange range)
        => ThreadPool.QueueUserWorkItem(_ => range.Fault(address => address));

    /// <summary>The device's reaper thread, outside every callback.</summary>
    public void ReapReleased()
    {
        while (_released.TryDequeue(out var range))
        {
            lock (_ranges)
            {
                _ranges.Remove(range);
            }

            range.Unsubscribe();
        }
    }

    public void Dispose()
    {
        ReapReleased();
        UserPtrRange[] all;
        lock (_ranges)
        {
            all = _ranges.ToArray();
            _ranges.Clear();
        }

        foreach (var range in all)
        {
            range.Unsubscribe();
        }
    }
}
