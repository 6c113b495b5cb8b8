// Valid code (hunt): a tracing wrapper around another ops object, forwarding both passes (and the single pass)
// with timing, and a multiplexer that routes each notifier to the ops of its device.
using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace ValidCode.Hunt.Wrapper;

public sealed class TracingOps : NotifierOpsBase
{
    private readonly NotifierOpsBase _inner;

    public TracingOps(NotifierOpsBase inner) => _inner = inner;

    public long Starts;

    public long Finishes;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var started = Stopwatch.GetTimestamp();
        var ok = _inner.InvalidateStart(notifier, range, currentSequence, out finish);
        Starts += Stopwatch.GetTimestamp() - started;
        return ok;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var started = Stopwatch.GetTimestamp();
        _inner.InvalidateFinish(finish);
        Finishes += Stopwatch.GetTimestamp() - started;
    }
}

public sealed class DeviceTagged : IntervalNotifier
{
    public DeviceTagged(NotifierOpsBase ops, int device) : base(ops) => Device = device;

    public int Device { get; }
}

public sealed class MultiplexOps : NotifierOpsBase
{
    private readonly Dictionary<int, NotifierOpsBase> _perDevice = new();

    public void Register(int device, NotifierOpsBase ops) => _perDevice[device] = ops;

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var tagged = (DeviceTagged)notifier;
        if (!_perDevice.TryGetValue(tagged.Device, out var ops))
        {
            finish = null;
            return true;
        }

        return ops.InvalidateStart(notifier, range, currentSequence, out finish);
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var tagged = (DeviceTagged)finish.Notifier;
        _perDevice[tagged.Device].InvalidateFinish(finish);
    }
}
