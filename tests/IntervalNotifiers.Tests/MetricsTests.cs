using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Tests;

/// <summary>
/// Tests that measure process-wide things (meter listeners, allocations of the current thread): they run alone, after
/// the parallel tests, so that no other test's walks are measured with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAloneCollection
{
    public const string Name = "Measured alone";
}

/// <summary>The <c>IntervalNotifiers</c> meter: every instrument, its values and tags.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class MetricsTests
{
    /// <summary>Collects every measurement of the runtime's meter while it is alive.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _seen = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == NotifierMetrics.MeterName)
                {
                    lock (Published)
                    {
                        Published.Add(instrument.Name);
                    }

                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public HashSet<string> Published { get; } = new();

        public (double Value, KeyValuePair<string, object?>[] Tags)[] Of(string name)
        {
            lock (_seen)
            {
                return _seen.Where(m => m.Name == name).Select(m => (m.Value, m.Tags)).ToArray();
            }
        }

        public void Clear()
        {
            lock (_seen)
            {
                _seen.Clear();
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_seen)
            {
                _seen.Add((instrument.Name, value, tags.ToArray()));
            }
        }
    }

    private static readonly string[] s_all =
    {
        NotifierMetrics.Invalidations, NotifierMetrics.NotifiersPerInvalidation, NotifierMetrics.Finishes,
        NotifierMetrics.WalkDuration, NotifierMetrics.FinishPassDuration, NotifierMetrics.ReadRetries,
        NotifierMetrics.ReadBeginWaits, NotifierMetrics.ContractViolations,
    };

    private static object? Tag(KeyValuePair<string, object?>[] tags, string key) =>
        Assert.Single(tags, t => t.Key == key).Value;

    [Fact]
    public void A_listener_sees_every_instrument_with_its_values_and_tags()
    {
        using var recorder = new Recorder();
        Assert.Equal(s_all.OrderBy(n => n), recorder.Published.OrderBy(n => n));

        var space = new AddressSpace();
        var log = new CallLog();
        var single = new NamedNotifier("single", new SinglePassOps(log));
        var twoPass = new NamedNotifier("two", new TwoPassOps(log));
        var refusing = new NamedNotifier("refusing", new SinglePassOps(log) { Result = false });
        single.Insert(space, 0, 10);
        twoPass.Insert(space, 5, 10);
        refusing.Insert(space, 1000, 10);
        ulong before = Bounded.ReadBegin(single);

        // One blockable range over two notifiers: one single-pass call, one start and one finish.
        var clear = new NotifierRange(0, 20, NotifierEvent.Clear);
        Assert.True(space.InvalidateRangeStart(in clear));

        // A reader of a notifier under invalidation waits, and then collides.
        Task<ulong> reader = Task.Factory.StartNew(() => Bounded.ReadBegin(single), TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => space.WaiterCount == 1, Bounded.Timeout));
        space.InvalidateRangeEnd(in clear);
        Assert.True(reader.Wait(Bounded.Timeout));
        Assert.True(single.ReadRetry(before));
        Assert.False(single.ReadRetry(reader.Result));

        // A non-blockable range refused by a callback, a blockable one refused (a violation), one that hits nothing.
        var refused = new NotifierRange(1000, 1001, NotifierEvent.Migrate, blockable: false);
        Assert.False(space.InvalidateRangeStart(in refused));
        var violated = new NotifierRange(1000, 1001, NotifierEvent.Unmap);
        Assert.True(space.InvalidateRangeStart(in violated));
        space.InvalidateRangeEnd(in violated);
        var empty = new NotifierRange(5000, 6000, NotifierEvent.SoftDirty);
        Assert.True(space.InvalidateRangeStart(in empty));
        space.InvalidateRangeEnd(in empty);

        var invalidations = recorder.Of(NotifierMetrics.Invalidations);
        Assert.Equal(
            new[] { ("clear", true), ("migrate", false), ("unmap", true), ("soft_dirty", true) },
            invalidations.Select(m => ((string)Tag(m.Tags, NotifierMetrics.EventTag)!, (bool)Tag(m.Tags, NotifierMetrics.BlockableTag)!)));
        Assert.All(invalidations, m => Assert.Equal(1, m.Value));
        Assert.Equal(new double[] { 2, 1, 1, 0 }, recorder.Of(NotifierMetrics.NotifiersPerInvalidation).Select(m => m.Value));
        Assert.Equal(new double[] { 1 }, recorder.Of(NotifierMetrics.Finishes).Select(m => m.Value));
        Assert.Equal(3, recorder.Of(NotifierMetrics.WalkDuration).Length); // the three walks that hit a notifier
        Assert.All(recorder.Of(NotifierMetrics.WalkDuration), m => Assert.True(m.Value >= 0));
        var finishPass = Assert.Single(recorder.Of(NotifierMetrics.FinishPassDuration));
        Assert.True(finishPass.Value >= 0);
        Assert.Equal(new double[] { 1 }, recorder.Of(NotifierMetrics.ReadRetries).Select(m => m.Value));
        Assert.Equal(new double[] { 1 }, recorder.Of(NotifierMetrics.ReadBeginWaits).Select(m => m.Value));
        var violation = Assert.Single(recorder.Of(NotifierMetrics.ContractViolations));
        Assert.Equal("false_on_blockable_range", Tag(violation.Tags, NotifierMetrics.KindTag));
    }

    [Fact]
    public void Release_is_counted_with_its_event_and_violations_carry_their_kind()
    {
        using var recorder = new Recorder();
        var space = new AddressSpace();
        var shared = new TestFinish();
        var ops = new TwoPassOps(new CallLog()) { Shared = shared };
        new NamedNotifier("a", ops).Insert(space, 0, 10);
        new NamedNotifier("b", ops).Insert(space, 100, 10);
        var evenSetter = new ActionOps((n, _, _) =>
        {
            n.SetSequence(2);
            return true;
        });
        new NamedNotifier("even", evenSetter).Insert(space, 200, 10);

        space.Release();

        var release = Assert.Single(recorder.Of(NotifierMetrics.Invalidations));
        Assert.Equal("release", Tag(release.Tags, NotifierMetrics.EventTag));
        Assert.Equal(true, Tag(release.Tags, NotifierMetrics.BlockableTag));
        Assert.Equal(new double[] { 3 }, recorder.Of(NotifierMetrics.NotifiersPerInvalidation).Select(m => m.Value));
        Assert.Equal(
            new[] { "finish_linked_twice", "even_sequence" },
            recorder.Of(NotifierMetrics.ContractViolations).Select(m => (string)Tag(m.Tags, NotifierMetrics.KindTag)!));
    }
}
