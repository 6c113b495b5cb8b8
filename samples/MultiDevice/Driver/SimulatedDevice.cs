using System;
using System.Diagnostics;
using System.Threading;

namespace MultiDevice.Driver;

/// <summary>
/// A simulated device (a GPU, say) whose TLB flush takes a fixed time. A flush is started with
/// <see cref="StartTlbFlush"/> and completes in the background on the device's own worker thread;
/// <see cref="WaitForFlush"/> waits for it, as a driver waits on a fence.
/// </summary>
/// <remarks>
/// Completion is deadline-based: every flush gets its deadline when it is started, and a flush whose
/// deadline has passed is complete, whether or not the worker thread has run yet. On a loaded machine
/// the worker may be scheduled late; waiting on a flush past its deadline still returns at once, so the
/// timings measure the device latency and the driver's waits, not the scheduler's whims.
/// Starting a flush and waiting for it do not allocate.
/// </remarks>
public sealed class SimulatedDevice : IDisposable
{
    private readonly object _gate = new();               // guards the fields below; waiters Monitor.Wait on it
    private readonly AutoResetEvent _doorbell = new(false); // rung by StartTlbFlush to wake the worker
    private readonly Thread _worker;
    private readonly long _latencyTicks;
    private long _submitted;    // sequence number of the newest flush started
    private long _completed;    // sequence number of the newest flush known complete
    private long _lastDeadline; // Stopwatch timestamp at which the newest flush completes
    private long _flushes;
    private volatile bool _disposed;

    /// <summary>Creates a device and starts its worker thread.</summary>
    /// <param name="name">Name of the device (and of its worker thread).</param>
    /// <param name="flushLatency">How long one TLB flush takes.</param>
    public SimulatedDevice(string name, TimeSpan flushLatency)
    {
        if (flushLatency <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(flushLatency), "The flush latency must be positive.");
        }

        Name = name;
        FlushLatency = flushLatency;
        _latencyTicks = (long)(flushLatency.TotalSeconds * Stopwatch.Frequency);
        _worker = new Thread(WorkerLoop) { IsBackground = true, Name = name };
        _worker.Start();
    }

    /// <summary>The device's name.</summary>
    public string Name { get; }

    /// <summary>How long one TLB flush takes.</summary>
    public TimeSpan FlushLatency { get; }

    /// <summary>How many flushes were started on this device.</summary>
    public long FlushCount => Interlocked.Read(ref _flushes);

    /// <summary>Whether a flush started on this device has not completed yet.</summary>
    public bool HasPendingFlush
    {
        get
        {
            lock (_gate)
            {
                return _completed < _submitted && Stopwatch.GetTimestamp() < _lastDeadline;
            }
        }
    }

    /// <summary>
    /// Starts a TLB flush and returns at once. The device executes its flushes one after another,
    /// each taking <see cref="FlushLatency"/>.
    /// </summary>
    public FlushTicket StartTlbFlush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushTicket ticket;
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            long deadline = Math.Max(now, _lastDeadline) + _latencyTicks;
            _lastDeadline = deadline;
            _submitted++;
            ticket = new FlushTicket(this, _submitted, deadline);
        }

        Interlocked.Increment(ref _flushes);
        _doorbell.Set();
        return ticket;
    }

    /// <summary>Waits until the flush of <paramref name="ticket"/> has completed.</summary>
    public void WaitForFlush(in FlushTicket ticket)
    {
        if (!ReferenceEquals(ticket.Device, this))
        {
            throw new ArgumentException("The ticket belongs to another device.", nameof(ticket));
        }

        lock (_gate)
        {
            while (_completed < ticket.Sequence)
            {
                long remaining = ticket.Deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    // The deadline has passed: the flush is done even if the worker has not run yet.
                    _completed = ticket.Sequence;
                    return;
                }

                Monitor.Wait(_gate, CeilingMilliseconds(remaining));
            }
        }
    }

    /// <summary>Whether the flush of <paramref name="ticket"/> has completed (never blocks).</summary>
    public bool IsComplete(in FlushTicket ticket)
    {
        lock (_gate)
        {
            return _completed >= ticket.Sequence || Stopwatch.GetTimestamp() >= ticket.Deadline;
        }
    }

    /// <summary>Stops the worker thread.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _doorbell.Set();
        _worker.Join(TimeSpan.FromSeconds(5));
        _doorbell.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private void WorkerLoop()
    {
        while (true)
        {
            _doorbell.WaitOne();
            if (_disposed)
            {
                return;
            }

            while (true)
            {
                long target;
                long deadline;
                lock (_gate)
                {
                    if (_completed >= _submitted)
                    {
                        break;
                    }

                    // Flushes complete in order: signalling the newest one at its deadline completes the
                    // older ones too (their waiters have already been let go by their own deadlines).
                    target = _submitted;
                    deadline = _lastDeadline;
                }

                SleepUntil(deadline);
                lock (_gate)
                {
                    if (target > _completed)
                    {
                        _completed = target;
                    }

                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    private static void SleepUntil(long deadline)
    {
        while (true)
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            Thread.Sleep(CeilingMilliseconds(remaining));
        }
    }

    private static int CeilingMilliseconds(long ticks) =>
        (int)Math.Min(int.MaxValue, (ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
}

/// <summary>A started TLB flush (a fence, in GPU driver terms). A plain value: no allocation.</summary>
public readonly struct FlushTicket
{
    internal FlushTicket(SimulatedDevice device, long sequence, long deadline)
    {
        Device = device;
        Sequence = sequence;
        Deadline = deadline;
    }

    /// <summary>The device executing the flush; null for the default ticket.</summary>
    public SimulatedDevice? Device { get; }

    /// <summary>The flush's sequence number on its device.</summary>
    public long Sequence { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the flush completes.</summary>
    public long Deadline { get; }

    /// <summary>Waits for the flush; returns at once for the default ticket.</summary>
    public void Wait() => Device?.WaitForFlush(in this);
}
