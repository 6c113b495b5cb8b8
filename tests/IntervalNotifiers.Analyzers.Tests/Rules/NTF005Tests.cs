using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF005: an ops type overrides InvalidateFinish but not InvalidateStart.</summary>
public class NTF005Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task InvalidateAndFinish_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, Verify.Diagnostic(Descriptors.NTF005).WithSpan(3, 14, 3, 20).WithArguments("GpuOps"));

    [Fact]
    public Task FinishInheritedFromAnAbstractBase_ConcreteTypeIsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FinishingBase : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class {|NTF005:MirrorOps|} : FinishingBase
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """);

    [Fact]
    public Task SealedFinishInGenericType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class {|NTF005:DeviceOps|}<TDevice> : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public sealed override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task PartialTypeInTwoFiles_IsReportedOnceOnTheFirstFile() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class {|NTF005:GpuOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task NestedOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Driver
        {
            private sealed class {|NTF005:Ops|} : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
        }
        """);

    [Fact]
    public Task FinishFromAMetadataBase_IsReported()
    {
        var library = NTF001Tests.CompileLibrary("""
            using IntervalNotifiers;

            public abstract class LibraryFinishingOps : IntervalNotifierOps
            {
                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """);
        var test = new Verify.Test
        {
            TestCode = """
                using IntervalNotifiers;

                sealed class {|NTF005:MirrorOps|} : LibraryFinishingOps
                {
                    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task FinishWithoutStart_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF005:GpuOps|} : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { return true; }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }

            abstract class QuietBase : IntervalNotifierOps
            {
                public override void InvalidateFinish(NotifierFinish finish) { }
            }
        }
        """, version);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task AbstractTypeWithFinishOnly_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FinishingBase : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task StartAndFinish_IsSilent() => Verify.AnalyzerAsync("""
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
    public Task StartInSubclassOfAFinishingBase_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FinishingBase : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class GpuOps : FinishingBase
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task StartInAnotherPartialFile_IsSilent() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class GpuOps : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
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
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task StartInMetadataBase_IsSilent()
    {
        var library = NTF001Tests.CompileLibrary("""
            using IntervalNotifiers;

            public abstract class LibraryStartingOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
            """);
        var test = new Verify.Test
        {
            TestCode = """
                using IntervalNotifiers;

                sealed class GpuOps : LibraryStartingOps
                {
                    public override void InvalidateFinish(NotifierFinish finish) { }
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Fact]
    public Task HidingFinishWithNew_IsNotAnOverride() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public new void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task SinglePassOps_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """);

    [Fact]
    public Task FinishNamedMethodOutsideOpsTypes_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Flusher
        {
            public void InvalidateFinish(NotifierFinish finish) { }
        }
        """);
}
