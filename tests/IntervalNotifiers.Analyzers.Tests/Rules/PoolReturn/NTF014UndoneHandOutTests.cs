using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.CodeFixes;
using Xunit;
using VerifyPool = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.PoolReturnAnalyzer>;
using VerifyPoolFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.PoolReturnAnalyzer, IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.Rules.PoolReturn;

/// <summary>
/// NTF014 on a hand-out that is undone: a rented finish put in <c>out finish</c>, then the parameter overwritten
/// (<c>finish = null; return false;</c>, what a fix that only clears the finish leaves) while nothing else that could
/// return it names the finish. Reported on the leaking return; silent when the finish goes back (a <c>finally</c>, a
/// <c>Return</c> before or after the clearing, through a type pattern), is kept where code may return it (a local
/// copy, a field, a helper, a lambda), or is handed out again.
/// </summary>
public sealed class NTF014UndoneHandOutTests
{
    private static Task Verify(string source) => VerifyPool.AnalyzerAsync(source);

    private const string Finishes = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        class FlushFinish : NotifierFinish
        {
            public int Ticket;
            public bool Done;
        }

        sealed class TaggedFinish<TTag> : NotifierFinish
        {
            public int Ticket;
            public bool Done;
        }

        """;

    /// <summary>An ops type holding <paramref name="pool"/> whose start rents, hands the finish out, then runs <paramref name="after"/>.</summary>
    private static string Ops(string header, string finishType, string after, string poolField = "private readonly NotifierFinishPool<FlushFinish> _pool = new(4);",
                              string pool = "_pool")
        => Finishes + header + $$"""

        {
            {{poolField}}
            private readonly object _lock = new();
            private object? _last;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!{{pool}}.TryRent(out var f))
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                f.Ticket = 1;
                finish = f;
        {{after}}
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => {{pool}}.Return(({{finishType}})finish);

            private void Recycle({{finishType}} f) => {{pool}}.Return(f);

