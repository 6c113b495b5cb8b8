using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackFlowAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF007: a callback returns false while range.IsBlockable may be true.</summary>
public class NTF007Tests
{
    private static Task Verify(string source, LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        var test = new VerifyFlow.Test(languageVersion) { TestCode = source };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF008" });
        return test.RunAsync();
    }

    private static Task VerifyFix(string source, string fixedSource)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF008" });
        return test.RunAsync();
    }

    private const string Prelude = """
        using System.Threading;
        using IntervalNotifiers;

        """;

    private static string Ops(string invalidateBody, string members = "") => Prelude + $$"""
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private bool _busy;
            private bool _dead;
        {{members}}
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        {{invalidateBody}}
            }
        }
        """;

    // ---- flagged ----

    [Fact]
    public Task TryLockWithoutBlockabilityTest_IsReported() => Verify(Ops("""
                if (!Monitor.TryEnter(_lock))
                {
                    {|NTF007:return false;|}
                }

                try { notifier.SetSequence(currentSequence); }
                finally { Monitor.Exit(_lock); }
                return true;
        """));

    [Fact]
    public Task TestInTheWrongDirection_IsReported() => Verify(Ops("""
                if (range.IsBlockable && _busy)
                    {|NTF007:return false;|}
                return true;
        """));

    [Fact]
    public Task BlockabilityTestThatDoesNotGuardTheReturn_IsReported() => Verify(Ops("""
                if (!range.IsBlockable)
                {
                    _dead = true;
                }

                if (_busy)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """));

    [Fact]
    public Task ValueFalseWheneverBlockable_IsReported() => Verify(Ops("""
                if (_dead)
                {
                    {|NTF007:return !range.IsBlockable && _busy;|}
                }

                {|NTF007:return _busy ? false : true;|}
        """));

    [Fact]
    public Task ExpressionBodiedInvalidate_IsReported() => Verify(Prelude + """
        class NullOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => {|NTF007:false|};
        }
        """);

    [Fact]
    public Task TwoPassStartAndCatchHandler_AreReported() => Verify(Prelude + """
        class GpuFinish : NotifierFinish { }

        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private bool _inUse;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                lock (_lock)
                {
                    if (_inUse)
                    {
                        {|NTF007:return false;|}
                    }

                    notifier.SetSequence(currentSequence);
                }

                try
                {
                    finish = new GpuFinish();
                }
                catch (System.OutOfMemoryException)
                {
                    {|NTF007:return false;|}
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task LocalThatIsFalseOnEveryPath_IsReported() => Verify(Ops("""
                var ok = false;
                if (range.Start > range.End)
                {
                    ok = false;
                }

                {|NTF007:return ok;|}
        """));

    // The structural pre-filter (no graph when every false return sits in a branch taken only on a non-blockable
    // range) must not take these conditions for guards.
    [Fact]
    public Task ConditionsThatDoNotExcludeABlockableRange_AreReported() => Verify(Ops("""
                if (!range.IsBlockable || _busy)
                {
                    {|NTF007:return false;|}
                }

                if (range.IsBlockable && _busy)
                {
                    _dead = true;
                }
                else
                {
                    {|NTF007:return false;|}
                }

                if (!(!range.IsBlockable && _dead))
                {
                    {|NTF007:return false;|}
                }

                return true;
        """));

    [Fact]
    public Task ThenBranchOfABlockabilityDisjunction_IsReported() => Verify(Ops("""
                if (range.IsBlockable || _busy)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """));

    [Fact]
    public Task FalseReturnInALambdaInsideTheGuard_IsNotTheCallbacksReturn() => Verify(Ops("""
                if (!range.IsBlockable)
                {
                    System.Func<bool> probe = () => false;
                    if (probe())
                    {
                        return false;
                    }
                }

                if (_busy)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """));

    // ---- silent ----

    [Fact]
    public Task GuardedByNotBlockable_IsSilent() => Verify(Ops("""
                if (!range.IsBlockable)
                    return false;
                if (!range.IsBlockable && _busy)
                    return false;
                if (range.IsBlockable)
                {
                    Monitor.Enter(_lock);
                }
                else
                {
                    return false;
                }

                notifier.SetSequence(currentSequence);
                Monitor.Exit(_lock);
                return true;
        """));

    [Fact]
    public Task FalseReturnsNestedInNotBlockableBranches_AreSilent() => Verify(Ops("""
                if (!range.IsBlockable && _busy)
                {
                    if (_dead)
                    {
                        return false;
                    }

                    for (var i = 0; i < 3; i++)
                    {
                        if (Monitor.TryEnter(_lock))
                        {
                            Monitor.Exit(_lock);
                            break;
                        }

                        if (i == 2)
                            return false;
                    }
                }

                if (_dead && !(range.IsBlockable || _busy))
                    return false;
                if (range.IsBlockable || _busy)
                {
                    notifier.SetSequence(currentSequence);
                }
                else
                {
                    return false;
                }

                return true;
        """));

    [Fact]
    public Task EarlyReturnGuard_IsSilent() => Verify(Ops("""
                if (range.IsBlockable)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }

                    return true;
                }

                return false;
        """));

    [Fact]
    public Task LocalCopiesAndFlags_AreSilent() => Verify(Ops("""
                var blockable = range.IsBlockable;
                if (!blockable && _busy)
                {
                    return false;
                }

                bool mayFail = false;
                if (!range.IsBlockable)
                {
                    mayFail = true;
                }

                if (mayFail && _dead)
                {
                    return false;
                }

                return true;
        """));

    [Fact]
    public Task TryLockInsideNotBlockableBranchAndRetryLoop_IsSilent() => Verify(Ops("""
                if (!range.IsBlockable)
                {
                    if (!Monitor.TryEnter(_lock))
                        return false;
                }
                else
                {
                    Monitor.Enter(_lock);
                }

                Monitor.Exit(_lock);
                while (!Monitor.TryEnter(_lock))
                {
                    if (!range.IsBlockable)
                    {
                        return false;
                    }

                    Thread.Yield();
                }

                Monitor.Exit(_lock);
                return true;
        """));

    [Fact]
    public Task PatternsAndReturningTheBlockability_AreSilent() => Verify(Ops("""
                if (range is { IsBlockable: false, Event: NotifierEvent.Unmap } && _busy)
                {
                    return false;
                }

                if (range.IsBlockable is false)
                {
                    return false;
                }

                if (_dead)
                {
                    return range.IsBlockable;
                }

                return true;
        """));

    [Fact]
    public Task BlockabilityDecidedByAHelperOrAFlag_IsSilent() => Verify(Ops("""
                if (!CanSleep(range))
                {
                    return false;
                }

                if (_nonBlockingMode && _busy)
                {
                    return false;
                }

                bool acquired = Monitor.TryEnter(_lock, range.IsBlockable ? Timeout.Infinite : 0);
                if (!acquired)
                {
                    return false;
                }

                Monitor.Exit(_lock);
                return true;
        """, """
            private bool _nonBlockingMode;

            private static bool CanSleep(in NotifierRange range) => range.IsBlockable;

        """));

    [Fact]
    public Task NoFalseReturn_FinishCallbackAndOtherTypes_AreSilent() => Verify(Prelude + """
        class CpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }

            private bool Helper() => false;
        }

        class NotOps
        {
            public bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => false;
        }
        """);

    [Fact]
    public Task SingleFallbackAndLambdas_AreSilent() => Verify(Prelude + """
        class GpuFinish : NotifierFinish { }

        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                System.Func<bool> never = () => false;
                if (range.Start == 0)
                {
                    return Invalidate(notifier, range, currentSequence);
                }

                finish = new GpuFinish();
                return never() || true;
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                => !range.IsBlockable ? false : true;

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task GenericAndAbstractOpsTypes_AreAnalyzed() => Verify(Prelude + """
        abstract class LockedOps<TState> : IntervalNotifierOps where TState : class
        {
            protected TState? State;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (State == null) {|NTF007:return false;|}
                if (!range.IsBlockable && !Monitor.TryEnter(State)) return false;
                return true;
            }
        }
        """);

    [Fact]
    public Task HalfTypedCallback_IsSilentAndDoesNotThrow() => Verify(Ops("""
                if ({|CS0103:undefinedFlag|})
                {
                    return false;
                }

                return true;
        """));

    [Fact]
    public Task TwoReturnsOnOneLine_OneDiagnostic() => Verify(Ops("""
                if (_busy) {|NTF007:return false;|} if (_dead) return false;
                return true;
        """));

    [Fact]
    public Task WaitsThatCannotFailOnABlockableRange_AreSilent() => Verify(Ops("""
                bool taken = false;
                try
                {
                    if (range.IsBlockable)
                    {
                        Monitor.Enter(_lock, ref taken);
                    }
                    else
                    {
                        Monitor.TryEnter(_lock, ref taken);
                    }

                    if (!taken)
                    {
                        return false;
                    }
                }
                finally
                {
                    if (taken) Monitor.Exit(_lock);
                }

                bool entered = range.IsBlockable ? _gate.Wait(Timeout.Infinite) : _gate.Wait(0);
                if (!entered)
                {
                    return false;
                }

                _gate.Release();
                return true;
        """, """
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

        """));

    /// <summary>
    /// The timeout picked by the blockability, read directly or through a local copy: infinite whenever the range
    /// can block, so the false return is reached only when it cannot. A finite timeout on both arms is still reported.
    /// </summary>
    [Fact]
    public Task TimeoutChosenByTheBlockability_IsSilent() => Verify(Ops("""
                var blockable = range.IsBlockable;
                if (!_gate.Wait(blockable ? Timeout.Infinite : 0))
                {
                    return false;
                }

                _gate.Release();
                if (!_gate.Wait(range.IsBlockable ? -1 : 0))
                {
                    return false;
                }

                _gate.Release();
                bool taken = false;
                Monitor.TryEnter(_lock, range.IsBlockable ? Timeout.Infinite : 0, ref taken);
                if (!taken)
                {
                    return false;
                }

                Monitor.Exit(_lock);
                if (!_gate.Wait(blockable ? 100 : 0))
                {
                    {|NTF007:return false;|}
                }

                _gate.Release();
                return true;
        """, """
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

        """));

    [Fact]
    public Task TryEnterWithATimeout_IsReported() => Verify(Ops("""
                bool taken = false;
                Monitor.TryEnter(_lock, 10, ref taken);
                if (!taken)
                {
                    {|NTF007:return false;|}
                }

                Monitor.Exit(_lock);
                return true;
        """));

    [Fact]
    public Task BlockabilityLoggedInAnInterpolatedString_DoesNotHideTheReturn() => Verify(Ops("""
                System.Console.WriteLine($"invalidate, blockable={range.IsBlockable}");
                for (var i = 0; i < 3 && range.IsBlockable; i++)
                {
                    Thread.Yield();
                }

                if (_busy)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """));

    [Fact]
    public Task RangeHandedToOtherCode_SilencesOnlyTheReturnsAfterIt() => Verify(Ops("""
                if (_busy)
                {
                    {|NTF007:return false;|}
                }

                Prepare(range);
                if (_dead)
                {
                    return false;
                }

                return true;
        """, """
            private void Prepare(in NotifierRange range) => _dead = !range.IsBlockable;

        """));

    [Theory]
    [MemberData(nameof(Versions))]
    public Task AcrossLanguageVersions_OneReportAndOneSilentReturn(LanguageVersion languageVersion) => Verify(Ops("""
                if (!range.IsBlockable && _dead)
                {
                    return false;
                }

                if (_busy)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """), languageVersion);

    public static TheoryData<LanguageVersion> Versions()
    {
        var data = new TheoryData<LanguageVersion>();
        foreach (var version in NotifierTestState.LanguageVersions)
        {
            data.Add(version);
        }

        return data;
    }

    // ---- code fix ----

    [Fact]
    public Task Fix_ExtendsThePlainCondition_FixAll() => VerifyFix(Ops("""
                if (_busy)
                    {|NTF007:return false;|}
                if (_dead || range.Start == 0)
                {
                    {|NTF007:return false;|}
                }

                return true;
        """), Ops("""
                if (!range.IsBlockable && _busy)
                    return false;
                if (!range.IsBlockable && (_dead || range.Start == 0))
                {
                    return false;
                }

                return true;
        """));

    [Fact]
    public Task Fix_IsNotOfferedWhenTheConditionCallsOrTheReturnIsBare()
    {
        var source = Ops("""
                if (!Reserve())
                {
                    {|NTF007:return false;|}
                }

                if (_dead)
                {
                    if (_busy) throw new System.InvalidOperationException("dead while busy");
                    {|NTF007:return false;|}
                }

                {|NTF007:return false;|}
        """, """
            private bool Reserve() => !_busy;

        """);
        return VerifyFix(source, source);
    }
}
