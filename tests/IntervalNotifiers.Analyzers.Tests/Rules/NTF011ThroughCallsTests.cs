using System.Threading.Tasks;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackCallsAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF011 through calls: <c>Remove()</c> reached from a callback through source methods of any type
/// (docs/contract.md#calls-followed-through-source), reported on the call inside the callback.
/// </summary>
public class NTF011ThroughCallsTests
{
    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task OneLineWrapperOnAnotherClass_IsReportedOnTheCallInTheCallback() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    _mirror.Unsubscribe();
                }

                return true;
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF011).WithSpan(22, 13, 22, 34).WithArguments("Invalidate"));

    [Fact]
    public Task TwoWrappersDeep_IsReportedOnTheFirstCall() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private IntervalNotifier? _notifier;

            public void Attach(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe()
            {
                var notifier = _notifier;
                _notifier = null;
                notifier?.Remove();
            }
        }

        sealed class Device
        {
            private readonly Mirror _mirror = new Mirror();

            public void Shutdown()
            {
                System.Console.WriteLine("device going down");
                _mirror.Unsubscribe();
            }
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly Device _device;

            public DeviceOps(Device device) => _device = device;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    {|NTF011:_device.Shutdown()|};
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task StaticHelperOfAnotherClass_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class Notifiers
        {
            public static void Detach(IntervalNotifier notifier)
            {
                if (notifier.AddressSpace != null)
                {
                    notifier.Remove();
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:Notifiers.Detach(notifier)|};
                return true;
            }
        }
        """);

    [Fact]
    public Task ExtensionMethod_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class NotifierExtensions
        {
            public static void Unsubscribe(this IntervalNotifier notifier) => notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:notifier.Unsubscribe()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task WrapperCalledFromAnInCallbackHelper_IsReportedInsideTheHelper() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            public IntervalNotifier? Notifier { get; set; }

            public void Unsubscribe() => Notifier?.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror = new Mirror();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    TearDown();
                }

                return true;
            }

            private void TearDown()
            {
                System.Console.WriteLine("released");
                {|NTF011:_mirror.Unsubscribe()|};
            }
        }
        """);

    [Fact]
    public Task WrapperInInvalidateFinish_NamesTheFinish() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Close() => _notifier.Remove();
        }

        sealed class GpuOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public GpuOps(Mirror mirror) => _mirror = mirror;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                _mirror.Close();
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF011).WithSpan(26, 9, 26, 24).WithArguments("InvalidateFinish"));

    [Fact]
    public Task ConditionalAccessOfTheWrapper_IsReportedOnTheWholeAccess() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public Mirror? Mirror { get; set; }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:Mirror?.Unsubscribe()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task OverrideInASealedClass_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        abstract class Subscription
        {
            public abstract void Cancel();
        }

        sealed class NotifierSubscription : Subscription
        {
            private readonly IntervalNotifier _notifier;

            public NotifierSubscription(IntervalNotifier notifier) => _notifier = notifier;

            public override void Cancel() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly NotifierSubscription _subscription;

            public MirrorOps(NotifierSubscription subscription) => _subscription = subscription;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:_subscription.Cancel()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task GenericWrapper_IsReported() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        sealed class Registry<TKey> where TKey : notnull
        {
            private readonly Dictionary<TKey, IntervalNotifier> _notifiers = new Dictionary<TKey, IntervalNotifier>();

            public void Drop(TKey key)
            {
                if (_notifiers.TryGetValue(key, out var notifier))
                {
                    _notifiers.Remove(key);
                    notifier.Remove();
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Registry<int> _registry = new Registry<int>();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:_registry.Drop(7)|};
                return true;
            }
        }
        """);

    [Fact]
    public Task RecursiveWrappers_AreReportedOnce() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Tree
        {
            private readonly IntervalNotifier? _notifier;
            private readonly Tree? _child;

            public Tree(IntervalNotifier? notifier, Tree? child)
            {
                _notifier = notifier;
                _child = child;
            }

            public void Close()
            {
                _child?.Close();
                Detach();
            }

            private void Detach()
            {
                if (_notifier != null)
                {
                    _notifier.Remove();
                }
                else
                {
                    Close();
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Tree _tree = new Tree(null, null);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:_tree.Close()|};
                return true;
            }
        }
        """);

    [Fact]
    public Task PublicMethodOfTheOpsTypeCalledFromTheCallback_IsReportedOnTheCall() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class MirrorOps : IntervalNotifierOps
        {
            private IntervalNotifier? _notifier;

            public void Attach(IntervalNotifier notifier) => _notifier = notifier;

            public void Close() => _notifier?.Remove();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    {|NTF011:Close()|};
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task OneWrapperCalledFromTwoOpsTypesAndAReader_IsReportedInEachCallbackOnly() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class Teardown
        {
            public static void Detach(IntervalNotifier notifier) => notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:Teardown.Detach(notifier)|};
                return true;
            }
        }

        sealed class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                {|NTF011:Teardown.Detach(notifier)|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class Device
        {
            public void Close(IntervalNotifier notifier) => Teardown.Detach(notifier);
        }
        """);

    [Fact]
    public Task ChainOfEightCalls_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        static class Chain
        {
            public static void C1(IntervalNotifier n) => C2(n);
            public static void C2(IntervalNotifier n) => C3(n);
            public static void C3(IntervalNotifier n) => C4(n);
            public static void C4(IntervalNotifier n) => C5(n);
            public static void C5(IntervalNotifier n) => C6(n);
            public static void C6(IntervalNotifier n) => C7(n);
            public static void C7(IntervalNotifier n) => C8(n);
            public static void C8(IntervalNotifier n) => n.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:Chain.C1(notifier)|};
                return true;
            }
        }
        """);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task WrapperCalledOnlyFromTheShutdownPath_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;

            public void Dispose() => _mirror.Unsubscribe();
        }
        """);

    [Fact]
    public Task WrapperCalledInALambdaQueuedByTheCallback_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                ThreadPool.QueueUserWorkItem(_ => _mirror.Unsubscribe());
                return true;
            }
        }
        """);

    [Fact]
    public Task WrapperThatQueuesTheRemove_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading.Tasks;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void UnsubscribeLater() => Task.Run(() => _notifier.Remove());
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _mirror.UnsubscribeLater();
                return true;
            }
        }
        """);

    [Fact]
    public Task CallThroughAnInterface_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        interface ISubscription
        {
            void Cancel();
        }

        sealed class NotifierSubscription : ISubscription
        {
            private readonly IntervalNotifier _notifier;

            public NotifierSubscription(IntervalNotifier notifier) => _notifier = notifier;

            public void Cancel() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly ISubscription _subscription;

            public MirrorOps(ISubscription subscription) => _subscription = subscription;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _subscription.Cancel();
                return true;
            }
        }
        """);

    [Fact]
    public Task CallOfAnOverridableMethod_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Subscription
        {
            public virtual void Cancel() { }
        }

        class NotifierSubscription : Subscription
        {
            private readonly IntervalNotifier _notifier;

            public NotifierSubscription(IntervalNotifier notifier) => _notifier = notifier;

            public override void Cancel() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Subscription _subscription;

            public MirrorOps(Subscription subscription) => _subscription = subscription;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _subscription.Cancel();
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
            private readonly Action _onRelease;

            public MirrorOps(Action onRelease) => _onRelease = onRelease;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Event == NotifierEvent.Release)
                {
                    _onRelease();
                }

                return true;
            }
        }

        sealed class Owner
        {
            private readonly IntervalNotifier _notifier;

            public Owner() => _notifier = new IntervalNotifier(new MirrorOps(() => _notifier!.Remove()));
        }
        """);

    [Fact]
    public Task WrapperOfOtherRemoveMethods_IsSilent() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        sealed class PageTable
        {
            private readonly Dictionary<ulong, ulong> _entries = new Dictionary<ulong, ulong>();

            public void Remove(ulong page) => _entries.Remove(page);

            public void Drop(ulong start, ulong end)
            {
                for (var page = start; page < end; page += 4096)
                {
                    Remove(page);
                }
            }
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly PageTable _table = new PageTable();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _table.Drop(range.Start, range.End);
                return true;
            }
        }
        """);

    [Fact]
    public Task WrapperPassedAsAMethodGroup_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading.Tasks;
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public void Unsubscribe() => _notifier.Remove();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Task.Run(_mirror.Unsubscribe);
                return true;
            }
        }
        """);
}
