using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF008AddSetSequenceCodeFix>;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackFlowAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF008: an invalidate callback returns true on a path without SetSequence.</summary>
public class NTF008Tests
{
    /// <summary>
    /// NTF008 has two descriptors (the live one and its CompilationEnd twin, docs/rules/NTF008.md): markup
    /// <c>{|NTF008:...|}</c> names the ID, and matches either.
    /// </summary>
    private const MarkupOptions SameIdTwice = MarkupOptions.UseFirstDescriptor;

    private static Task Verify(string source, LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        var test = new VerifyFlow.Test(languageVersion) { TestCode = source, MarkupOptions = SameIdTwice };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        return test.RunAsync();
    }

    private static Task Verify(string[] sources)
    {
        var test = new VerifyFlow.Test { MarkupOptions = SameIdTwice };
        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        }

        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        return test.RunAsync();
    }

    private static Task VerifyFix(string source, string fixedSource)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, MarkupOptions = SameIdTwice };
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        return test.RunAsync();
    }

    private const string Prelude = """
        using System.Threading;
        using IntervalNotifiers;

        class GpuNotifier : IntervalNotifier
        {
            public GpuNotifier(IntervalNotifierOps ops) : base(ops) { }
            public int Pages;
        }

        class GpuFinish : NotifierFinish { }

        """;

    private static string Ops(string invalidateBody, string members = "") => Prelude + $$"""
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly object _owner = new object();
            private bool _idle;
        {{members}}
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        {{invalidateBody}}
            }
        }
        """;

    /// <summary>A reader of GpuNotifier's sequence somewhere in the compilation.</summary>
    private const string GpuReader = """
        using IntervalNotifiers;

        static class GpuReader
        {
            public static int Map(GpuNotifier notifier)
            {
                ulong seq;
                do
                {
                    seq = notifier.ReadBegin();
                }
                while (notifier.ReadRetry(seq));
                return notifier.Pages;
            }
        }
        """;

    // ---- flagged ----

    [Fact]
    public Task EarlyTrueBeforeTheSetSequence_IsReported() => Verify(Ops("""
                if (_idle)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """));

    [Fact]
    public Task LambdaThatDoesNotSetTheSequence_DoesNotCount() => Verify(Ops("""
                if (_idle)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                Locked(_lock, () => _idle = true);
                {|NTF008:return true;|}
        """, Locked));

    [Fact]
    public Task LambdaThatSetsTheSequence_RunUnderTheLock_IsSilent() => Verify(Ops("""
                if (_idle)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                Locked(_lock, () => notifier.SetSequence(currentSequence));
                return true;
        """, Locked));

    /// <summary>Runs an action under a lock (KVM's mmu_lock helper, with the sequence set inside the lambda).</summary>
    private const string Locked = """
            private static void Locked(object gate, System.Action action)
            {
                lock (gate)
                {
                    action();
                }
            }
        """;

    [Fact]
    public Task ConditionalSetSequence_IsReported() => Verify(Ops("""
                lock (_lock)
                {
                    if (range.Start < 0x1000)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                }

                {|NTF008:return true;|}
        """));

    [Fact]
    public Task TwoPassStartFallbackWithoutSetSequence_IsReported() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var rented))
                {
                    finish = null;
                    Flush();
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                finish = rented;
                return true;
            }

            private void Flush() { }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task HelperCalledOnOneBranchOnly_EachOffendingLineIsReported() => Verify(Ops("""
                if (range.Start == 0)
                {
                    {|NTF008:return true;|}
                }

                if (_idle) {|NTF008:return true;|}
                SetSeqLocked(notifier, currentSequence);
                return true;
        """, """
            private void SetSeqLocked(IntervalNotifier notifier, ulong seq)
            {
                lock (_lock)
                {
                    notifier.SetSequence(seq);
                }
            }

        """));

    [Fact]
    public Task EventTestThatIsNotAnEarlyReturn_DoesNotHideAMissingCall() => Verify(Ops("""
                if (range.Event == NotifierEvent.Release)
                {
                    _idle = true;
                }

                if (_idle)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock) notifier.SetSequence(currentSequence);
                return true;
        """));

    [Fact]
    public Task NeverCalledButTheCastTypeIsRead_IsReportedAtCompilationEnd() => Verify(new[]
    {
        Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var gpu = (GpuNotifier)notifier;
                if (gpu.Pages == 0)
                {
                    {|NTF008:return true;|}
                }

                gpu.Pages = 0;
                {|NTF008:return true;|}
            }
        }

        class PatternOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (notifier is GpuNotifier gpu)
                {
                    gpu.Pages = 0;
                }

                {|NTF008:return true;|}
            }
        }
        """,
        GpuReader,
    });

    [Fact]
    public Task NeverCalledAndReadThroughADerivedType_IsReported() => Verify(new[]
    {
        Prelude + """
        class BigGpuNotifier : GpuNotifier
        {
            public BigGpuNotifier(IntervalNotifierOps ops) : base(ops) { }

            public bool Stale(ulong seq) => ReadRetry(seq);
        }

        class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                (notifier as GpuNotifier)!.Pages = 0;
                {|NTF008:return true;|}
            }
        }
        """,
    });

    [Fact]
    public Task FallbackInvalidateWithoutSetSequence_IsReportedInInvalidate() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var rented))
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                finish = rented;
                return true;
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Flush();
                {|NTF008:return true;|}
            }

            private void Flush() { }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    // ---- silent ----

    [Fact]
    public Task EarlyReturnsOnRangesTheDriverStarted_AreSilent() => Verify(Ops("""
                if (range.Owner == _owner)
                {
                    return true;
                }

                if (range.Event == NotifierEvent.Migrate && range.Owner == this)
                    return true;
                if (range is { Event: NotifierEvent.Exclusive })
                    return true;
                switch (range.Event)
                {
                    case NotifierEvent.SoftDirty:
                        return true;
                }

                var mine = ReferenceEquals(range.Owner, _owner);
                if (mine)
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """));

    [Fact]
    public Task NobodyReadsTheSequence_RadeonAndGntdev_AreSilent() => Verify(new[]
    {
        Prelude + """
        class RadeonOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var gpu = (GpuNotifier)notifier;
                gpu.Pages = 0;
                return true;
            }
        }

        class GntdevOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                return true;
            }
        }

        static class PlainReader
        {
            // A read through a plain IntervalNotifier ties to no notifier type.
            public static bool Stale(IntervalNotifier notifier, ulong seq) => notifier.ReadRetry(notifier.ReadBegin() + seq);
        }
        """,
    });

    [Fact]
    public Task ReadsOfAnotherNotifierType_AreSilent() => Verify(new[]
    {
        Prelude + """
        class OtherNotifier : IntervalNotifier
        {
            public OtherNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                ((GpuNotifier)notifier).Pages = 0;
                return true;
            }
        }

        static class OtherReader
        {
            public static ulong Begin(OtherNotifier notifier) => notifier.ReadBegin();
        }
        """,
    });

    [Fact]
    public Task SetSequenceThroughHelpers_AreSilent() => Verify(Ops("""
                if (range.Start == 0)
                {
                    SetSeqLocked(notifier, currentSequence);
                    return true;
                }

                if (_idle)
                {
                    MaybeSet(notifier, currentSequence);
                    return true;
                }

                _device.Fence(notifier, currentSequence);
                return true;
        """, """
            private readonly Device _device = new Device();

            private void SetSeqLocked(IntervalNotifier notifier, ulong seq)
            {
                lock (_lock)
                {
                    notifier.SetSequence(seq);
                }
            }

            private void MaybeSet(IntervalNotifier notifier, ulong seq)
            {
                if (range0 == 0)
                {
                    notifier.SetSequence(seq);
                }
            }

            private ulong range0;

            internal sealed class Device
            {
                public void Fence(IntervalNotifier notifier, ulong seq) => notifier.SetSequence(seq);
            }

        """));

    [Fact]
    public Task SetSequenceOnEveryTruePath_IsSilent() => Verify(Ops("""
                if (!range.IsBlockable)
                {
                    return false;
                }

                Monitor.Enter(_lock);
                try
                {
                    notifier.SetSequence(currentSequence);
                    if (_idle)
                    {
                        return true;
                    }
                }
                finally
                {
                    Monitor.Exit(_lock);
                }

                return true;
        """));

    // The structural pre-filter (no graph when one unconditional SetSequence statement precedes every return that
    // could yield true) must not accept a call in a try body that has a catch: the catch's return skips it.
    [Fact]
    public Task TrueReturnInACatchAfterTheCall_IsReported() => Verify(Ops("""
                try
                {
                    notifier.SetSequence(currentSequence);
                    _idle = false;
                }
                catch (System.InvalidOperationException)
                {
                    {|NTF008:return true;|}
                }

                return true;
        """));

    [Fact]
    public Task CallInATryFinallyBodyBeforeEveryTrueReturn_IsSilent() => Verify(Ops("""
                if (!range.IsBlockable && !Monitor.TryEnter(_lock))
                {
                    return false;
                }

                try
                {
                    notifier.SetSequence(currentSequence);
                }
                finally
                {
                    Monitor.Exit(_lock);
                }

                return _idle ? true : Check();
        """, "    private bool Check() => _idle;"));

    [Fact]
    public Task SingleFallbackJudgedByInvalidate_IsSilent() => Verify(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var rented))
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                finish = rented;
                return true;
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                _pool.Return((GpuFinish)finish);
            }
        }
        """);

    [Fact]
    public Task SetSequenceInALambdaOrLocalFunction_IsSilent() => Verify(Ops("""
                if (_idle)
                {
                    RunLocked(() => notifier.SetSequence(currentSequence));
                    return true;
                }

                if (range.Start == 0)
                {
                    void Set(IntervalNotifier n, ulong s) => n.SetSequence(s);
                    Set(notifier, currentSequence);
                    return true;
                }

                lock (_lock) notifier.SetSequence(currentSequence);
                return true;
        """, """
            private void RunLocked(System.Action action)
            {
                lock (_lock) action();
            }

        """));

    [Fact]
    public Task FinishCallbackAndFalseReturns_AreNotJudged() => Verify(Prelude + """
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

            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish.Notifier is GpuNotifier gpu)
                {
                    gpu.Pages = 0;
                }
            }
        }
        """);

    [Fact]
    public Task PartialOpsType_HelperInAnotherFile_IsFollowed() => Verify(new[]
    {
        Prelude + """
        partial class GpuOps : IntervalNotifierOps
        {
            private bool _idle;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (_idle) { {|NTF008:return true;|} }
                SetSeqLocked(notifier, currentSequence);
                return true;
            }
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            private readonly object _lock = new object();

            private void SetSeqLocked(IntervalNotifier notifier, ulong seq)
            {
                lock (_lock)
                {
                    notifier.SetSequence(seq);
                }
            }
        }
        """,
    });

    [Fact]
    public Task HalfTypedCallback_IsSilentAndDoesNotThrow() => Verify(Ops("""
                if ({|CS0103:undefinedFlag|})
                {
                    return true;
                }

                notifier.SetSequence(currentSequence);
                return true;
        """));

    [Fact]
    public Task SetSequenceInAFinally_IsSilent() => Verify(Ops("""
                try
                {
                    if (_idle)
                    {
                        return true;
                    }

                    Zap(range.Start, range.End);
                }
                finally
                {
                    lock (_lock) notifier.SetSequence(currentSequence);
                }

                return true;
        """, """
            private static void Zap(ulong start, ulong end) { }

        """));

    /// <summary>Kernel-shaped drivers (xe userptr two-pass start, test_hmm, amdgpu's trylock), all three rules on.</summary>
    [Fact]
    public Task RealisticDrivers_XeTestHmmAmdgpu_NoFlowRuleReports() => VerifyFlow.AnalyzerAsync("""
        using System;
        using System.Threading;
        using IntervalNotifiers;

        sealed class Userptr : IntervalNotifier
        {
            public Userptr(IntervalNotifierOps ops) : base(ops) { }
            public readonly object Lock = new object();
            public bool Repin;
            public bool FinishInUse;
            public UserptrFinish Embedded = new UserptrFinish();
            public bool Map()
            {
                ulong seq;
                do { seq = ReadBegin(); lock (Lock) { if (!ReadRetry(seq)) return true; } } while (true);
            }
        }

        sealed class UserptrFinish : NotifierFinish { public int Fences; }

        sealed class XeOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<UserptrFinish> _pool = new NotifierFinishPool<UserptrFinish>(1);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!range.IsBlockable)
                    return false;

                var uptr = (Userptr)notifier;
                lock (uptr.Lock)
                {
                    notifier.SetSequence(currentSequence);
                    uptr.Repin = true;
                    var signalled = StartPreemption(uptr);
                    if (signalled || !_pool.TryRent(out var f))
                    {
                        WaitAndUnmap(uptr);
                        return true;
                    }

                    f.Fences = 3;
                    finish = f;
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (UserptrFinish)finish;
                WaitAndUnmap((Userptr)f.Notifier);
                _pool.Return(f);
            }

            private static bool StartPreemption(Userptr u) => u.Repin;
            private static void WaitAndUnmap(Userptr u) { }
        }

        sealed class Mirror : IntervalNotifier
        {
            public Mirror(IntervalNotifierOps ops) : base(ops) { }
            public readonly SemaphoreSlim Mutex = new SemaphoreSlim(1);
            public object? Device;
        }

        sealed class DmirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var dmirror = (Mirror)notifier;
                if (range.Event == NotifierEvent.Migrate && range.Owner == dmirror.Device)
                    return true;

                if (range.IsBlockable)
                    dmirror.Mutex.Wait();
                else if (!dmirror.Mutex.Wait(0))
                    return false;

                notifier.SetSequence(currentSequence);
                Update(dmirror, range.Start, range.End);
                dmirror.Mutex.Release();
                return true;
            }

            private static void Update(Mirror m, ulong s, ulong e) { }
        }

        sealed class AmdOps : IntervalNotifierOps
        {
            private readonly object _notifierLock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                bool taken = false;
                try
                {
                    if (range.IsBlockable)
                        Monitor.Enter(_notifierLock, ref taken);
                    else
                        Monitor.TryEnter(_notifierLock, ref taken);
                    if (!taken)
                        return false;

                    notifier.SetSequence(currentSequence);
                    return true;
                }
                finally
                {
                    if (taken)
                        Monitor.Exit(_notifierLock);
                }
            }
        }

        static class Readers
        {
            public static void Read(Mirror m) { var s = m.ReadBegin(); m.Mutex.Wait(); m.ReadRetry(s); m.Mutex.Release(); }
        }
        """);

    [Fact]
    public Task OwnerTestedByAHelper_IsSilent() => Verify(Ops("""
                if (IsOwnMigration(range))
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """, """
            private bool IsOwnMigration(in NotifierRange range) => range.Event == NotifierEvent.Migrate && range.Owner == _owner;

        """));

    /// <summary>A helper that classifies the range, owner test included (amdkfd's SVM notifier), as members of the ops type.</summary>
    private const string ClassifyMembers = """
            private enum Reason { None, Unmap, Other }

            private Reason Classify(in NotifierRange range) => range.Event switch
            {
                NotifierEvent.Migrate when ReferenceEquals(range.Owner, _owner) => Reason.None,
                NotifierEvent.Unmap => Reason.Unmap,
                _ => Reason.Other,
            };

        """;

    /// <summary>
    /// The owner test of amdkfd's SVM notifier, ported with a classifying helper: the event and the owner are turned into a
    /// reason kept in a local, and the callback returns true early for "our own migration". A test of a local that only
    /// ever holds a value computed from the range may be such a guard: silent, as the same helper tested directly.
    /// </summary>
    [Fact]
    public Task OwnerClassifiedIntoALocal_IsSilent() => Verify(Ops("""
                Reason reason = Classify(in range);
                if (reason == Reason.None)
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """, ClassifyMembers));

    /// <summary>The same classification, switched on: directly, or through the local.</summary>
    [Fact]
    public Task SwitchOnAClassificationOfTheRange_IsSilent() => Verify(Ops("""
                Reason reason = Classify(in range);
                switch (reason)
                {
                    case Reason.None:
                        return true;
                }

                switch (Classify(in range))
                {
                    case Reason.None:
                        return true;
                    default:
                        break;
                }

                if (Classify(in range) is Reason.None)
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """, ClassifyMembers));

    [Fact]
    public Task OwnerTestedByAHelperIntoABoolLocal_IsSilent() => Verify(Ops("""
                var ours = IsOwnMigration(range);
                if (ours)
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """, """
            private bool IsOwnMigration(in NotifierRange range) => range.Event == NotifierEvent.Migrate && range.Owner == _owner;

        """));

    /// <summary>
    /// Locals that do not hold a value computed from the range as a whole, or from its Owner or Event, are judged as
    /// before: one assigned from a field, one from the range's start, a copy of the range (read as the range), one written
    /// once from the range and once from something else; and a switch on the range itself tests its properties.
    /// </summary>
    [Fact]
    public Task LocalsNotFromTheRangeOwnerOrEvent_AreReported() => Verify(Ops("""
                var idle = _idle;
                if (idle)
                {
                    {|NTF008:return true;|}
                }

                var start = range.Start;
                if (start == 0)
                {
                    {|NTF008:return true;|}
                }

                var copy = range;
                if (copy.Start == 0)
                {
                    {|NTF008:return true;|}
                }

                switch (range)
                {
                    case { Start: 0x1000 }:
                        {|NTF008:return true;|}
                }

                var mixed = IsOwnMigration(range);
                if (_idle)
                {
                    mixed = false;
                }

                if (mixed)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """, """
            private bool IsOwnMigration(in NotifierRange range) => range.Event == NotifierEvent.Migrate && range.Owner == _owner;

        """));

    /// <summary>
    /// A defensive type test of the notifier: when it is not the driver's type there is nothing of the driver's to
    /// invalidate and no reader of that type, so returning true there is not a missing SetSequence. A return after
    /// the type test succeeded is still judged.
    /// </summary>
    [Fact]
    public Task ReturnWhenTheNotifierIsNotTheDriversType_IsSilent() => Verify(Ops("""
                if (notifier is not GpuNotifier gpu)
                {
                    return true;
                }

                var again = notifier as GpuNotifier;
                if (again == null)
                {
                    return true;
                }

                if (!(notifier is GpuNotifier))
                {
                    return true;
                }

                if (again is null || _idle)
                {
                    return _idle;
                }

                if (gpu.Pages == 0)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    gpu.SetSequence(currentSequence);
                }

                return true;
        """));

    /// <summary>One ops instance for two notifier types: the arm for a notifier of neither type is not judged.</summary>
    [Fact]
    public Task SwitchOnTheNotifiersType_DefaultArm_IsSilent() => Verify(Ops("""
                switch (notifier)
                {
                    case GpuNotifier gpu when gpu.Pages == 0:
                        {|NTF008:return true;|}
                    case GpuNotifier gpu:
                        lock (_lock)
                        {
                            gpu.SetSequence(currentSequence);
                        }

                        return true;
                    default:
                        return true;
                }
        """));

    [Theory]
    [MemberData(nameof(Versions))]
    public Task AcrossLanguageVersions_OneReportAndOneExemptReturn(LanguageVersion languageVersion) => Verify(Ops("""
                if (range.Owner == _owner)
                {
                    return true;
                }

                if (_idle)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
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
    public Task Fix_InsertsTheCallUnderTheSameLock_FixAll() => VerifyFix(Ops("""
                if (_idle)
                    {|NTF008:return true;|}
                if (range.Start == 0)
                {
                    {|NTF008:return true;|}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """), Ops("""
                if (_idle)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    return true;
                }
                if (range.Start == 0)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
        """));

    [Fact]
    public Task Fix_UsesTheCallbacksParameterNames_InsideAnExistingLock() => VerifyFix(Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private bool _idle;

            public override bool Invalidate(IntervalNotifier n, in NotifierRange r, ulong seq)
            {
                lock (_lock)
                {
                    if (_idle)
                    {
                        {|NTF008:return true;|}
                    }

                    n.SetSequence(seq);
                }

                return true;
            }
        }
        """, Prelude + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private bool _idle;

            public override bool Invalidate(IntervalNotifier n, in NotifierRange r, ulong seq)
            {
                lock (_lock)
                {
                    if (_idle)
                    {
                        n.SetSequence(seq);
                        return true;
                    }

                    n.SetSequence(seq);
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task Fix_NeverCalledCase_InsertsAPlainCallBeforeEachReturn_FixAll()
    {
        var test = new VerifyFix.Test { MarkupOptions = SameIdTwice };
        test.TestState.Sources.Add(("/0/Test0.cs", Prelude + """
            class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    var gpu = (GpuNotifier)notifier;
                    if (gpu.Pages == 0)
                        {|NTF008:return true;|}
                    gpu.Pages = 0;
                    {|NTF008:return true;|}
                }
            }
            """));
        test.TestState.Sources.Add(("/0/Test1.cs", GpuReader));
        test.FixedState.Sources.Add(("/0/Test0.cs", Prelude + """
            class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    var gpu = (GpuNotifier)notifier;
                    if (gpu.Pages == 0)
                    {
                        notifier.SetSequence(currentSequence);
                        return true;
                    }
                    gpu.Pages = 0;
                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }
            """));
        test.FixedState.Sources.Add(("/0/Test1.cs", GpuReader));
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });

        // This trigger is reported at compilation end (it needs every ReadBegin/ReadRetry of the compilation):
        // a non-local diagnostic, fixable from the build's error list and by 'dotnet format', not the lightbulb.
        test.CodeFixTestBehaviors |= Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }

    // ---- a true cut short by || (the pre-filter and the flow agree on it) ----

    [Fact]
    public Task ReturnOfConditionalOrBeforeTheSetSequence_IsReported() => Verify(Ops("""
                if (_idle)
                {
                    {|NTF008:return _idle || range.Start > 0;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
        """));

    [Fact]
    public Task ReturnOfConditionalOrAfterTheSetSequence_IsSilent() => Verify(Ops("""
                notifier.SetSequence(currentSequence);
                if (_idle)
                {
                    return _idle || range.Start > 0;
                }

                return true;
        """));
}
