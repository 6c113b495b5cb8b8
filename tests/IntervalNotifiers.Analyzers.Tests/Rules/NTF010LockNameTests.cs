using System.Threading.Tasks;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF010's message names the lock to take when the reader sits in an ops type that holds exactly one lock it can name
/// around every SetSequence of its own; otherwise the message keeps its general wording.
/// </summary>
public class NTF010LockNameTests
{
    private const string Notifier = """
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        class PageNotifier : IntervalNotifier
        {
            public PageNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        """;

    private const string General = "is called outside any lock";

    [Fact]
    public Task LockStatementOfTheOpsType_IsNamed() => Verify.AnalyzerAsync(Notifier + """
        sealed class PageOps : IntervalNotifierOps
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

            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments(General + " (take 'lock (_lock)' around the check and the use of what was read)"));

    [Fact]
    public Task SemaphoreOfTheOpsTypeInAHelper_IsNamedWithoutLockStatement() => Verify.AnalyzerAsync(Notifier + """
        sealed class PageOps : IntervalNotifierOps
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                _gate.Wait();
                try
                {
                    Publish(notifier, currentSequence);
                }
                finally
                {
                    _gate.Release();
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }

            private static void Publish(IntervalNotifier notifier, ulong currentSequence) => notifier.SetSequence(currentSequence);

            public async Task<bool> MapAsync(PageNotifier page)
            {
                var seq = page.ReadBegin();
                await Task.Yield();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments(General + " (hold '_gate' around the check and the use of what was read)"));

    [Fact]
    public Task StaticLockOfABaseOpsType_IsNamed() => Verify.AnalyzerAsync(Notifier + """
        abstract class DriverOps : IntervalNotifierOps
        {
            protected static readonly object DriverLock = new object();
        }

        sealed class PageOps : DriverOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (DriverLock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public static bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments(General + " (take 'lock (DriverLock)' around the check and the use of what was read)"));

    [Fact]
    public Task TwoLocksAroundSetSequence_KeepTheGeneralMessage() => Verify.AnalyzerAsync(Notifier + """
        sealed class PageOps : IntervalNotifierOps
        {
            private readonly object _a = new object();
            private readonly object _b = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.IsBlockable)
                {
                    lock (_a)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                }
                else
                {
                    lock (_b)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                }

                return true;
            }

            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0).WithArguments(General));

    [Fact]
    public Task LockTheTypeCannotName_KeepsTheGeneralMessage() => Verify.AnalyzerAsync(Notifier + """
        sealed class Owner
        {
            internal readonly object PageTableLock = new object();
        }

        sealed class OwnedNotifier : IntervalNotifier
        {
            public OwnedNotifier(IntervalNotifierOps ops, Owner owner) : base(ops) { Owner = owner; }
            public Owner Owner { get; }
        }

        sealed class PageOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var owned = (OwnedNotifier)notifier;
                lock (owned.Owner.PageTableLock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public bool Map(OwnedNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }

        sealed class InstanceOps : IntervalNotifierOps
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

            public static bool MapStatic(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#1:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0).WithArguments(General),
            Verify.Diagnostic(Descriptors.NTF010).WithLocation(1).WithArguments(General));

    [Fact]
    public Task UnnamedLockOrNoSetSequence_KeepTheGeneralMessage() => Verify.AnalyzerAsync(Notifier + """
        sealed class ThisOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (this)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#0:page.ReadRetry(seq)|};
            }
        }

        sealed class Reader
        {
            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !{|#1:page.ReadRetry(seq)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0).WithArguments(General),
            Verify.Diagnostic(Descriptors.NTF010).WithLocation(1).WithArguments(General));
}
