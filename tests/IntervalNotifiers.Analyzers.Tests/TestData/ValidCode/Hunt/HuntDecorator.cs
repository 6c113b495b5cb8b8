// Valid code (hunt): ops that hold other state objects: a per-device finish that knows its device, a device
// object whose public method receives the finish from the finish pass, and a notifier that records its
// finishes' statistics (numbers, not the finishes).
using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace ValidCode.Hunt.Devices;

public sealed class FlushDevice
{
    private readonly List<long> _latencies = new();

    public void Complete(DeviceFlushFinish finish)
    {
        Debug.Assert(finish.Device == this);
        _latencies.Add(Stopwatch.GetTimestamp() - finish.StartedAt);
    }

    public IReadOnlyList<long> Latencies => _latencies;
}

public sealed class DeviceFlushFinish : NotifierFinish
{
    public DeviceFlushFinish(FlushDevice device) => Device = device;

    public FlushDevice Device { get; }

    public long StartedAt { get; } = Stopwatch.GetTimestamp();
}

public sealed class DeviceRange : IntervalNotifier
{
    public DeviceRange(DeviceOps ops, FlushDevice device) : base(ops) => Device = device;

    public FlushDevice Device { get; }
}

public sealed class DeviceOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var device = ((DeviceRange)notifier).Device;
        var f = new DeviceFlushFinish(device);
        Trace(f, in range);
        finish = f;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        ArgumentNullException.ThrowIfNull(finish);
        var f = (DeviceFlushFinish)finish;
        f.Device.Complete(f);
    }

    private static void Trace(DeviceFlushFinish f, in NotifierRange range)
        => Debug.WriteLine($"flush {range.Start:x}-{range.End:x} on {f.Device.GetHashCode()}");
}
