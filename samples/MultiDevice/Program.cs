using System;
using System.Diagnostics;
using System.Globalization;
using IntervalNotifiers;
using MultiDevice.Driver;

namespace MultiDevice;

/// <summary>
/// N devices mirror one buffer of a process. Unmapping a page of it must flush every device's TLB
/// before the CPU side may go on. With single-pass ops the devices are flushed one after another;
/// with two-pass ops all flushes are started first and waited for afterwards.
/// </summary>
internal static class Program
{
    private const ulong BufferStart = 0x7f00_0000_0000;
    private const ulong BufferLength = 2 * 1024 * 1024;
    private const ulong PageSize = 4096;
    private const int WarmupRuns = 3;
    private const int MeasuredRuns = 15;
    private static readonly int[] DeviceCounts = [1, 2, 4, 8, 16];
    private static readonly TimeSpan FlushLatency = TimeSpan.FromMilliseconds(4);

    private static int Main()
    {
        int maxDevices = DeviceCounts[^1];
        var devices = new SimulatedDevice[maxDevices];
        for (int i = 0; i < devices.Length; i++)
        {
            devices[i] = new SimulatedDevice($"gpu{i}", FlushLatency);
        }

        using var metrics = new MetricsTotals();
        try
        {
            var singlePass = new SinglePassFlushOps();
            var twoPass = new TwoPassFlushOps(poolCapacity: 2 * maxDevices);

            Console.WriteLine(
                $"One invalidation of a page mirrored on N devices; TLB flush latency {FlushLatency.TotalMilliseconds:0.#} ms; " +
                $"median of {MeasuredRuns} runs after {WarmupRuns} warm-up runs; {Environment.ProcessorCount} CPUs.");
            Console.WriteLine();
            Console.WriteLine("devices  single-pass (ms)  two-pass (ms)  speed-up");

            double lastSpeedUp = 0;
            foreach (int n in DeviceCounts)
            {
                var used = devices.AsSpan(0, n).ToArray();
                double single = MedianInvalidationMilliseconds(singlePass, used);
                double two = MedianInvalidationMilliseconds(twoPass, used);
                lastSpeedUp = single / two;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{n,7}  {single,16:0.00}  {two,13:0.00}  {lastSpeedUp,7:0.0}x"));
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"two-pass speed-up at {maxDevices} devices: {lastSpeedUp:0.0}x"));
            Console.WriteLine(metrics);
            return 0;
        }
        finally
        {
            foreach (var device in devices)
            {
                device.Dispose();
            }
        }
    }

    /// <summary>
    /// Inserts one mirror of the buffer per device, then times invalidations of one page of it
    /// (<c>InvalidateRangeStart</c> + <c>InvalidateRangeEnd</c>, as the kernel's unmap path does, paired by the
    /// <c>BeginInvalidation</c> scope).
    /// </summary>
    private static double MedianInvalidationMilliseconds(IntervalNotifierOps ops, SimulatedDevice[] devices)
    {
        var space = new AddressSpace();
        var mirrors = new DeviceMirror[devices.Length];
        for (int i = 0; i < devices.Length; i++)
        {
            mirrors[i] = new DeviceMirror(ops, devices[i]);
            mirrors[i].Insert(space, BufferStart, BufferLength);
            mirrors[i].Populate();
        }

        var page = new NotifierRange(BufferStart + 16 * PageSize, BufferStart + 17 * PageSize, NotifierEvent.Unmap);
        var times = new double[MeasuredRuns];
        for (int run = 0; run < WarmupRuns + MeasuredRuns; run++)
        {
            long begin = Stopwatch.GetTimestamp();
            using (InvalidationScope scope = space.BeginInvalidation(in page))
            {
                if (!scope.Started)
                {
                    throw new InvalidOperationException("A blockable invalidation failed.");
                }

                // The CPU side changes the mapping here; the scope ends the range (InvalidateRangeEnd).
            }

            long ended = Stopwatch.GetTimestamp();

            // The contract: when InvalidateRangeStart returns, no device uses the old translations.
            foreach (var mirror in mirrors)
            {
                if (mirror.IsMapped || mirror.Device.HasPendingFlush)
                {
                    throw new InvalidOperationException(
                        $"{mirror.Device} still maps the page after InvalidateRangeStart returned.");
                }

                mirror.Populate(); // the device faults the page back in (not timed)
            }

            if (run >= WarmupRuns)
            {
                times[run - WarmupRuns] = Stopwatch.GetElapsedTime(begin, ended).TotalMilliseconds;
            }
        }

        foreach (var mirror in mirrors)
        {
            mirror.Remove();
        }

        Array.Sort(times);
        return times[times.Length / 2];
    }
}
