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
    public Task NeverCalled_TheZapRegionThroughALocal_GetsTheSequenceAtItsStart()
    {
        var test = new VerifyFix.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor };
        test.TestState.Sources.Add(("/0/Test0.cs", Src.Replace("RET", "{|NTF008:return true;|}")));
        test.FixedState.Sources.Add(("/0/Test0.cs", Src.Replace("RET", "return true;").Replace("            dmirror.Zapped++;", "            notifier.SetSequence(currentSequence);\n            dmirror.Zapped++;")));
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        // The never-called trigger is reported at compilation end (docs/rules/NTF008.md): fixed from the build, not the lightbulb.
        test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }
}