            private static void Trace(NotifierFinish? f) { }
        }
        """;

    private const string Plain = "sealed class DeviceOps : IntervalNotifierOps";

    private const string Generic = "class FenceOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()";

    private const string GenericPool = "private readonly NotifierFinishPool<TFinish> _pool = new(capacity: 4);";

    // ---- reported ----

    [Fact]
    public Task GenericFenceOps_ClearedBeforeFalse_IsReported() => Verify(Ops(Generic, "TFinish", """
                if (!range.IsBlockable && !f.Done)
                {
                    finish = null;
                    {|NTF014:return false;|}
                }
        """, GenericPool));

    [Fact]
    public Task PlainOps_ClearedBeforeFalse_IsReported() => Verify(Ops(Plain, "FlushFinish", """
                if (!range.IsBlockable && !f.Done)
                {
                    finish = null;
                    {|NTF014:return false;|}
                }
        """));

    [Fact]
    public Task GenericInstantiationPool_ClearedBeforeTrue_IsReported() => Verify(Ops(
        "sealed class TaggedOps<TTag> : IntervalNotifierOps", "TaggedFinish<TTag>", """
                if (range.Owner == this)
                {
                    finish = null;
                    {|NTF014:return true;|} // our own range: nothing to wait for, but the slot is lost
                }
        """, "private readonly NotifierFinishPool<TaggedFinish<TTag>> _pool = new(4);"));

    [Fact]
    public Task OverwrittenWithDefault_IsReported() => Verify(Ops(Generic, "TFinish", """
                if (range.Event == NotifierEvent.Release)
                {
                    finish = default;
                    {|NTF014:return true;|}
                }
        """, GenericPool));

    [Fact]
    public Task PoolExposedThroughAProperty_IsReported() => Verify(Ops(Plain, "FlushFinish", """
                if (!range.IsBlockable)
                {
                    finish = null;
                    {|NTF014:return false;|}
                }
        """, "private NotifierFinishPool<FlushFinish> Pool { get; } = new(4);", "Pool"));

    [Fact]
    public Task StaticPool_ClearedInsideALock_IsReported() => Verify(Ops(Plain, "FlushFinish", """
                lock (_lock)
                {
                    if (!range.IsBlockable)
                    {
                        finish = null;
                        {|NTF014:return false;|}
                    }
                }
        """, "private static readonly NotifierFinishPool<FlushFinish> s_pool = new(4);", "s_pool"));

    [Fact]
    public Task PoolInAGenericBaseClass_ClearedInALoop_IsReported() => Verify(Finishes + """
        abstract class PooledOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()
        {
            protected readonly NotifierFinishPool<TFinish> Flushes = new(4);

            public override void InvalidateFinish(NotifierFinish finish) => Flushes.Return((TFinish)finish);
        }

        sealed class DeviceOps : PooledOps<FlushFinish>
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                notifier.SetSequence(currentSequence);
                if (!Flushes.TryRent(out var f))
                {
                    return true;
                }

                finish = f;
                for (var spin = 0; spin < 3; spin++)
                {
                    if (f.Done)
                    {
                        return true;
                    }

                    if (!range.IsBlockable)
                    {
                        finish = null;
                        {|NTF014:return false;|}
                    }
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task ClearedInASwitchSection_IsReported() => Verify(Ops(Plain, "FlushFinish", """
                switch (range.Event)
                {
                    case NotifierEvent.Release:
                        finish = null;
                        {|NTF014:return true;|}
                }
        """));

    [Fact]
    public Task ReplacedByASecondRentedFinish_TheFirstIsReported() => Verify(Ops(Plain, "FlushFinish", """
                if (range.Start == 0 && _pool.TryRent(out var second))
                {
                    finish = second;
                    {|NTF014:return true;|}
                }
        """));

    [Fact]
    public Task ClearedOnlyOnOnePath_ThatPathIsReported() => Verify(Ops(Generic, "TFinish", """
                if (range.IsBlockable)
                {
                    f.Done = true;
                }
                else
                {
                    finish = null;
                }

                if (finish is null)
                {
                    {|NTF014:return false;|}
                }
        """, GenericPool));

    // ---- silent ----

    [Fact]
    public Task ReturnedInAFinally_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                try
                {
                    if (!range.IsBlockable)
                    {
                        finish = null;
                        return false;
                    }
                }
                finally
                {
                    if (finish is null)
                    {
                        _pool.Return(f);
                    }
                }
        """));

    [Fact]
    public Task ReturnedThenCleared_IsSilent() => Verify(Ops(Generic, "TFinish", """
                if (!range.IsBlockable)
                {
                    _pool.Return(f);
                    finish = null;
                    return false;
                }
        """, GenericPool));

    [Fact]
    public Task ClearedThenReturned_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                if (!range.IsBlockable)
                {
                    finish = null;
                    _pool.Return(f);
                    return false;
                }
        """));

    [Fact]
    public Task ReturnedThroughATypePatternOnTheOutParameter_IsSilent() => Verify(Ops(Generic, "TFinish", """
                if (!range.IsBlockable)
                {
                    if (finish is TFinish rented)
                    {
                        _pool.Return(rented);
                    }
                    finish = null;
                    return false;
                }
        """, GenericPool));

    [Fact]
    public Task KeptInALocalThatIsReturnedLater_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                FlushFinish? pending = f;
                if (!range.IsBlockable)
                {
                    finish = null;
                }

                if (finish is null)
                {
                    _pool.Return(pending);
                    return false;
                }
        """));

    [Fact]
    public Task StoredInAField_IsNTF002sBusiness_Silent() => Verify(Ops(Plain, "FlushFinish", """
                _last = f;
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }
        """));

    [Fact]
    public Task OutParameterStoredInAField_ThenCleared_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                _last = finish;
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }
        """));

    [Fact]
    public Task HandedOutAgainOnTheTruePath_IsSilent() => Verify(Ops(Generic, "TFinish", """
                if (range.Owner == this)
                {
                    finish = null;
                    f.Done = true;
                    finish = f;
                    return true;
                }
        """, GenericPool));

    [Fact]
    public Task ClearedThenGivenToAHelper_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                if (!range.IsBlockable)
                {
                    finish = null;
                    Recycle(f);
                    return false;
                }
        """));

    [Fact]
    public Task OutParameterPassedOnBeforeClearing_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                Trace(finish);
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }
        """));

    [Fact]
    public Task ClearedAndReturnedByALambda_IsSilent() => Verify(Ops(Plain, "FlushFinish", """
                if (!range.IsBlockable)
                {
                    finish = null;
                    ThreadPool.QueueUserWorkItem(_ => _pool.Return(f));
                    return false;
                }
        """));

    [Fact]
    public Task ClearedWhereNothingWasRented_IsSilent() => Verify(Finishes + """
        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _pool = new(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                if (_pool.TryRent(out var f))
                {
                    finish = f;
                    return true;
                }

                finish = null;
                return range.IsBlockable;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);
        }
        """);

    [Fact]
    public Task ConditionalHandOut_IsNotFollowed_Silent() => Verify(Ops(Plain, "FlushFinish", """
                finish = range.IsBlockable ? f : null;
                if (finish is null)
                {
                    return false;
                }
        """));

    // ---- the fix: Return on the leaking path, and the fixed program keeps its pool whole ----

    private const string Leak = """
                if (!range.IsBlockable && !f.Done)
                {
                    finish = null;
                    RETURN
                }
        """;

    private static async Task FixAndRun(string header, string finishType, string poolField, string pool, string create)
    {
        var source = Ops(header, finishType, Leak.Replace("RETURN", "{|NTF014:return false;|}"), poolField, pool)
            .Replace("private readonly object _lock", $"public NotifierFinishPool<{finishType}> Pool => {pool};\n    private readonly object _lock");
        var fixedSource = source.Replace("{|NTF014:return false;|}", pool + ".Return(f);\n            return false;");
        await VerifyPoolFix.CodeFixAsync(source, fixedSource, IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix.EquivalenceKey);

        // Before the fix the first four starts lost their finishes and the other six found the pool empty (their slow
        // path); after it, every start gives up with the pool whole.
        Assert.Equal("4 failed, rented 0 of 4", FixHarness.Run(source.Replace("{|NTF014:return false;|}", "return false;"), NTF006FinishOnFalseReturnCodeFixTests.DriverOf(create, capacity: 4)));
        Assert.Equal("10 failed, rented 4 of 4", FixHarness.Run(fixedSource, NTF006FinishOnFalseReturnCodeFixTests.DriverOf(create, capacity: 4)));
    }

    [Fact]
    public Task Fix_GenericFenceOps_ReturnsOnTheLeakingPath() => FixAndRun(Generic, "TFinish", GenericPool, "_pool", "new FenceOps<FlushFinish>()");

    [Fact]
    public Task Fix_PlainOps_ReturnsOnTheLeakingPath() => FixAndRun(Plain, "FlushFinish", "private readonly NotifierFinishPool<FlushFinish> _pool = new(4);", "_pool", "new DeviceOps()");

    /// <summary>
    /// The leaking return is reached also where the rent failed: the fix returns the finish only when it is not null
    /// (<c>Return(null)</c> throws). The driver first empties the pool, so that path runs.
    /// </summary>
    [Fact]
    public async Task Fix_WhereTheRentMayHaveFailed_ReturnsOnlyARentedFinish()
    {
        const string Ops = """
            using IntervalNotifiers;

            class FlushFinish : NotifierFinish
            {
                public int Ticket;
            }

            sealed class FenceOps<TFinish> : IntervalNotifierOps where TFinish : FlushFinish, new()
            {
                public NotifierFinishPool<TFinish> Pool { get; } = new(4);

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = null;
                    if (Pool.TryRent(out var f))
                    {
                        f.Ticket = 1;
                        finish = f;
                    }

                    if (!range.IsBlockable)
                    {
                        finish = null;
                        RETURN
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((TFinish)finish);
            }
            """;
        var driver = NTF006FinishOnFalseReturnCodeFixTests.DriverOf("new FenceOps<FlushFinish>()", capacity: 4, emptyFirst: true);
        var fixedSource = Ops.Replace("RETURN", """
            if (f is not null)
                        {
                            Pool.Return(f);
                        }
                        return false;
            """);
        await VerifyPoolFix.CodeFixAsync(Ops.Replace("RETURN", "{|NTF014:return false;|}"), fixedSource,
                                         IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix.EquivalenceKey);
        Assert.Equal("20 failed, rented 4 of 4", FixHarness.Run(fixedSource, driver));

        // Without the null test the first ten starts would throw from Return(null).
        Assert.StartsWith("threw", FixHarness.Run(Ops.Replace("RETURN", "Pool.Return(f!);\n            return false;"), driver), System.StringComparison.Ordinal);
    }
}
