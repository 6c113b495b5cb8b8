// Valid code (hunt): one lock object reached by several names. The device exposes its private lock through a
// property; the ops type keeps its own reference to the device's lock, handed over in its constructor; a reader
// copies the lock into a local before locking. All name the same object.
using System.Threading;

namespace ValidCode.Hunt.LockAliases;

public sealed class SvmDevice
{
    private readonly object _notifierLock = new();

    public object NotifierLock => _notifierLock;

    public int Faults;

    /// <summary>The device's own invalidation, under its private lock field.</summary>
    public void Invalidate(AliasRange range, ulong currentSequence)
    {
        lock (_notifierLock)
        {
            range.SetSequence(currentSequence);
            Faults = 0;
        }
    }
}

public sealed class AliasRange : IntervalNotifier
{
    public AliasRange(NotifierOpsBase ops, SvmDevice device) : base(ops) => Device = device;

    public SvmDevice Device { get; }
}

public sealed class AliasOps : NotifierOpsBase
{
    private readonly object _lock;
    private readonly SvmDevice _device;

    public AliasOps(SvmDevice device)
    {
        _device = device;
        _lock = device.NotifierLock;
    }

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        if (!range.IsBlockable)
        {
            return false;
        }

        lock (_lock)
        {
            notifier.SetSequence(currentSequence);
        }

        return true;
    }
}

public sealed class DeviceForwardingOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var aliasRange = (AliasRange)notifier;
        aliasRange.Device.Invalidate(aliasRange, currentSequence);
        return true;
    }
}

public static class AliasReader
{
    public static bool Fault(AliasRange range)
    {
        var seq = range.ReadBegin();
        var gate = range.Device.NotifierLock;
        lock (gate)
        {
            if (range.ReadRetry(seq))
            {
                return false;
            }

            range.Device.Faults++;
            return true;
        }
    }

    public static bool FaultByProperty(AliasRange range)
    {
        var seq = range.ReadBegin();
        lock (range.Device.NotifierLock)
        {
            return !range.ReadRetry(seq);
        }
    }
}
