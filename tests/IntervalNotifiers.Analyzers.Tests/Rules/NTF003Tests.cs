using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF003: an ops type overrides neither Invalidate nor InvalidateStart.</summary>
public class NTF003Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task EmptyOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
        }
        """, Verify.Diagnostic(Descriptors.NTF003).WithSpan(3, 14, 3, 20).WithArguments("GpuOps"));

    [Fact]
    public Task OpsTypeWithOtherMembersOnly_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF003:GpuOps|} : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public bool Invalidate(IntervalNotifier notifier) => true;

            public override string ToString() => "gpu";
        }
        """);

    [Fact]
    public Task ConcreteSubclassOfAnEmptyAbstractBase_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class DeviceOps : IntervalNotifierOps
        {
            protected abstract void Flush();
        }

        sealed class {|NTF003:GpuOps|} : DeviceOps
        {
            protected override void Flush() { }
        }
        """);

    [Fact]
    public Task GenericOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF003:DeviceOps|}<TDevice> : IntervalNotifierOps
        {
            public TDevice? Device { get; set; }
        }
        """);

    [Fact]
    public Task PartialTypeInTwoFiles_IsReportedOnceOnTheFirstFile() => Verify.AnalyzerAsync(new[]
    {
        """
        sealed partial class {|NTF003:GpuOps|} : IntervalNotifiers.IntervalNotifierOps
        {
        }
        """,
        """
        partial class GpuOps
        {
            private int _flushes;
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task NestedOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class Driver
        {
            internal sealed class {|NTF003:Ops|} : IntervalNotifierOps { }
        }
        """);

    [Fact]
    public Task FinishOnly_IsReportedWithNTF005() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF003:{|NTF005:GpuOps|}|} : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task EmptyOpsType_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            class {|NTF003:GpuOps|} : IntervalNotifierOps { }

            abstract class Quiet : IntervalNotifierOps { }
        }
        """, version);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task AbstractOpsType_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class DeviceOps : IntervalNotifierOps
        {
            protected abstract void Flush();
        }
        """);

    [Fact]
    public Task InvalidateOnly_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """);

    [Fact]
    public Task InvalidateInheritedFromBase_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class MirrorBase : IntervalNotifierOps
        {
            public sealed override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Unmap(range.Start, range.End);
                return true;
            }

            protected abstract void Unmap(ulong start, ulong end);
        }

        sealed class GpuMirror : MirrorBase
        {
            protected override void Unmap(ulong start, ulong end) { }
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
    public Task InvalidateInAnotherPartialFile_IsSilent() => Verify.AnalyzerAsync(new[]
    {
        """
        sealed partial class GpuOps : IntervalNotifiers.IntervalNotifierOps
        {
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task InvalidateFromAMetadataBase_IsSilent()
    {
        var library = NTF001Tests.CompileLibrary("""
            using IntervalNotifiers;

            public abstract class LibraryMirrorOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
            }
            """);
        var test = new Verify.Test { TestCode = "sealed class GpuMirror : LibraryMirrorOps { }" };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Fact]
    public Task ClassesThatAreNotOpsTypes_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuNotifier : IntervalNotifier
        {
            public GpuNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        sealed class GpuFinish : NotifierFinish { }
        """);

    [Fact]
    public Task GeneratedCode_IsSilent() => Verify.AnalyzerAsync("""
        // <auto-generated/>
        sealed class GeneratedOps : IntervalNotifiers.IntervalNotifierOps { }
        """);
}
