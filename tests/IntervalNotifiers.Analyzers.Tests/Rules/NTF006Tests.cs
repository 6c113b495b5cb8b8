using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF006FinishOnFalseReturnCodeFix>;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackFlowAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF006: InvalidateStart hands out a non-null finish on a path that returns false.</summary>
public class NTF006Tests
{
    /// <summary>Runs only NTF006 (the other flow rules of the analyzer are tested on their own).</summary>
    private static Task Verify(string source, LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        var test = new VerifyFlow.Test(languageVersion) { TestCode = source };
        test.DisabledDiagnostics.AddRange(new[] { "NTF007", "NTF008" });
        return test.RunAsync();
    }

    private static Task VerifyFix(string source, string fixedSource)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource };
        test.DisabledDiagnostics.AddRange(new[] { "NTF007", "NTF008" });
        return test.RunAsync();
    }

    private const string Prelude = """
        using System.Threading;
        using IntervalNotifiers;

        class GpuFinish : NotifierFinish
        {
            public int Fence;
        }

        """;

    // ---- flagged ----

    [Fact]
    public Task NewFinishThenReturnFalse_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                if (!range.IsBlockable && !Monitor.TryEnter(_lock))
                {
                    {|NTF006:return false;|}
                }

                notifier.SetSequence(currentSequence);
                Monitor.Exit(_lock);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FinishWithObjectInitializerThenReturnFalse_IsReported() => Verify(Prelude + """
        class Flush : NotifierFinish
        {
            public ulong Start;
            public ulong End;
        }

        class Mirror : IntervalNotifier
        {
            public Mirror(IntervalNotifierOps ops) : base(ops) { }

            public object Lock { get; } = new object();
        }

        class EagerOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var mirror = (Mirror)notifier;
                finish = new Flush { Start = range.Start, End = range.End };
                if (!range.IsBlockable)
                {
                    {|NTF006:return false;|}
                }

                lock (mirror.Lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FinishThroughLocal_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish { Fence = 3 };
                finish = f;
                if (!range.IsBlockable && _busy)
                    {|NTF006:return false;|}
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task OnlyOneOfTwoPathsClearsTheFinish_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;
            private bool _verbose;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                if (_verbose)
                {
                    finish = null;
                }

                if (!range.IsBlockable && _busy)
                {
                    {|NTF006:return false;|}
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task RentedFinishOnTheSuccessPathOfTryRent_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(4);
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (_pool.TryRent(out var rented))
                {
                    finish = rented;
                    if (!range.IsBlockable && _busy)
                    {
                        {|NTF006:return false;|}
                    }
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task ConstantFalseExpressionAndTernaryArm_AreReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private const bool Failed = false;
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                if (range.Start == 0)
                {
                    {|NTF006:return Failed;|}
                }

                {|NTF006:return _busy ? false : true;|}
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FalseReturnInsideLockAndAfterNullCheck_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private GpuFinish? _spare;
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = _spare;
                lock (_lock)
                {
                    if (finish != null && _busy)
                    {
                        {|NTF006:return false;|}
                    }
                }

                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task AbstractBaseAndGenericOpsType_AreAnalyzed() => Verify(Prelude + """
        abstract class OpsBase<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
        {
            protected bool Busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new TFinish();
                if (Busy) {|NTF006:return false;|}
                return true;
            }
        }
        """);

    [Fact]
    public Task FinishInCatchHandler_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                try
                {
                    Submit();
                }
                catch (System.InvalidOperationException)
                {
                    {|NTF006:return false;|}
                }

                return true;
            }

            private static void Submit() { }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    // The structural pre-filter (no graph when every false return directly follows 'finish = null;') must not
    // accept these: the clear is not the statement right before the return, or the return value hands out again.
    [Fact]
    public Task ClearThatDoesNotDirectlyPrecedeTheReturn_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (_busy)
                {
                    finish = new GpuFinish();
                    {|NTF006:return false;|}
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        class OtherOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!range.IsBlockable)
                {
                    finish = null;
                    {
                        finish = new GpuFinish();
                    }

                    {|NTF006:return false;|}
                }

                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    // ---- silent ----

    [Fact]
    public Task FinishClearedBeforeTheFalseReturn_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                if (!range.IsBlockable && _busy)
                {
                    finish = null;
                    return false;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FalseReturnBeforeTheFinishIsCreated_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!range.IsBlockable)
                {
                    return false;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FailedTryRent_LeavesTheFinishNull_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(1);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var rented))
                {
                    finish = null;
                    return false;
                }

                finish = rented;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task UnknownValueHandedOut_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = Create();
                if (_busy)
                {
                    return false;
                }

                return true;
            }

            private GpuFinish? Create() => _busy ? null : new GpuFinish();

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task NonConstantReturn_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _ok;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                if (range.End > 100)
                {
                    return _ok;
                }

                return Invalidate(notifier, range, currentSequence);
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FalseInsideLambdaOrLocalFunction_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                System.Func<bool> never = () => false;
                bool Local() { return false; }
                return !never() || Local() || true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task NullCheckProvesNull_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                GpuFinish? rented = null;
                if (range.IsBlockable)
                {
                    rented = new GpuFinish();
                }

                finish = rented;
                if (rented == null)
                {
                    return false;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task InvalidateWithoutFinishAndFinishCallback_AreSilent() => Verify(Prelude + """
        class CpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var unused = new GpuFinish();
                return false;
            }
        }

        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var again = new GpuFinish();
            }
        }

        class NotOps
        {
            public bool InvalidateStart(out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return false;
            }
        }
        """);

    [Theory]
    [MemberData(nameof(Versions))]
    public Task AcrossLanguageVersions_OneReportAndOneSilentPath(LanguageVersion languageVersion) => Verify("""
        using IntervalNotifiers;

        class GpuFinish : NotifierFinish { }

        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
            {
                finish = new GpuFinish();
                if (_busy)
                {
                    {|NTF006:return false;|}
                }

                if (range.Start == 1)
                {
                    finish = null;
                    return false;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, languageVersion);

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
    public Task Fix_InsertsFinishNullBeforeEachFalseReturn_FixAll() => VerifyFix(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? done)
            {
                done = new GpuFinish();
                if (_busy)
                    {|NTF006:return false;|}
                if (range.Start == 0)
                {
                    Log();
                    {|NTF006:return false;|}
                }

                return true;
            }

            private static void Log() { }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _busy;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? done)
            {
                done = new GpuFinish();
                if (_busy)
                {
                    done = null;
                    return false;
                }
                if (range.Start == 0)
                {
                    Log();
                    done = null;
                    return false;
                }

                return true;
            }

            private static void Log() { }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task Fix_IsNotOfferedForATernaryArm()
    {
        var source = Prelude + """
            class GpuOps : IntervalNotifierOps
            {
                private bool _busy;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new GpuFinish();
                    {|NTF006:return _busy ? false : true;|}
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """;
        return VerifyFix(source, source);
    }

    // ---- a false cut short by && (the prefilter and the flow agree on it) ----

    [Fact]
    public Task FinishThenReturnOfConditionalAnd_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _ready;
            private bool _idle;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                notifier.SetSequence(currentSequence);
                {|NTF006:return _ready && _idle;|}
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task ClearedFinishThenReturnOfConditionalAnd_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _ready;
            private bool _idle;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                notifier.SetSequence(currentSequence);
                if (!_ready)
                {
                    finish = null;
                    return _ready && _idle;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FinishFromADeconstructionCheckedNonNullThenReturnFalse_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private bool _ready;

            private (NotifierFinish?, bool) Prepare() => (_ready ? new GpuFinish() : null, _ready);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                bool ready;
                (finish, ready) = Prepare();
                notifier.SetSequence(currentSequence);
                if (finish != null)
                {
                    {|NTF006:return false;|}
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);
}
