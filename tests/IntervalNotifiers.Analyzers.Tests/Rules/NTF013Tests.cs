using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackCallsAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF013: ReadBegin() reached from an ops callback, directly or through source methods.</summary>
public class NTF013Tests
{
    public static IEnumerable<object[]> LanguageVersions() => NTF001Tests.LanguageVersions();

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task ReadBeginInInvalidate_IsReportedOnTheInvocation() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var seq = notifier.ReadBegin();
                notifier.SetSequence(currentSequence);
                return seq != 0;
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF013).WithSpan(7, 19, 7, 39).WithArguments("Invalidate"));

    [Fact]
    public Task ReadBeginAsyncWaitedInInvalidate_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var seq = {|NTF013:notifier.ReadBeginAsync()|}.AsTask().GetAwaiter().GetResult();
                notifier.SetSequence(currentSequence);
                return seq != 0;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInInvalidateStart_NamesTheStart() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            private ulong _seen;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                _seen = notifier.ReadBegin();
                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, Verify.Diagnostic(Descriptors.NTF013).WithSpan(9, 17, 9, 37).WithArguments("InvalidateStart"));

    [Fact]
    public Task ReadBeginInInvalidateFinish_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class GpuOps : IntervalNotifierOps
        {
            public ulong LastSequence;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                LastSequence = {|NTF013:finish.Notifier!.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task CancellableOverload_IsReported() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public ulong Seen;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                using var timeout = new CancellationTokenSource(100);
                Seen = {|NTF013:notifier.ReadBegin(timeout.Token)|};
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInAPrivateHelperOfTheCallback_IsReportedInsideTheHelper() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private ulong _snapshot;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Snapshot(notifier);
                notifier.SetSequence(currentSequence);
                return true;
            }

            private void Snapshot(IntervalNotifier notifier)
            {
                _snapshot = {|NTF013:notifier.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task WrapperOnAnotherClass_IsReportedOnTheCallInTheCallback() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly object _lock = new object();
            private readonly IntervalNotifier _notifier;
            private ulong[] _pages = new ulong[16];

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Refresh()
            {
                while (true)
                {
                    var seq = _notifier.ReadBegin();
                    var pages = new ulong[16];
                    lock (_lock)
                    {
                        if (_notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        _pages = pages;
                        return;
                    }
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                _mirror.Refresh();
                return true;
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF013).WithSpan(40, 9, 40, 26).WithArguments("Invalidate"));

    [Fact]
    public Task TwoCallsDeep_IsReportedOnTheFirstCall() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class PageCache
        {
            public ulong Sequence;

            public void Revalidate(IntervalNotifier notifier) => Sequence = notifier.ReadBegin();
        }

        sealed class Device
        {
            private readonly PageCache _cache = new PageCache();

            public void Rebuild(IntervalNotifier notifier)
            {
                System.Console.WriteLine("rebuilding");
                _cache.Revalidate(notifier);
            }
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                {|NTF013:_device.Rebuild(notifier)|};
                return true;
            }
        }
        """);

    [Fact]
    public Task ExtensionMethod_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class NotifierExtensions
        {
            public static ulong Snapshot(this IntervalNotifier notifier) => notifier.ReadBegin();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public ulong Seen;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Seen = {|NTF013:notifier.Snapshot()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginOnAnotherNotifier_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly IntervalNotifier _peer;
            public ulong PeerSequence;

            public MirrorOps(IntervalNotifier peer) => _peer = peer;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                PeerSequence = {|NTF013:_peer.ReadBegin()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInALocalFunctionCalledByTheCallback_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public ulong Seen;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Remember();
                return true;

                void Remember() => Seen = {|NTF013:notifier.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task PublicReaderOfTheOpsTypeCalledFromTheCallback_IsReportedOnTheCall() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private IntervalNotifier? _notifier;

            public void Attach(IntervalNotifier notifier) => _notifier = notifier;

            public bool Fault()
            {
                var seq = _notifier!.ReadBegin();
                lock (_lock)
                {
                    return !_notifier.ReadRetry(seq);
                }
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                {|NTF013:Fault()|};
                return true;
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
                Sample(notifier);
                return true;
            }
        }
        """,
        """
        using IntervalNotifiers;

        partial class MirrorOps
        {
            public ulong Sampled;

            private void Sample(IntervalNotifier notifier) => Sampled = {|NTF013:notifier.ReadBegin()|};
        }
        """,
    }, LanguageVersion.Latest);

    [Fact]
    public Task WrapperReachingBothRemoveAndReadBegin_IsReportedByBothRules() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;
            public ulong Last;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Reset()
            {
                Last = _notifier.ReadBegin();
                _notifier.Remove();
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _mirror.Reset();
                return true;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.NTF011).WithSpan(25, 9, 25, 24).WithArguments("Invalidate"),
        Verify.Diagnostic(Descriptors.NTF013).WithSpan(25, 9, 25, 24).WithArguments("Invalidate"));

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task ReadBeginInCallback_IsReportedInEveryLanguageVersion(LanguageVersion version) => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class MirrorOps : IntervalNotifierOps
            {
                public ulong Seen;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    Seen = {|NTF013:notifier.ReadBegin()|};
                    return true;
                }

                public ulong Read(IntervalNotifier notifier)
                {
                    return notifier.ReadBegin();
                }
            }
        }
        """, version);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task ReadBeginInAReader_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly object _lock = new object();
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public bool TryMap()
            {
                var seq = _notifier.ReadBegin();
                lock (_lock)
                {
                    return !_notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task ReadBeginInAReaderOfTheOpsType_IsSilent() => Verify.AnalyzerAsync("""
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

            public bool Fault(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                lock (_lock)
                {
                    return !notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task WrapperThatOnlyReadersCall_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class PageCache
        {
            public ulong Begin(IntervalNotifier notifier) => notifier.ReadBegin();
        }

        sealed class Mirror
        {
            private readonly PageCache _cache = new PageCache();

            public ulong Prepare(IntervalNotifier notifier) => _cache.Begin(notifier);
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror = new Mirror();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public ulong StartRead(IntervalNotifier notifier) => _mirror.Prepare(notifier);
        }
        """);

    [Fact]
    public Task CheckRetryAndReadRetryInACallback_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public ulong ReaderSequence;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (notifier.CheckRetry(ReaderSequence) || notifier.ReadRetry(ReaderSequence))
                {
                    System.Console.WriteLine("a reader will retry");
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInALambdaStoredByTheCallbackAndRunElsewhere_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public Func<ulong>? Resume;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                Resume = () => notifier.ReadBegin();
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInALambdaQueuedByTheCallback_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            public ulong Seen;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                ThreadPool.QueueUserWorkItem(_ => Seen = notifier.ReadBegin());
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
            public ulong Seen;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                ThreadPool.QueueUserWorkItem(Refault);
                return true;

                void Refault(object? state) => Seen = notifier.ReadBegin();
            }
        }
        """);

    [Fact]
    public Task CallThroughAnInterface_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        interface IReader
        {
            ulong Begin();
        }

        sealed class NotifierReader : IReader
        {
            private readonly IntervalNotifier _notifier;

            public NotifierReader(IntervalNotifier notifier) => _notifier = notifier;

            public ulong Begin() => _notifier.ReadBegin();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly IReader _reader;
            public ulong Seen;

            public MirrorOps(IReader reader) => _reader = reader;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Seen = _reader.Begin();
                return true;
            }
        }
        """);

    [Fact]
    public Task CallOfAnOverridableMethod_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Reader
        {
            public virtual ulong Begin() => 0;
        }

        class NotifierReader : Reader
        {
            private readonly IntervalNotifier _notifier;

            public NotifierReader(IntervalNotifier notifier) => _notifier = notifier;

            public override ulong Begin() => _notifier.ReadBegin();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Reader _reader;
            public ulong Seen;

            public MirrorOps(Reader reader) => _reader = reader;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Seen = _reader.Begin();
                return true;
            }
        }
        """);

    [Fact]
    public Task DelegateInvokedByTheCallback_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Func<ulong> _sample;
            public ulong Seen;

            public MirrorOps(Func<ulong> sample) => _sample = sample;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Seen = _sample();
                return true;
            }
        }

        sealed class Owner
        {
            private readonly IntervalNotifier _notifier;

            public Owner() => _notifier = new IntervalNotifier(new MirrorOps(() => _notifier!.ReadBegin()));
        }
        """);

    [Fact]
    public Task WrapperThatQueuesTheRead_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading.Tasks;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public Task<ulong> RefaultLater() => Task.Run(() => _notifier.ReadBegin());
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                _ = _mirror.RefaultLater();
                return true;
            }
        }
        """);

    [Fact]
    public Task ReadBeginInTheOpsConstructor_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly ulong _initial;

            public MirrorOps(IntervalNotifier previous)
            {
                _initial = previous.ReadBegin();
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                => currentSequence != _initial;
        }
        """);

    [Fact]
    public Task OtherReadBeginMethodsInACallback_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Journal
        {
            public int Depth;

            public void ReadBegin() => Depth++;
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Journal _journal = new Journal();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _journal.ReadBegin();
                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task WrapperPassedAsAMethodGroup_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public ulong Begin() => _notifier.ReadBegin();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Func<ulong> begin = _mirror.Begin;
                _ = Task.Run(begin);
                return true;
            }
        }
        """);

    [Fact]
    public Task CallbackLikeMethodsOutsideOpsTypes_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class NotOps
        {
            public ulong Seen;

            public bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Seen = notifier.ReadBegin();
                return true;
            }
        }
        """);
}
