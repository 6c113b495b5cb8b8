using System.Threading.Tasks;
using Xunit;
using VerifyPoolFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.PoolReturnAnalyzer, IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix>;
using VerifyPool = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.PoolReturnAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF014: a finish rented from a NotifierFinishPool that is not returned to it on some path.</summary>
public partial class NTF014Tests
{
    private static Task Verify(string source) => VerifyPool.AnalyzerAsync(source);

    /// <summary>A pooled finish type and the usual start that rents it (the first half of most ops types below).</summary>
    private const string Prelude = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        class PoolFinish : NotifierFinish
        {
            public ulong Start;
            public ulong End;
            public bool Cancelled;
        }

        """;

    /// <summary>A start that hands out a rented finish, or does everything itself when the pool is empty.</summary>
    private const string PooledStart = """
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                if (!_pool.TryRent(out var f))
                {
                    finish = null;
                    Flush(range.Start, range.End);
                    return true;
                }

                f.Start = range.Start;
                f.End = range.End;
                finish = f;
                return true;
            }

            private static void Flush(ulong start, ulong end) { }

        """;

    // ---- InvalidateStart: flagged ----

    [Fact]
    public Task StartRentsThenReturnsFalse_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                if (!range.IsBlockable)
                {
                    {|NTF014:return false;|}
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartRentsInConditionThenSkipsWork_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                if (_pool.TryRent(out var f))
                {
                    if (range.Owner == this)
                    {
                        finish = null;
                        {|NTF014:return true;|} // our own range: nothing to wait for, but the slot is lost
                    }

                    f.Start = range.Start;
                    finish = f;
                    return true;
                }

                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartRentsThenFallsBackToInvalidate_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (_pool.TryRent(out var g) && range.Event == NotifierEvent.Release)
                {
                    {|NTF014:return Invalidate(notifier, range, currentSequence);|}
                }

                finish = g;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartWithTwoLeakingReturns_IsReportedOnEach() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private NotifierFinishPool<PoolFinish> Pool { get; } = new NotifierFinishPool<PoolFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                PoolFinish? f;
                if (!Pool.TryRent(out f))
                {
                    return true;
                }

                if (range.Owner is not null)
                {
                    {|NTF014:return true;|}
                }

                f.Start = range.Start;
                if (range.End - range.Start < 4096)
                {
                    {|NTF014:return true;|}
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartWithLeakInsideTryWithoutReturnInFinally_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                Monitor.Enter(_lock);
                try
                {
                    notifier.SetSequence(currentSequence);
                    if (range.Owner == _lock)
                    {
                        {|NTF014:return true;|}
                    }
                }
                finally
                {
                    Monitor.Exit(_lock);
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartWithLeakInSwitchArm_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                switch (range.Event)
                {
                    case NotifierEvent.SoftDirty:
                        {|NTF014:return true;|}
                    case NotifierEvent.Release:
                        _pool.Return(f);
                        return true;
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    // ---- InvalidateStart: silent ----

    [Fact]
    public Task StartHandsOutRentedFinish_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                Flush(f.Start, f.End);
                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task StartReturnsRentedFinishBeforeFalse_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                if (!range.IsBlockable)
                {
                    _pool.Return(f);
                    return false;
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartReturnsInFinally_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                var handedOut = false;
                try
                {
                    if (range.Owner is not null)
                    {
                        return true;
                    }

                    finish = f;
                    handedOut = true;
                    return true;
                }
                finally
                {
                    if (!handedOut)
                    {
                        _pool.Return(f);
                    }
                }
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartThrowsAfterRenting_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                if (range.End <= range.Start)
                {
                    throw new InvalidOperationException("empty range");
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartHandsRentedFinishToAHelper_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

                if (!range.IsBlockable)
                {
                    Abandon(f);
                    return false;
                }

                finish = f;
                return true;
            }

            private void Abandon(PoolFinish f)
            {
                f.Cancelled = true;
                _pool.Return(f);
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartWhoseTryRentResultIsNotTested_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var rented = _pool.TryRent(out var f);
                finish = rented ? f : null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartWithoutPool_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new PoolFinish { Start = range.Start, End = range.End };
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    return;
                }
            }
        }
        """);

    [Fact]
    public Task StartRentFailureFallback_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(1);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var f))
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task StartFallbackSharedWithASecondCondition_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(1);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                // The fallback is also taken when the rent succeeded but the range is ours: that finish is lost.
                if (!_pool.TryRent(out var f) || range.Owner is not null)
                {
                    finish = null;
                    {|NTF014:return Invalidate(notifier, range, currentSequence);|}
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    // ---- InvalidateFinish: flagged ----

    [Fact]
    public Task FinishEarlyReturnBeforeReturn_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    {|NTF014:return;|}
                }

                Flush(f.Start, f.End);
                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishThatNeverReturns_IsReportedOnItsEnd() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                Flush(f.Start, f.End);
            {|NTF014:}|}
        }
        """);

    [Fact]
    public Task FinishCatchThatSwallowsAndReturns_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                try
                {
                    Flush(f.Start, f.End);
                }
                catch (InvalidOperationException)
                {
                    {|NTF014:return;|}
                }

                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishReturnsOnOneBranchOnly_IsReportedOnItsEnd() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is PoolFinish f)
                {
                    Flush(f.Start, f.End);
                    if (!f.Cancelled)
                    {
                        _pool.Return(f);
                    }
                }
            {|NTF014:}|}
        }
        """);

    [Fact]
    public Task FinishReturnInsideLoopBreakPath_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    if (f.Cancelled)
                    {
                        {|NTF014:return;|}
                    }

                    Flush(f.Start, f.End);
                }

                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishSwitchWithLeakingCase_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                switch (f.End - f.Start)
                {
                    case 0:
                        {|NTF014:return;|}
                    default:
                        Flush(f.Start, f.End);
                        break;
                }

                _pool.Return(f);
            }
        }
        """);

    // ---- InvalidateFinish: silent ----

    [Fact]
    public Task FinishReturnsInFinally_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                try
                {
                    if (f.Cancelled)
                    {
                        return;
                    }

                    Flush(f.Start, f.End);
                }
                finally
                {
                    _pool.Return(f);
                }
            }
        }
        """);

    [Fact]
    public Task FinishReturnsThroughAHelper_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    Recycle(f);
                    return;
                }

                Flush(f.Start, f.End);
                Recycle(f);
            }

            private void Recycle(PoolFinish f)
            {
                f.Cancelled = false;
                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishReturnedByAMethodOfTheFinish_IsSilent() => Verify(Prelude + """
        class SelfReturningFinish : NotifierFinish
        {
            public NotifierFinishPool<SelfReturningFinish>? Home;

            public void Complete() => Home?.Return(this);
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<SelfReturningFinish> _pool = new NotifierFinishPool<SelfReturningFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (_pool.TryRent(out var f))
                {
                    f.Home = _pool;
                    finish = f;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (SelfReturningFinish)finish;
                f.Complete();
            }
        }
        """);

    [Fact]
    public Task FinishOfATypeThatAlsoHandsOutNewFinishes_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_pool.TryRent(out var f))
                {
                    finish = f;
                }
                else
                {
                    finish = new PoolFinish();
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    return;
                }

                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishThatThrowsOnOnePath_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.End < f.Start)
                {
                    throw new InvalidOperationException("corrupt finish");
                }

                Flush(f.Start, f.End);
                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishWithTypeTestAndReturnInside_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is not PoolFinish f)
                {
                    return;
                }

                Flush(f.Start, f.End);
                _pool.Return(f);
            }
        }
        """);

    [Fact]
    public Task FinishWithPropertyPatternAndReturnInFinally_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is not PoolFinish { Cancelled: false } f)
                {
                    return;
                }

                try
                {
                    Flush(f.Start, f.End);
                }
                finally
                {
                    _pool.Return(f);
                }
            }
        }
        """);

    [Fact]
    public Task FinishWithPropertyPatternThatNeverReturns_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is PoolFinish { Cancelled: false } f)
                {
                    Flush(f.Start, f.End);
                    {|NTF014:return;|}
                }

                _pool.Return((PoolFinish)finish);
            }
        }
        """);

    [Fact]
    public Task FinishReturnedBeforeEachExit_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                while (true)
                {
                    if (f.Cancelled)
                    {
                        _pool.Return(f);
                        return;
                    }

                    Flush(f.Start, f.End);
                    f.Cancelled = true;
                }
            }
        }
        """);

    [Fact]
    public Task FinishWithoutPoolInType_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new PoolFinish { Start = range.Start, End = range.End };
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (((PoolFinish)finish).Cancelled)
                {
                    return;
                }
            }
        }
        """);

    [Fact]
    public Task FinishCapturedByALambdaThatReturnsIt_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                Action done = () => _pool.Return(f);
                if (f.Cancelled)
                {
                    done();
                    return;
                }

                Flush(f.Start, f.End);
                done();
            }
        }
        """);

    [Fact]
    public Task ExpressionBodiedFinishThatReturns_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """);

    [Fact]
    public Task FinishWithGoto_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    goto done;
                }

                Flush(f.Start, f.End);
            done:
                _pool.Return(f);
            }
        }
        """);

    // ---- the code fix (Fix All checks on: document, project, solution) ----

    private static Task VerifyFix(string source, string fixedSource)
        => VerifyPoolFix.CodeFixAsync(source, fixedSource, IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix.EquivalenceKey);

    private const string FixStartHead = """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_pool.TryRent(out var f))
                {
                    return true;
                }

        """;

    private const string FixStartTail = """

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
        }
        """;

    [Fact]
    public Task Fix_StartLeaks_ReturnsBeforeEachReturn() => VerifyFix(Prelude + FixStartHead + """
                if (!range.IsBlockable)
                {
                    {|NTF014:return false;|}
                }

                if (range.Owner is not null)
                    {|NTF014:return true;|}
        """ + FixStartTail, Prelude + FixStartHead + """
                if (!range.IsBlockable)
                {
                    _pool.Return(f);
                    return false;
                }

                if (range.Owner is not null)
                {
                    _pool.Return(f);
                    return true;
                }
        """ + FixStartTail);

    [Fact]
    public Task Fix_FinishEarlyReturnAndEnd_ReturnsCastFinish() => VerifyFix(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    {|NTF014:return;|}
                }

                Flush(f.Start, f.End);
            {|NTF014:}|}
        }
        """, Prelude + """
        class GpuOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (PoolFinish)finish;
                if (f.Cancelled)
                {
                    _pool.Return((PoolFinish)finish);
                    return;
                }

                Flush(f.Start, f.End);
                _pool.Return((PoolFinish)finish);
            }
        }
        """);

    [Fact]
    public Task Fix_TwoOpsTypesInOneDocument_AreFixedTogether() => VerifyFix(Prelude + """
        class FirstOps : IntervalNotifierOps
        {
            private NotifierFinishPool<PoolFinish> Pool { get; } = new NotifierFinishPool<PoolFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (Pool.TryRent(out var rented))
                {
                    if (range.Event == NotifierEvent.Release)
                    {
                        {|NTF014:return true;|}
                    }

                    finish = rented;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((PoolFinish)finish);
        }

        class SecondOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (((PoolFinish)finish).Cancelled)
                {
                    {|NTF014:return;|}
                }

                _pool.Return((PoolFinish)finish);
            }
        }
        """, Prelude + """
        class FirstOps : IntervalNotifierOps
        {
            private NotifierFinishPool<PoolFinish> Pool { get; } = new NotifierFinishPool<PoolFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (Pool.TryRent(out var rented))
                {
                    if (range.Event == NotifierEvent.Release)
                    {
                        Pool.Return(rented);
                        return true;
                    }

                    finish = rented;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Pool.Return((PoolFinish)finish);
        }

        class SecondOps : IntervalNotifierOps
        {
        """ + PooledStart + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (((PoolFinish)finish).Cancelled)
                {
                    _pool.Return((PoolFinish)finish);
                    return;
                }

                _pool.Return((PoolFinish)finish);
            }
        }
        """);

    [Fact]
    public Task Fix_PoolTheRuleCannotName_IsNotOffered() => VerifyPoolFix.NoCodeFixAsync(Prelude + """
        class Device
        {
            public NotifierFinishPool<PoolFinish> Pool = new NotifierFinishPool<PoolFinish>(2);
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<PoolFinish> _unused = new NotifierFinishPool<PoolFinish>(1);
            private readonly Device _device = new Device();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!_device.Pool.TryRent(out var f))
                {
                    return true;
                }

                if (!range.IsBlockable)
                {
                    {|NTF014:return false;|}
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _device.Pool.Return((PoolFinish)finish);
        }
        """, IntervalNotifiers.CodeFixes.NTF014ReturnToPoolCodeFix.EquivalenceKey);
}
