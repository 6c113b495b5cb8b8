using System;
using System.Collections.Generic;
using System.Threading;

namespace IntervalNotifiers.Tests;

/// <summary>A shared, thread-safe event log for the callbacks of one test.</summary>
public sealed class CallLog
{
    private readonly List<string> _entries = new();

    public void Add(string entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    public string[] Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToArray();
            }
        }
    }

    public void Clear()
    {
        lock (_entries)
        {
            _entries.Clear();
        }
    }
}

/// <summary>A notifier with a name, for logs.</summary>
public class NamedNotifier(string name, IntervalNotifierOps ops) : IntervalNotifier(ops)
{
    public string Name { get; } = name;

    public List<NotifierRange> Ranges { get; } = new();

    public List<ulong> Sequences { get; } = new();
}

/// <summary>Single-pass ops: logs "inv:name", sets the sequence, returns Result (or what Behavior says).</summary>
public sealed class SinglePassOps(CallLog log) : IntervalNotifierOps
{
    public bool Result { get; set; } = true;

    public Func<IntervalNotifier, NotifierRange, ulong, bool>? Behavior { get; set; }

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var n = notifier as NamedNotifier;
        log.Add("inv:" + (n?.Name ?? "?"));
        if (n != null)
        {
            lock (n.Ranges)
            {
                n.Ranges.Add(range);
                n.Sequences.Add(currentSequence);
            }
        }

        notifier.SetSequence(currentSequence);
        return Behavior != null ? Behavior(notifier, range, currentSequence) : Result;
    }
}

/// <summary>A finish carrying data between the passes.</summary>
public sealed class TestFinish : NotifierFinish
{
    public string? StartedBy;

    public int Finished;
}

/// <summary>
/// Two-pass ops: the start logs "start:name" and hands out a new finish when HandOut is set; the finish logs
/// "finish:name". Both Invalidate and InvalidateStart are overridden, to show Invalidate is never called.
/// </summary>
public sealed class TwoPassOps(CallLog log) : IntervalNotifierOps
{
    public bool Result { get; set; } = true;

    public bool HandOut { get; set; } = true;

    /// <summary>When set, hand out this very object instead of a new one (contract violation tests).</summary>
    public NotifierFinish? Shared { get; set; }

    public Action<NotifierFinish>? OnFinish { get; set; }

    public int InvalidateCalls;

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        Interlocked.Increment(ref InvalidateCalls);
        log.Add("WRONG-invalidate");
        return true;
    }

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var n = (NamedNotifier)notifier;
        log.Add("start:" + n.Name);
        lock (n.Ranges)
        {
            n.Ranges.Add(range);
            n.Sequences.Add(currentSequence);
        }

        notifier.SetSequence(currentSequence);
        finish = null;
        if (HandOut)
        {
            finish = Shared ?? new TestFinish { StartedBy = n.Name };
        }

        return Result;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var n = (NamedNotifier)finish.Notifier;
        if (finish is TestFinish t)
        {
            Interlocked.Increment(ref t.Finished);
        }

        log.Add("finish:" + n.Name);
        OnFinish?.Invoke(finish);
    }
}

/// <summary>Ops that override nothing (NTF003).</summary>
public sealed class EmptyOps : IntervalNotifierOps
{
}

/// <summary>Ops that override only InvalidateFinish (NTF003 too, and NTF005).</summary>
public sealed class FinishOnlyOps : IntervalNotifierOps
{
    public override void InvalidateFinish(NotifierFinish finish)
    {
    }
}

/// <summary>Ops that override InvalidateStart without InvalidateFinish (NTF001).</summary>
public sealed class StartWithoutFinishOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        finish = null;
        return true;
    }
}

/// <summary>An abstract base that defines both passes; its concrete subclass inherits them.</summary>
public abstract class TwoPassBase : IntervalNotifierOps
{
    public int Starts;

    public int Finishes;

    public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                out NotifierFinish? finish)
    {
        Interlocked.Increment(ref Starts);
        finish = new NotifierFinish();
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) => Interlocked.Increment(ref Finishes);
}

public sealed class DerivedTwoPass : TwoPassBase
{
}

/// <summary>A generic ops type with an Invalidate override.</summary>
public sealed class GenericOps<T> : IntervalNotifierOps
{
    public int Calls;

    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        Interlocked.Increment(ref Calls);
        return true;
    }
}

/// <summary>Hides Invalidate with 'new' instead of overriding it: not a defined callback (NTF003).</summary>
public sealed class HidingOps : IntervalNotifierOps
{
    public new bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
}

/// <summary>Runs an action in the single pass.</summary>
public sealed class ActionOps(Func<IntervalNotifier, NotifierRange, ulong, bool> action) : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) =>
        action(notifier, range, currentSequence);
}

public static class Bounded
{
    /// <summary>The longest any test waits for something that must happen.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a test watches something that must not happen.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// <see cref="IntervalNotifier.ReadBegin()"/> for calls that must not wait long: a wrong wait fails the test
    /// (OperationCanceledException) instead of hanging the run.
    /// </summary>
    public static ulong ReadBegin(IntervalNotifier notifier)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return notifier.ReadBegin(cts.Token);
    }

    /// <summary><see cref="IntervalNotifier.Remove()"/> with a bounded wait (see <see cref="ReadBegin"/>).</summary>
    public static void Remove(IntervalNotifier notifier)
    {
        using var cts = new CancellationTokenSource(Timeout);
        notifier.Remove(cts.Token);
    }
}
