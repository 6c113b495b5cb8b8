using System.Threading.Tasks;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackFlowAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF007 on the bool flags a callback computes, in the shapes where the operation tree (NTF007.BlockableFlow.Tree.cs)
/// must forget what it knew (a compound or nested write, a loop, a catch, a deconstruction, a pattern) or may keep it (a
/// lock or a wait that sets its flag). Each expectation is the flow's; <c>CallbackFlowTreeTests</c> also runs every
/// source here with and without the tree and requires the same diagnostics, which is why each source is spelled out
/// whole (that test reads the string literals of this file that hold a callback).
/// </summary>
public class NTF007TreeShapesTests
{
    private static Task Verify(string source)
    {
        var test = new VerifyFlow.Test { TestCode = source };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF008" });
        return test.RunAsync();
    }

    private const string Prelude = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        sealed class Device
        {
            public bool IsBusy => Volatile.Read(ref _busy) != 0;
            public object State = "idle";
            private int _busy;
            public bool TryFlush() => Interlocked.CompareExchange(ref _busy, 0, 0) == 0;
            public void Flush() { }
            public (bool Idle, int Pending) Probe() => (IsBusy, 0);
        }

        """;

    [Fact]
    public Task FlagWidenedByACompoundWrite_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool busy = false;
                busy |= _device.IsBusy;
                if (busy)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagWrittenInALoop_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool flushed = true;
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    flushed = _device.TryFlush();
                }

                if (!flushed)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagWrittenInsideACondition_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool flushed = true;
                if ((flushed = _device.TryFlush()) == false)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return flushed;
            }
        }
        """);

    [Fact]
    public Task FlagClearedInACatch_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var ok = true;
                try
                {
                    _device.Flush();
                }
                catch (InvalidOperationException)
                {
                    ok = false;
                }

                if (!ok)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagFromAPattern_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (_device.State is bool stalled && stalled)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagChosenOnEachKindOfRange_IsReportedWhereTheBlockableChoiceMayFail() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool giveUp;
                if (!range.IsBlockable)
                    giveUp = _device.IsBusy;
                else
                    giveUp = !_device.TryFlush();

                if (giveUp)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagFromADeconstruction_IsNotReported_TheFlowCannotReadIt() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var (idle, _) = _device.Probe();
                if (!idle)
                {
                    return false;
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagOfATryLockWhoseTimeoutFollowsTheRange_IsNotReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var entered = false;
                try
                {
                    // Wait as long as it takes where sleeping is allowed; one try otherwise.
                    Monitor.TryEnter(_lock, range.IsBlockable ? Timeout.Infinite : 0, ref entered);
                    if (!entered)
                    {
                        return false;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
                finally
                {
                    if (entered)
                    {
                        Monitor.Exit(_lock);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task FlagOfABlockingEnter_IsNotReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool held = false;
                Monitor.Enter(_lock, ref held);
                if (!held)
                {
                    return false;
                }

                try { notifier.SetSequence(currentSequence); }
                finally { Monitor.Exit(_lock); }
                return true;
            }
        }
        """);

    [Fact]
    public Task FlagOfATryLockWithAFixedTimeout_IsReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var entered = false;
                try
                {
                    Monitor.TryEnter(_lock, 10, ref entered);
                    if (!entered)
                    {
                        {|NTF007:return false;|}
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
                finally
                {
                    if (entered)
                    {
                        Monitor.Exit(_lock);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task FlagCopiedFromTheRange_IsNotReported() => Verify(Prelude + """
        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var mayWait = range.IsBlockable;
                var busy = _device.IsBusy;
                if (!mayWait && busy)
                {
                    return false;
                }

                if (busy)
                {
                    _device.Flush();
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);
}
