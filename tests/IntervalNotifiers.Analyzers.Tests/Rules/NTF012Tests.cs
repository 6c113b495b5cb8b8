using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackCallsAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF012: SetSequence called outside an invalidate callback (Invalidate, InvalidateStart and their helpers).</summary>
public class NTF012Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task SetSequenceInInvalidateFinish_IsReportedOnTheInvocation() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class SeqFinish : NotifierFinish
        {
            public ulong Sequence;
        }

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new SeqFinish { Sequence = currentSequence };
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                finish.Notifier.SetSequence(((SeqFinish)finish).Sequence);
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF012).WithSpan(18, 9, 18, 66));

    [Fact]
    public Task SetSequenceInAPrivateHelperOfTheFinish_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class SeqFinish : NotifierFinish
        {
            public ulong Sequence;
        }

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new SeqFinish { Sequence = currentSequence };
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Publish((SeqFinish)finish);

            private static void Publish(SeqFinish finish) => {|NTF012:finish.Notifier.SetSequence(finish.Sequence)|};
        }
        """);

    [Fact]
    public Task SetSequenceSpelledWithAUnicodeEscape_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Reader
        {
            // The name is spelled with an escape: the analyzer's source-text pre-filter must not skip the type.
            public void Bump(IntervalNotifier notifier) => {|NTF012:notifier.SetSequ\u0065nce(notifier.ReadBegin() + 2)|};
        }
        """);

    [Fact]
    public Task SetSequenceInAPublicMethodOfTheOpsType_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private ulong _last;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                _last = currentSequence;
                return true;
            }

            public void Replay(IntervalNotifier notifier) => {|NTF012:notifier.SetSequence(_last)|};
        }
        """);

    [Fact]
    public Task SetSequenceOnTheReadSide_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly object _lock = new object();
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Map()
            {
                var seq = _notifier.ReadBegin();
                lock (_lock)
                {
                    if (_notifier.ReadRetry(seq))
                    {
                        {|NTF012:_notifier.SetSequence(seq + 2)|};
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PrivateHelperCalledOnlyFromPublicCode_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private IntervalNotifier? _notifier;
            private ulong _seq = 1;

            public void Reset() => Bump();

            private void Bump() => {|NTF012:_notifier?.SetSequence(_seq)|};
        }
        """);

    [Fact]
    public Task SetSequenceInAConstructor_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            public Mirror(IntervalNotifier notifier)
            {
                {|NTF012:notifier.SetSequence(1)|};
            }
        }
        """);

    [Fact]
    public Task SetSequenceInALocalFunctionOfTheFinish_IsReported() => Verify.AnalyzerAsync("""
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
                Publish(3);

                void Publish(ulong sequence) => {|NTF012:finish.Notifier.SetSequence(sequence)|};
            }
        }
        """);

    [Fact]
    public Task FinishHelperInAnotherPartialFile_IsReported() => Verify.AnalyzerAsync(new[]
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

            public override void InvalidateFinish(NotifierFinish finish) => Publish(finish.Notifier);
        }
        """,
        """
        using IntervalNotifiers;

        partial class GpuOps
        {
            private ulong _seq;

            private void Publish(IntervalNotifier notifier) => {|NTF012:notifier.SetSequence(_seq)|};
        }
        """,
    }, LanguageVersion.Latest);

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task SetSequenceInFinish_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifierOps
            {
                private ulong _seq;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    notifier.SetSequence(currentSequence);
                    _seq = currentSequence;
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    {|NTF012:finish.Notifier.SetSequence(_seq)|};
                }
            }
        }
        """, version);

    // A type registers nothing when every SetSequence it spells is inside its own invalidate callbacks: a method that
    // only shares the name (an overload, or an override of another base's Invalidate) must not count as one.
    [Fact]
    public Task SetSequenceInMethodsNamedLikeTheCallbacks_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public void Invalidate(IntervalNotifier notifier)
            {
                {|#0:notifier.SetSequence(1)|};
            }
        }

        abstract class Cache
        {
            public abstract void Invalidate(IntervalNotifier notifier);
        }

        sealed class PageCache : Cache
        {
            public override void Invalidate(IntervalNotifier notifier)
            {
                {|#1:notifier.SetSequence(2)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF012).WithLocation(0), Verify.Diagnostic(Descriptors.NTF012).WithLocation(1));

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task SetSequenceInInvalidateAndInTheStart_IsSilent() => Verify.AnalyzerAsync("""
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

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task PrivateHelpersOfTheInvalidateCallback_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private ulong _pending;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _pending = currentSequence;
                Zap(notifier);
                return true;
            }

            private void Zap(IntervalNotifier notifier)
            {
                lock (_lock)
                {
                    Mark(notifier);
                }
            }

            private void Mark(IntervalNotifier notifier) => notifier.SetSequence(_pending);
        }
        """);

    [Fact]
    public Task LambdaInsideTheInvalidateCallback_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var seq = currentSequence;
                Locked(() => notifier.SetSequence(seq));
                return true;
            }

            private void Locked(Action action)
            {
                lock (_lock)
                {
                    action();
                }
            }
        }
        """);

    [Fact]
    public Task InternalMethodOfANonOpsClass_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class NotifierLock
        {
            private readonly object _lock = new object();
            private ulong _seq;

            internal void Publish(IntervalNotifier notifier)
            {
                lock (_lock)
                {
                    notifier.SetSequence(_seq);
                }
            }
        }
        """);

    [Fact]
    public Task SharedHelperHandingOnTheCallersSequence_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        public sealed class NotifierLock
        {
            private readonly object _lock = new object();

            public void SetSequenceLocked(IntervalNotifier notifier, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly NotifierLock _lock = new NotifierLock();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _lock.SetSequenceLocked(notifier, currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task HelperCalledFromTheCallbackAndFromPublicCode_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;
            private ulong _seq;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _seq = currentSequence;
                Publish();
                return true;
            }

            public void Refresh() => Publish();

            private void Publish() => _notifier?.SetSequence(_seq);
        }
        """);

    [Fact]
    public Task UncalledOrDelegatePrivateMethods_AreSilent() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private IntervalNotifier? _notifier;
            private ulong _seq;

            public Action Publisher => Publish;

            private void Publish() => _notifier?.SetSequence(_seq);

            private void Unused() => _notifier?.SetSequence(_seq);
        }
        """);

    [Fact]
    public Task InvalidateCallbackAndHelperInTwoPartialFiles_AreSilent() => Verify.AnalyzerAsync(new[]
    {
        """
        using IntervalNotifiers;

        sealed partial class MirrorOps : IntervalNotifierOps
        {
            private ulong _seq;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _seq = currentSequence;
                Publish(notifier);
                return true;
            }
        }
        """,
        """
        using IntervalNotifiers;

        partial class MirrorOps
        {
            private void Publish(IntervalNotifier notifier) => notifier.SetSequence(_seq);
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task OtherSetSequenceMethods_AreSilent() => Verify.AnalyzerAsync("""
        sealed class Counter
        {
            private ulong _value;

            public void SetSequence(ulong value) => _value = value;

            public void Reset() => SetSequence(0);
        }
        """);
}
