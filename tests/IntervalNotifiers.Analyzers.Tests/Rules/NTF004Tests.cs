using System.Collections.Generic;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer>;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF004RemoveDeadInvalidateCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF004: an ops type overrides both Invalidate and InvalidateStart, and the start never falls back to Invalidate.</summary>
public class NTF004Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task BothCallbacks_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, Verify.Diagnostic(Descriptors.NTF004).WithSpan(3, 14, 3, 20).WithArguments("GpuOps"));

    [Fact]
    public Task InvalidateInBaseStartInSubclass_SubclassIsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }

        sealed class {|NTF004:TwoPassMirrorOps|} : MirrorOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task StartInAbstractBaseInvalidateInConcreteType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class TwoPassBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class {|NTF004:GpuOps|} : TwoPassBase
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """);

    [Fact]
    public Task BaseInvalidateCallToTheOpsDefault_DoesNotReachTheOwnOverride() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return base.Invalidate(notifier, range, currentSequence);
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task InvalidateOfAnotherObject_IsNotTheFallback() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            private readonly Tlb _tlb = new Tlb();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                _tlb.Flush(range.Start);
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class Tlb
        {
            public void Flush(ulong address) { }
        }
        """);

    [Fact]
    public Task PartialTypeInTwoFiles_IsReportedOnceOnTheFirstFile() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """,
    }, LanguageVersion.Latest);

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task BothCallbacks_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF004:GpuOps|}<T> : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { return true; }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }

            sealed class FallbackOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { return true; }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
        }
        """, version);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task StartReturningInvalidateAsFallback_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish { }

        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(4);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var rented))
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                finish = rented;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((FlushFinish)finish);
        }
        """);

    [Fact]
    public Task StartCallingThisInvalidate_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                var done = this.Invalidate(notifier, range, currentSequence);
                return done;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task StartFallingBackThroughAHelper_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return SinglePass(notifier, range, currentSequence);
            }

            private bool SinglePass(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                => Invalidate(notifier, range, currentSequence);

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task BaseInvalidateReachingTheBaseOverride_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }

        sealed class TwoPassMirrorOps : MirrorOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return base.Invalidate(notifier, range, currentSequence);
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task StartInMetadataBase_IsSilent()
    {
        var library = NTF001Tests.CompileLibrary("""
            using IntervalNotifiers;

            public abstract class LibraryTwoPassOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = null;
                    return Invalidate(notifier, range, currentSequence);
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """);
        var test = new Verify.Test
        {
            TestCode = """
                using IntervalNotifiers;

                sealed class GpuOps : LibraryTwoPassOps
                {
                    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Fact]
    public Task AbstractTypeWithBoth_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class GpuOpsBase : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task StartOnly_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task FallbackInAnotherPartialFile_IsSilent() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return Fallback(notifier, range, currentSequence);
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            private bool Fallback(IntervalNotifier notifier, NotifierRange range, ulong currentSequence) => Invalidate(notifier, range, currentSequence);
        }
        """,
    }, LanguageVersion.Latest);

    // ------------------------------------------------------------------ fix

    [Fact]
    public Task RemoveDeadInvalidate_RemovesTheOverride() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            /// <summary>Never called.</summary>
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, """
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, NTF004RemoveDeadInvalidateCodeFix.RemoveDeadInvalidateKey);

    [Fact]
    public Task RemoveDeadInvalidate_FixAllCoversEveryType() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        abstract class TwoPassBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class {|NTF004:GpuOps|} : TwoPassBase
        {
            public int Flushes;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }

        sealed class {|NTF004:NicOps|} : TwoPassBase
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public int Flushes;
        }
        """, """
        using IntervalNotifiers;

        abstract class TwoPassBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class GpuOps : TwoPassBase
        {
            public int Flushes;
        }

        sealed class NicOps : TwoPassBase
        {
            public int Flushes;
        }
        """, NTF004RemoveDeadInvalidateCodeFix.RemoveDeadInvalidateKey);

    [Fact]
    public Task InvalidateCalledFromElsewhere_IsNotRemoved() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        static class Diagnostics
        {
            public static bool Probe(GpuOps ops, IntervalNotifier notifier) => ops.Invalidate(notifier, new NotifierRange(0, 4096), 1);
        }
        """, NTF004RemoveDeadInvalidateCodeFix.RemoveDeadInvalidateKey);

    [Fact]
    public Task InvalidateDeclaredInABase_IsNotRemoved() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }

        sealed class {|NTF004:TwoPassMirrorOps|} : MirrorOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, NTF004RemoveDeadInvalidateCodeFix.RemoveDeadInvalidateKey);
}
