// Valid code: a single-pass mirror (the kernel's usual interval-notifier driver, as in amdgpu userptr or
// test_hmm without migration). The invalidate callback takes the driver lock (blocking only on a blockable
// range), bumps the sequence and zaps the device mapping; the fault path reads with ReadBegin, fills the
// device mapping and commits under the same lock only when ReadRetry says nothing changed.
using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.SinglePass;

/// <summary>The driver's per-range state, carried by the notifier (container_of in C).</summary>
public sealed class MirrorRange : IntervalNotifier
{
    public MirrorRange(MirrorOps ops) : base(ops)
    {
    }

    /// <summary>The driver lock: the callback holds it around SetSequence, the fault path around ReadRetry.</summary>
    public readonly object PageTableLock = new();

    public readonly Dictionary<ulong, ulong> DeviceMappings = new();
}

public sealed class MirrorOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var mirror = (MirrorRange)notifier;

        // mutex_lock when blockable, mutex_trylock otherwise (amdgpu_hmm_invalidate_gfx).
        if (range.IsBlockable)
        {
            Monitor.Enter(mirror.PageTableLock);
        }
        else if (!Monitor.TryEnter(mirror.PageTableLock))
        {
            return false;
        }

        try
        {
            mirror.SetSequence(currentSequence);
            var last = range.End - 1;
            foreach (var page in new List<ulong>(mirror.DeviceMappings.Keys))
            {
                if (page >= range.Start && page <= last)
                {
                    mirror.DeviceMappings.Remove(page);
                }
            }
        }
        finally
        {
            Monitor.Exit(mirror.PageTableLock);
        }

        return true;
    }
}

/// <summary>The fault path: the read side of the sequence protocol.</summary>
public sealed class MirrorFaultHandler
{
    private readonly MirrorRange _range;

    public MirrorFaultHandler(MirrorRange range) => _range = range;

    public ulong Fault(ulong page)
    {
        while (true)
        {
            var sequence = _range.ReadBegin();
            var frame = LookUpCpuPageTable(page);

            lock (_range.PageTableLock)
            {
                if (_range.ReadRetry(sequence))
                {
                    continue;
                }

                _range.DeviceMappings[page] = frame;
                return frame;
            }
        }
    }

    /// <summary>The same with the lock-free CheckRetry hint first, as hmm_range_fault users do.</summary>
    public bool TryFault(ulong page, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var sequence = _range.ReadBegin();
            var frame = LookUpCpuPageTable(page);
            if (_range.CheckRetry(sequence))
            {
                continue;
            }

            lock (_range.PageTableLock)
            {
                if (!_range.ReadRetry(sequence))
                {
                    _range.DeviceMappings[page] = frame;
                    return true;
                }
            }
        }

        return false;
    }

    private static ulong LookUpCpuPageTable(ulong page) => page ^ 0x5a5a;
}
