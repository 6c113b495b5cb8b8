using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackCallsAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF011: Remove() called from an ops callback or from a helper that is part of one.</summary>
public class NTF011Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task RemoveInInvalidate_IsReportedOnTheInvocation() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    notifier.Remove();
                }

                return true;
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF011).WithSpan(9, 13, 9, 30).WithArguments("Invalidate"));

    [Fact]
    public Task RemoveAsyncWaitedInInvalidate_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    {|NTF011:notifier.RemoveAsync()|}.AsTask().Wait();
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task RemoveInInvalidateStart_NamesTheStart() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.Remove();
                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, Verify.Diagnostic(Descriptors.NTF011).WithSpan(7, 9, 7, 26).WithArguments("InvalidateStart"));

    [Fact]
    public Task RemoveInInvalidateFinish_IsReported() => Verify.AnalyzerAsync("""
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
                {|NTF011:finish.Notifier.Remove()|};
            }
        }
        """);

    [Fact]
    public Task RemoveInAPrivateHelperOfTheCallback_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Teardown(notifier);
                return true;
            }

            private static void Teardown(IntervalNotifier notifier)
            {
                {|NTF011:notifier.Remove()|};
            }
        }
        """);

    [Fact]
    public Task RemovingAnotherNotifierFromACallback_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _shadow;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:_shadow?.Remove()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task RemoveInALocalFunctionCalledByTheCallback_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Drop();
                return true;

                void Drop() => {|NTF011:notifier.Remove()|};
            }
        }
        """);

    [Fact]
    public Task HelperInAnotherPartialFile_IsReported() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Forget(notifier);
                return true;
            }
        }
        """,
        """
        using IntervalNotifiers;

        partial class MirrorOps
        {
            private void Forget(IntervalNotifier notifier) => {|NTF011:notifier.Remove()|};
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task GenericOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class DeviceOps<TDevice> : IntervalNotifierOps where TDevice : class
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:notifier.Remove()|};
                return true;
            }
        }
        """);

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task RemoveInCallback_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class MirrorOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    {|NTF011:notifier.Remove()|};
                    return true;
                }

                public void Dispose(IntervalNotifier notifier)
                {
                    notifier.Remove();
                }
            }
        }
        """, version);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task RemoveInAPublicMethodOfTheOpsType_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly IntervalNotifier _notifier;

            public MirrorOps() => _notifier = new IntervalNotifier(this);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public void Dispose() => _notifier.Remove();
        }
        """);

    [Fact]
    public Task RemoveOutsideOpsTypes_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifierOps ops, AddressSpace space)
            {
                _notifier = new IntervalNotifier(ops);
                _notifier.Insert(space, 0, 4096);
            }

            public void Close() => _notifier.Remove();
        }
        """);

    [Fact]
    public Task RemoveInALambdaQueuedByTheCallback_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    ThreadPool.QueueUserWorkItem(_ => notifier.Remove());
                }

                return true;
            }
        }
        """);

    // A helper also called from outside the callbacks is not part of them, so the Remove inside it is not
    // reported; the callback still reaches it through the call (docs/contract.md#calls-followed-through-source),
    // which is reported instead (NTF011ThroughCallsTests; before calls were followed, this case was silent).
    [Fact]
    public Task HelperAlsoCalledOutsideTheCallbacks_IsReportedOnTheCallNotInsideTheHelper() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Unmap)
                {
                    {|NTF011:Drop()|};
                }

                return true;
            }

            public void Dispose() => Drop();

            private void Drop() => _notifier?.Remove();
        }
        """);

    [Fact]
    public Task HelperMadeIntoADelegate_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;
            public Action? OnClose;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                OnClose = Drop;
                return true;
            }

            private void Drop() => _notifier?.Remove();
        }
        """);

    [Fact]
    public Task OtherRemoveMethodsInACallback_AreSilent() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly List<ulong> _pages = new List<ulong>();
            private readonly Dictionary<ulong, int> _map = new Dictionary<ulong, int>();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _pages.Remove(range.Start);
                _map.Remove(range.Start);
                return true;
            }
        }
        """);

    [Fact]
    public Task LocalFunctionMadeIntoADelegate_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                ThreadPool.QueueUserWorkItem(Drop);
                return true;

                void Drop(object? state) => notifier.Remove();
            }
        }
        """);

    [Fact]
    public Task InternalHelperCalledFromDispose_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public void Dispose() => Detach();

            internal void Detach() => _notifier?.Remove();
        }
        """);

    [Fact]
    public Task RemoveInTheOpsConstructorOrAProperty_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;

            public MirrorOps(IntervalNotifier? previous)
            {
                previous?.Remove();
            }

            public IntervalNotifier? Notifier
            {
                get => _notifier;
                set
                {
                    _notifier?.Remove();
                    _notifier = value;
                }
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }
        """);
}
