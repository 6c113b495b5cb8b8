using System;
using BenchmarkDotNet.Attributes;
using MultiDevice.Driver;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// One invalidation of a page mirrored on N simulated devices (TLB flush latency 4 ms each), with the
/// sample's single-pass ops (flush and wait, device after device) against its two-pass ops (start every
/// flush, then wait for all). Goal: two-pass at least 0.9 x N times faster at N = 16.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SpeedRatioConfig))]
public class MultiDeviceBenchmarks
{
    private const ulong BufferStart = 0x7f00_0000_0000;
    private const ulong BufferLength = 2 * 1024 * 1024;
    private const ulong PageSize = 4096;

    private readonly NotifierRange _page =
        new(BufferStart + 16 * PageSize, BufferStart + 17 * PageSize, NotifierEvent.Unmap);

    private SimulatedDevice[] _devices = [];
    private DeviceMirror[] _mirrors = [];
    private AddressSpace _singlePassSpace = new();
    private AddressSpace _twoPassSpace = new();

    /// <summary>Number of devices mirroring the page.</summary>
    [Params(1, 2, 4, 8, 16)]
    public int Devices { get; set; }

    /// <summary>Starts the devices and inserts one mirror per device and mode.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _devices = new SimulatedDevice[Devices];
        _mirrors = new DeviceMirror[2 * Devices];
        _singlePassSpace = new AddressSpace();
        _twoPassSpace = new AddressSpace();
        var singlePass = new SinglePassFlushOps();
        var twoPass = new TwoPassFlushOps(poolCapacity: 2 * Devices);
        for (int i = 0; i < Devices; i++)
        {
            _devices[i] = new SimulatedDevice($"gpu{i}", TimeSpan.FromMilliseconds(4));
            _mirrors[2 * i] = new DeviceMirror(singlePass, _devices[i]);
            _mirrors[2 * i].Insert(_singlePassSpace, BufferStart, BufferLength);
            _mirrors[2 * i].Populate();
            _mirrors[2 * i + 1] = new DeviceMirror(twoPass, _devices[i]);
            _mirrors[2 * i + 1].Insert(_twoPassSpace, BufferStart, BufferLength);
            _mirrors[2 * i + 1].Populate();
        }
    }

    /// <summary>Removes the mirrors and stops the devices.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var mirror in _mirrors)
        {
            mirror.Remove();
        }

        foreach (var device in _devices)
        {
            device.Dispose();
        }
    }

    /// <summary>Single-pass ops: each callback starts its device's flush and waits for it.</summary>
    [Benchmark(Baseline = true)]
    public bool SinglePass() => Invalidate(_singlePassSpace);

    /// <summary>Two-pass ops: all flushes are started in the first pass and waited for in the second.</summary>
    [Benchmark]
    public bool TwoPass() => Invalidate(_twoPassSpace);

    private bool Invalidate(AddressSpace space)
    {
        if (!space.InvalidateRangeStart(in _page))
        {
            return false;
        }

        space.InvalidateRangeEnd(in _page);
        return true;
    }
}
