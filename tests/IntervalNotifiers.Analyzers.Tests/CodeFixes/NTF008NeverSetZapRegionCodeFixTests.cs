using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF008AddSetSequenceCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF008's never-called trigger (reported at compilation end) on test_hmm's shape: the mirror's mutex is reached through
/// a local of the callback, the zap runs in a region of it, and the reader elsewhere checks ReadRetry under the same
/// mutex. The fix sets the sequence at the start of the zap's region.
/// </summary>
public class NTF008NeverSetZapRegionCodeFixTests
{
    private const string Src = """
        using System.Threading;
        using IntervalNotifiers;

        public sealed class DmirrorNotifier : IntervalNotifier
        {
            public DmirrorNotifier(IntervalNotifierOps ops, Dmirror mirror) : base(ops) => Mirror = mirror;
            public Dmirror Mirror { get; }
        }

        public sealed class Dmirror
        {
            public readonly SemaphoreSlim Mutex = new(1, 1);
            public int Zapped;
        }

        public sealed class DmirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var dmirror = ((DmirrorNotifier)notifier).Mirror;
                if (!dmirror.Mutex.Wait(0))
                {
                    return false;
                }

                try
                {
                    dmirror.Zapped++;
                }
                finally
                {
                    dmirror.Mutex.Release();
                }

                RET
            }
        }

        public sealed class Fault
        {
            private readonly Dmirror _dmirror;
            private readonly DmirrorNotifier _notifier;
            public Fault(Dmirror d, DmirrorNotifier n) { _dmirror = d; _notifier = n; }
            public void Run()
            {
                var seq = _notifier.ReadBegin();
                _dmirror.Mutex.Wait();
                try
                {
                    if (_notifier.ReadRetry(seq)) return;
                }
                finally
                {
                    _dmirror.Mutex.Release();
                }
            }
        }
        """;

    [Fact]
    public Task NeverCalled_TheZapRegionThroughALocal_GetsTheSequenceAtItsStart() => VerifyZapRegion(Src);

    private static Task VerifyZapRegion(string src)
    {
        var test = new VerifyFix.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor };
        test.TestState.Sources.Add(("/0/Test0.cs", src.Replace("RET", "{|NTF008:return true;|}").Replace("EARLY", "{|NTF008:return true;|}")));
        test.FixedState.Sources.Add(("/0/Test0.cs", src.Replace("RET", "return true;").Replace("EARLY", "{|NTF008:return true;|}")
            .Replace("            dmirror.Zapped++;", "            notifier.SetSequence(currentSequence);\n            dmirror.Zapped++;")));
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        // The never-called trigger is reported at compilation end (docs/rules/NTF008.md): fixed from the build, not the lightbulb.
        test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }

    /// <summary>
    /// What <c>dotnet format</c> hands NTF008's fix after NTF007's (the realistic test_hmm port): the mutex is taken
    /// blocking in one branch and tried in the other, before the zap's region; the callback also returns early on its
    /// own migrations. The lock is given back before the return, so the sequence still goes at the start of the region.
    /// </summary>
    private const string AfterNtf007 = """
                if (range.Event == NotifierEvent.Migrate && range.Owner == dmirror)
                {
                    return true;
                }

                if (range.IsBlockable)
                {
                    dmirror.Mutex.Wait();
                }
                else if (!dmirror.Mutex.Wait(0))
                {
                    return false;
                }
        """;

    private const string TryLock = """
                if (!dmirror.Mutex.Wait(0))
                {
                    return false;
                }
        """;

    [Fact]
    public Task NeverCalled_TheLockTakenInTheBranchesOfAnIf_BeforeTheZapRegion_GetsTheSequenceAtItsStart()
        => VerifyZapRegion(Src.Replace(TryLock, AfterNtf007));

    /// <summary>The same with Monitor: <c>Monitor.Enter</c> in one branch, a failed <c>Monitor.TryEnter</c> in the other.</summary>
    [Fact]
    public Task NeverCalled_MonitorInTheBranchesOfAnIf_BeforeTheZapRegion_GetsTheSequenceAtItsStart()
        => VerifyZapRegion(Src.Replace("public readonly SemaphoreSlim Mutex = new(1, 1);", "public readonly object Mutex = new();")
                              .Replace(TryLock, AfterNtf007.Replace("dmirror.Mutex.Wait();", "Monitor.Enter(dmirror.Mutex);")
                                                           .Replace("dmirror.Mutex.Wait(0)", "Monitor.TryEnter(dmirror.Mutex)"))
                              .Replace("_dmirror.Mutex.Wait();", "Monitor.Enter(_dmirror.Mutex);")
                              .Replace("_dmirror.Mutex.Release();", "Monitor.Exit(_dmirror.Mutex);")
                              .Replace(" dmirror.Mutex.Release();", " Monitor.Exit(dmirror.Mutex);"));

    /// <summary>
    /// A return between the if that takes the lock and the try that gives it back holds the lock: no fix there (a second
    /// Wait would deadlock); the return after the region still gets its fix.
    /// </summary>
    [Fact]
    public Task NoFix_AReturnBeforeTheTryThatReleasesTheBranchesLock()
        => VerifyZapRegion(Src.Replace(TryLock, AfterNtf007 + "\n\n        if (dmirror.Zapped > 100)\n        {\n            EARLY\n        }"));
}
