using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer>;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF001AddInvalidateFinishCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF001: an ops type overrides InvalidateStart but not InvalidateFinish.</summary>
public class NTF001Tests
{
    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task StartWithoutFinish_IsReportedOnTheIdentifier() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task MessageNamesTheType() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF001).WithSpan(3, 7, 3, 13).WithArguments("GpuOps"));

    [Fact]
    public Task SealedTypeWithSealedStart_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task GenericOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:DeviceOps|}<TDevice> : IntervalNotifierOps where TDevice : class
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task ConcreteSubclassesOfAnAbstractBase_AreEachReported_TheBaseIsNot() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FlushOpsBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }

        sealed class {|NTF001:GpuOps|} : FlushOpsBase { }

        sealed class {|NTF001:NicOps|} : FlushOpsBase { }
        """);

    [Fact]
    public Task GenericAbstractBase_ConstructedSubclassIsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FlushOpsBase<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new TFinish();
                return true;
            }
        }

        sealed class GpuFinish : NotifierFinish { }

        sealed class {|NTF001:GpuOps|} : FlushOpsBase<GpuFinish> { }
        """);

    [Fact]
    public Task ConcreteBaseAndConcreteSubclass_AreBothReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }

        sealed class {|NTF001:FastGpuOps|} : GpuOps { }
        """);

    [Fact]
    public Task NestedOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Driver
        {
            private sealed class {|NTF001:MirrorOps|} : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
        }
        """);

    [Fact]
    public Task HidingInvalidateFinishWithNew_IsNotAnOverride() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public new void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task PartialTypeInOneFile_IsReportedOnceOnTheFirstPart() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        partial class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
        }

        partial class GpuOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task PartialTypeInTwoFiles_IsReportedOnceOnTheFirstFile() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            private readonly object _lock = new object();
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                lock (_lock)
                {
                    finish = new NotifierFinish();
                }

                return true;
            }
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task StartDeclaredInMetadataBase_ConcreteSourceSubclassIsReported()
    {
        var library = CompileLibrary("""
            using IntervalNotifiers;

            public abstract class LibraryFlushOps : IntervalNotifierOps
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
                sealed class {|NTF001:GpuOps|} : LibraryFlushOps { }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task StartWithoutFinish_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }

            abstract class QuietBase : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
        }
        """, version);

    // ------------------------------------------------------------------ silent

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
    public Task AbstractOpsTypeWithStartOnly_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FlushOpsBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task BaseAlreadyOverridesFinish_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FinishingOps : IntervalNotifierOps
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class GpuOps : FinishingOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task SubclassOverridingOnlyTheStartOfACompleteBase_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public sealed override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class FastGpuOps : GpuOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return base.InvalidateStart(notifier, range, currentSequence, out finish);
            }
        }
        """);

    [Fact]
    public Task AbstractFinishImplementedByTheConcreteType_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class FlushOpsBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public abstract override void InvalidateFinish(NotifierFinish finish);
        }

        sealed class GpuOps : FlushOpsBase
        {
            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task SinglePassOps_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
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
        }
        """);

    [Fact]
    public Task FinishInAnotherPartialFile_IsSilent() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
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
    public Task GenericTypeWithBothPasses_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class PooledOps<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
        {
            private readonly NotifierFinishPool<TFinish> _pool = new NotifierFinishPool<TFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = _pool.TryRent(out var rented) ? rented : null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((TFinish)finish);
        }
        """);

    [Fact]
    public Task FinishDeclaredInMetadataBase_IsSilent()
    {
        var library = CompileLibrary("""
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

                sealed class GpuOps : LibraryFinishingOps
                {
                    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                    {
                        finish = new NotifierFinish();
                        return true;
                    }
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(library);
        return test.RunAsync();
    }

    [Fact]
    public Task MethodsNamedLikeCallbacksOutsideAnOpsType_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Recorder
        {
            public bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return true;
            }
        }
        """);

    [Fact]
    public Task GeneratedCode_IsSilent() => Verify.AnalyzerAsync("""
        // <auto-generated/>
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task NoRuntimeReference_NothingIsReported()
    {
        var test = new Verify.Test(LanguageVersion.Latest, withRuntime: false)
        {
            TestCode = """
                abstract class IntervalNotifierOps
                {
                    public virtual bool InvalidateStart(object notifier, out object finish) { finish = null; return true; }
                }

                sealed class GpuOps : IntervalNotifierOps
                {
                    public override bool InvalidateStart(object notifier, out object finish) { finish = new object(); return true; }
                }
                """,
        };
        return test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task CompleteTwoPassOps_IsSilentInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class FlushFinish : NotifierFinish
            {
                public int Fence;
            }

            abstract class TwoPassBase : IntervalNotifierOps
            {
                public sealed override void InvalidateFinish(NotifierFinish finish)
                {
                    Wait(((FlushFinish)finish).Fence);
                }

                protected abstract void Wait(int fence);
            }

            sealed class GpuOps : TwoPassBase
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    var flush = new FlushFinish();
                    flush.Fence = 1;
                    finish = flush;
                    return true;
                }

                protected override void Wait(int fence) { }
            }
        }
        """, version);

    // ------------------------------------------------------------------ fix: add InvalidateFinish

    [Fact]
    public Task AddFinish_IsPlacedAfterTheStart() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            private void Flush() { }
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

            public override void InvalidateFinish(NotifierFinish finish)
            {
                throw new System.NotImplementedException("GpuOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
            }

            private void Flush() { }
        }
        """, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

    [Fact]
    public Task AddFinish_FixAllCoversEveryTypeOfTheDocument() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        abstract class FlushBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }

        sealed class {|NTF001:GpuOps|} : FlushBase
        {
        }

        sealed class {|NTF001:NicOps|} : FlushBase
        {
            private int _count;
        }
        """, """
        using IntervalNotifiers;

        abstract class FlushBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }

        sealed class GpuOps : FlushBase
        {
            public override void InvalidateFinish(NotifierFinish finish)
            {
                throw new System.NotImplementedException("GpuOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
            }
        }

        sealed class NicOps : FlushBase
        {
            private int _count;

            public override void InvalidateFinish(NotifierFinish finish)
            {
                throw new System.NotImplementedException("NicOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

    [Fact]
    public Task AddFinish_AddsTheUsingWhenTheFileLacksIt()
    {
        var test = new VerifyFix.Test { CodeActionEquivalenceKey = NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey };
        test.TestState.Sources.Add(("/0/Base.cs", """
            using IntervalNotifiers;

            public abstract class FlushBase : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
            """));
        test.TestState.Sources.Add(("/0/Gpu.cs", """
            using System;

            sealed class {|NTF001:GpuOps|} : FlushBase
            {
            }
            """));
        test.FixedState.Sources.Add(("/0/Base.cs", test.TestState.Sources[0].content.ToString()));
        test.FixedState.Sources.Add(("/0/Gpu.cs", """
            using System;
            using IntervalNotifiers;

            sealed class GpuOps : FlushBase
            {
                public override void InvalidateFinish(NotifierFinish finish)
                {
                    throw new NotImplementedException("GpuOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task AddFinish_GoesNextToTheStartInAnotherPartialFile()
    {
        var test = new VerifyFix.Test { CodeActionEquivalenceKey = NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey };
        test.TestState.Sources.Add(("/0/Test0.cs", """
            sealed partial class {|NTF001:GpuOps|} : IntervalNotifiers.IntervalNotifierOps
            {
            }
            """));
        test.TestState.Sources.Add(("/0/Test1.cs", """
            using IntervalNotifiers;

            partial class GpuOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
            """));
        test.FixedState.Sources.Add(("/0/Test0.cs", test.TestState.Sources[0].content.ToString().Replace("{|NTF001:GpuOps|}", "GpuOps")));
        test.FixedState.Sources.Add(("/0/Test1.cs", """
            using IntervalNotifiers;

            partial class GpuOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    throw new System.NotImplementedException("GpuOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
                }
            }
            """));
        return test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task AddFinish_WorksInEveryLanguageVersion(LanguageVersion version) => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
        }
        """, """
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    throw new System.NotImplementedException("GpuOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
                }
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey, version);

    // ------------------------------------------------------------------ fix: turn the start into Invalidate

    [Fact]
    public Task StartThatNeverHandsOutAFinish_BecomesInvalidate() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:MirrorOps|} : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool InvalidateStart(IntervalNotifier mirror, in NotifierRange range, ulong seq, out NotifierFinish? finish)
            {
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }

                lock (_lock)
                {
                    mirror.SetSequence(seq);
                }

                finish = default;
                return true;
            }
        }
        """, """
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier mirror, in NotifierRange range, ulong seq)
            {
                if (!range.IsBlockable)
                {
                    return false;
                }

                lock (_lock)
                {
                    mirror.SetSequence(seq);
                }

                return true;
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartFallingBackToTheBaseInvalidate_CallsTheBaseAfterTheFix() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }

        sealed class {|NTF001:LoggingMirrorOps|} : MirrorOps
        {
            public int Calls;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                Calls++;
                finish = null;
                return Invalidate(notifier, range, currentSequence);
            }
        }
        """, """
        using IntervalNotifiers;

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }

        sealed class LoggingMirrorOps : MirrorOps
        {
            public int Calls;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Calls++;
                return base.Invalidate(notifier, range, currentSequence);
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartToInvalidate_FixAllCoversEveryType() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:AOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return true;
            }
        }

        sealed class {|NTF001:BOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = null;
                return true;
            }
        }
        """, """
        using IntervalNotifiers;

        sealed class AOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                return true;
            }
        }

        sealed class BOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartThatHandsOutAFinish_IsNotTurnedIntoInvalidate() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!range.IsBlockable)
                {
                    finish = null;
                    return false;
                }

                finish = new NotifierFinish();
                return true;
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartThatRentsItsFinish_IsNotTurnedIntoInvalidate() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish { }

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _pool = new NotifierFinishPool<FlushFinish>(1);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (_pool.TryRent(out var rented))
                {
                    finish = rented;
                }

                return true;
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartDeclaredInABase_IsNotTurnedIntoInvalidate() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        abstract class QuietBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return true;
            }
        }

        sealed class {|NTF001:GpuOps|} : QuietBase
        {
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartBesideAnInvalidateOfTheSameType_IsNotTurnedIntoInvalidate() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                return Invalidate(notifier, range, currentSequence);
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    [Fact]
    public Task StartAssigningTheFinishOutsideABlock_IsNotTurnedIntoInvalidate() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                switch (range.Event)
                {
                    case NotifierEvent.Release:
                        finish = null;
                        return true;
                    default:
                        finish = null;
                        return true;
                }
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);

    public static IEnumerable<object[]> LanguageVersions()
    {
        foreach (var version in NotifierTestState.LanguageVersions)
        {
            yield return new object[] { version };
        }
    }

    /// <summary>Compiles <paramref name="source"/> against the runtime into an in-memory assembly (a metadata base type).</summary>
    internal static MetadataReference CompileLibrary(string source)
    {
        var compilation = CSharpCompilation.Create(
            "DriverLibrary",
            new[] { CSharpSyntaxTree.ParseText(source) },
            new List<MetadataReference>(NotifierTestState.FrameworkReferences) { NotifierTestState.Runtime },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
