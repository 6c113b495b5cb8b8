using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyNtf002 = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer>;
using VerifyNtf002Fix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer, IntervalNotifiers.CodeFixes.NTF002KeepFinishInListCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF002: finish state used outside the two-pass list.</summary>
public class NTF002Tests
{
    private const string RentFromPoolKey = "NTF002.RentFinishFromPool";

    /// <summary>A finish type carrying a fence between the passes (C# 7.3-compatible).</summary>
    private const string Finish = """

        class GpuFinish : NotifierFinish
        {
            public ManualResetEventSlim Fence = new ManualResetEventSlim(true);
            public System.Action OnDone;
            public int Engine;
        }
        """;

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        """;

    private static Task Analyze(string source, params DiagnosticResult[] expected)
        => VerifyNtf002.AnalyzerAsync(Usings + source + Finish, expected);

    // ---------------------------------------------------------------- silent: the sanctioned life

    [Fact]
    public Task NewInStart_CastInFinish_IsSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var fence = new ManualResetEventSlim(false);
                finish = new GpuFinish { Fence = fence, Engine = 3 };
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                f.Fence.Wait();
                f.Engine = 0;
                Console.WriteLine($"finished {f.Engine} on {finish.Notifier.Start}");
                if (ReferenceEquals(f, finish)) { }
            }
        }
        """);

    [Fact]
    public Task PoolRentInStart_ReturnInFinish_IsSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(16);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (!_pool.TryRent(out var f))
                {
                    // Pool empty: do the whole invalidation now (the kernel's allocation-failure fallback).
                    finish = null;
                    return true;
                }

                if (range.Event == NotifierEvent.SoftDirty)
                {
                    _pool.Return(f); // rented, but not handed out after all
                    finish = null;
                    return true;
                }

                f.Engine = 1;
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (finish is GpuFinish f)
                {
                    f.Fence.Wait();
                    _pool.Return(f);
                }
            }
        }
        """);

    [Fact]
    public Task XeStylePoolOfCapacityOne_IsSilent() => Analyze("""
        sealed class UserptrOps : IntervalNotifierOps
        {
            // The xe driver's embedded finish + in-use flag, ported: a pool of capacity 1.
            private readonly NotifierFinishPool<GpuFinish> _embedded = new NotifierFinishPool<GpuFinish>(1);
            private readonly object _lock = new object();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                if (!range.IsBlockable)
                {
                    return false;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                    GpuFinish? f;
                    if (_embedded.TryRent(out f))
                    {
                        f.Fence.Reset();
                        finish = f;
                        return true;
                    }
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                WaitForFences(f);
                ReleaseFinish(f);
            }

            private static void WaitForFences(GpuFinish f) => f.Fence.Wait();

            private void ReleaseFinish(GpuFinish f)
            {
                lock (_lock)
                {
                    _embedded.Return(f);
                }
            }
        }
        """);

    [Fact]
    public Task HelpersCalledOnlyFromThePasses_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(4);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = Build(range.Start);
                Arm(finish);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Complete((GpuFinish)finish);

            private GpuFinish Build(ulong start)
            {
                var f = new GpuFinish { Engine = (int)start };
                return Prepare(f);
            }

            private static GpuFinish Prepare(GpuFinish f)
            {
                f.Fence.Reset();
                return f;
            }

            private static void Arm(NotifierFinish f) => ((GpuFinish)f).Fence.Set();

            private void Complete(GpuFinish f)
            {
                WaitFor(f);
                Recycle(f);
            }

            private static void WaitFor(GpuFinish f) => f.Fence.Wait();

            internal void Recycle(GpuFinish f) => _pool.Return(f);
        }
        """);

    [Fact]
    public Task BaseInvalidateFinishInOverride_IsSilent() => Analyze("""
        class BaseOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }

        sealed class TracingOps : BaseOps
        {
            public override void InvalidateFinish(NotifierFinish finish)
            {
                Console.WriteLine("finish");
                base.InvalidateFinish(finish);
            }
        }
        """);

    /// <summary>The helper clause: a private helper called only from the finish override is part of it, base call included.</summary>
    [Fact]
    public Task BaseInvalidateFinishInAHelperOfTheFinish_IsSilent() => Analyze("""
        abstract class WaitingOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }

        sealed class TracedOps : WaitingOps
        {
            public override void InvalidateFinish(NotifierFinish finish) => Complete(finish);

            private void Complete(NotifierFinish finish)
            {
                Console.WriteLine("finishing");
                base.InvalidateFinish(finish);
            }

            public void Flush(NotifierFinish finish) => {|NTF002:base.InvalidateFinish(finish)|};
        }
        """);

    /// <summary>
    /// A decorator forwards both passes to the ops it wraps: its finish hands its own finish parameter on, once per
    /// finish pass. Any other direct call (another finish, from the start, on itself) is still reported.
    /// </summary>
    [Fact]
    public Task DecoratorForwardingItsFinishPass_IsSilent() => Analyze("""
        sealed class TracingOps : IntervalNotifierOps
        {
            private readonly IntervalNotifierOps _inner;
            private readonly GpuFinish _other = {|NTF002:new GpuFinish()|};

            public TracingOps(IntervalNotifierOps inner) => _inner = inner;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                Console.WriteLine("start");
                var ok = _inner.InvalidateStart(notifier, range, currentSequence, out finish);
                if (!ok && finish is not null)
                {
                    {|NTF002:_inner.InvalidateFinish(finish)|};
                }

                return ok;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                Console.WriteLine("finish");
                _inner.InvalidateFinish(finish);
                {|NTF002:_inner.InvalidateFinish(_other)|};
            }
        }
        """);

    [Fact]
    public Task GenericAbstractBaseWithTemplateMethod_IsSilent() => Analyze("""
        abstract class TwoPassOps<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new TFinish();
                Begin(notifier, f);
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => End((TFinish)finish);

            protected abstract void Begin(IntervalNotifier notifier, TFinish finish);
            protected abstract void End(TFinish finish);
        }

        sealed class GpuOps : TwoPassOps<GpuFinish>
        {
            protected override void Begin(IntervalNotifier notifier, GpuFinish finish) => finish.Fence.Reset();
            protected override void End(GpuFinish finish) => finish.Fence.Wait();
        }

        static class Finishes
        {
            // A generic factory: who calls it is not known here.
            public static T Make<T>() where T : NotifierFinish, new() => new T();
        }
        """);

    [Fact]
    public Task PartialOpsTypeWithHelperInOtherPart_IsSilent() => VerifyNtf002.AnalyzerAsync(new[]
    {
        Usings + """
        partial class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = MakeFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Wait((GpuFinish)finish);
        }
        """ + Finish,
        Usings + """
        partial class GpuOps
        {
            private GpuFinish MakeFinish() => new GpuFinish();
            private void Wait(GpuFinish f) => f.Fence.Wait();
        }
        """,
    }, LanguageVersion.Latest);

    /// <summary>C# 9 partial methods: calls bind to the defining part, the body belongs to the implementing part.</summary>
    [Fact]
    public Task PartialMethodHelpers_AreSilent_AndStillChecked() => VerifyNtf002.AnalyzerAsync(new[]
    {
        Usings + """
        partial class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = MakeFinish(3);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Complete((GpuFinish)finish);

            private partial GpuFinish MakeFinish(int engine);

            private partial void Complete(GpuFinish f);
        }
        """ + Finish,
        Usings + """
        partial class GpuOps
        {
            private readonly List<GpuFinish> _done = new List<GpuFinish>();

            private partial GpuFinish MakeFinish(int engine) => new GpuFinish { Engine = engine };

            private partial void Complete(GpuFinish f)
            {
                f.Fence.Wait();
                {|NTF002:_done.Add(f)|};
            }
        }
        """,
    }, LanguageVersion.Latest);

    /// <summary>
    /// A base ops class whose sealed start calls a protected factory hook: the subclasses create the finish in the
    /// hook, which only the base's start calls. A hook that keeps no finish but creates one for itself is still reported.
    /// </summary>
    [Fact]
    public Task TemplateMethodFactoryHooks_AreSilent() => Analyze("""
        abstract class EngineOpsBase : IntervalNotifierOps
        {
            public sealed override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = BeginFlush(range.Start);
                return true;
            }

            public sealed override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();

            protected abstract GpuFinish? BeginFlush(ulong start);

            protected virtual bool TryBegin(out GpuFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }
        }

        sealed class CopyOps : EngineOpsBase
        {
            protected override GpuFinish? BeginFlush(ulong start) => new GpuFinish { Engine = (int)(start >> 12) };
        }

        sealed class VideoOps : EngineOpsBase
        {
            protected override GpuFinish? BeginFlush(ulong start)
            {
                var f = new GpuFinish();
                f.Engine = 7;
                return f;
            }

            protected void Probe()
            {
                var probe = {|NTF002:new GpuFinish()|};
                probe.Fence.Wait();
            }
        }
        """);

    /// <summary>
    /// Work fanned out and joined inside the pass (one TLB flush per GPU, then wait for all): the tasks are waited
    /// for, the thread joined, the cancellation registration disposed before the finish returns.
    /// </summary>
    [Fact]
    public Task ScheduledWorkJoinedInsideThePass_IsSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly int[] _gpus = { 0, 1, 2, 3 };

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Task.WaitAll(Task.Run(() => f.Fence.Wait()), Task.Run(() => f.Engine++));
                var flushes = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(_gpus, gpu => Task.Run(() => Flush(gpu, f.Engine))));
                Task.WaitAll(flushes);
                Task.WaitAll(new[] { Task.Run(() => f.Fence.Wait()) });
                Task.WaitAll([Task.Run(() => f.Fence.Wait()), Task.Run(() => f.Fence.Set())]);
                var tasks = new List<Task>();
                tasks.Add(Task.Factory.StartNew(() => f.Fence.Wait()));
                Task.WhenAll(tasks).Wait();
                var single = Task.Run(() => f.Fence.Wait());
                single.Wait();
                var thread = new Thread(() => f.Fence.Wait());
                thread.Start();
                thread.Join();
                using var timeout = new CancellationTokenSource(1000);
                using (timeout.Token.Register(() => f.Fence.Set()))
                {
                    f.Fence.Wait();
                }

                using var registration = timeout.Token.Register(() => f.Fence.Set());
                var other = timeout.Token.Register(() => f.Fence.Set());
                other.Dispose();
            }

            private static void Flush(int gpu, int engine) { }
        }
        """);

    [Fact]
    public Task ScheduledWorkNotJoined_IsReportedAtTheCapture() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly List<Task> _pending = new List<Task>();
            private Task? _last;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                _ = Task.Run(() => {|NTF002:f|}.Fence.Wait());
                var forgotten = Task.Run(() => {|NTF002:f|}.Fence.Wait());
                _pending.Add(Task.Run(() => {|NTF002:f|}.Fence.Wait()));
                _last = Task.Run(() => {|NTF002:f|}.Fence.Wait());
                new Thread(() => {|NTF002:f|}.Fence.Wait()).Start();
                var thread = new Thread(() => {|NTF002:f|}.Fence.Wait());
                thread.Start();
                var registration = CancellationToken.None.Register(() => {|NTF002:f|}.Fence.Set());
            }
        }
        """);

    /// <summary>
    /// A local collection made in the pass dies with it, like a local array; an atomic store into a local or into
    /// the finish's own field keeps the finish in the list. A local that aliases a field's collection, or an atomic
    /// store into a field (Volatile.Write included), is still reported.
    /// </summary>
    [Fact]
    public Task LocalCollectionsAndAtomicStoresIntoLocals_AreSilent() => Analyze("""
        class ChainFinish : GpuFinish { public ChainFinish? Next; }

        class GpuOps : IntervalNotifierOps
        {
            private readonly Queue<GpuFinish> _queue = new Queue<GpuFinish>();
            private GpuFinish? _last;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new ChainFinish();
                var other = new ChainFinish();
                Interlocked.CompareExchange(ref f.Next, other, null);
                GpuFinish? slot = null;
                Volatile.Write(ref slot, f);
                Interlocked.Exchange(ref slot, f);
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var batch = new List<GpuFinish>();
                batch.Add(f);
                var set = new HashSet<NotifierFinish> { finish };
                set.Add(finish);
                Console.WriteLine(batch.Count + set.Count);
                var alias = _queue;
                {|NTF002:alias.Enqueue(f)|};
                {|NTF002:Volatile.Write(ref _last, f)|};
                var job = new FlushJob();
                job.Finish = f;
                job.Run();
                var inline = new FlushJob { Finish = f, Engine = 1 };
                inline.Run();
                new FlushJob { Finish = f }.Run();
                var kept = new FlushJob();
                {|NTF002:kept.Finish = f|};
                _job = kept;
                _job = new FlushJob { {|NTF002:Finish = f|} };
                var published = new List<GpuFinish>();
                {|NTF002:published.Add(f)|};
                _published = published;
            }

            private FlushJob? _job;
            private List<GpuFinish>? _published;
        }

        class FlushJob
        {
            public GpuFinish? Finish;
            public int Engine;
            public void Run() => Finish?.Fence.Wait();
        }
        """);

    /// <summary>
    /// An ops type configured with a finish factory: the lambda that creates the finish runs when the start invokes
    /// it, which is not known where the lambda is written. A finish created and kept where the lambda is written is
    /// still reported.
    /// </summary>
    [Fact]
    public Task FinishFactoryLambdas_AreSilent() => Analyze("""
        sealed class FactoryOps : IntervalNotifierOps
        {
            private readonly Func<GpuFinish> _factory;
            private readonly Func<int, GpuFinish> _byEngine = engine => new GpuFinish { Engine = engine };

            public FactoryOps(Func<GpuFinish> factory) => _factory = factory;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = range.Event == NotifierEvent.Release ? _byEngine(0) : _factory();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }

        static class Setup
        {
            public static FactoryOps Create() => new FactoryOps(() => new GpuFinish());

            public static FactoryOps CreateWithBody() => new FactoryOps(() =>
            {
                var f = new GpuFinish();
                f.Engine = 3;
                return f;
            });

            public static FactoryOps FromInterface(IFinishSource source) => new FactoryOps(source.Next);

            public static FactoryOps Cached()
            {
                var shared = {|NTF002:new GpuFinish()|};
                return new FactoryOps(() => shared);
            }
        }

        interface IFinishSource { GpuFinish Next(); }

        interface IFinishFactory<TSelf> where TSelf : NotifierFinish { static abstract TSelf Create(int engine); }

        sealed class FreshFinishes : IFinishSource
        {
            public GpuFinish Next() => new GpuFinish();
            public GpuFinish Spare() => {|NTF002:new GpuFinish()|};
        }

        sealed class EngineFinish : GpuFinish, IFinishFactory<EngineFinish>
        {
            public static EngineFinish Create(int engine) => new EngineFinish { Engine = engine };
        }
        """);

    /// <summary>A private property read only by the start is a helper of it, like a method: its getter may make the finish.</summary>
    [Fact]
    public Task PrivatePropertyGettersReadByTheStart_AreHelpers() => Analyze("""
        sealed class PropertyOps : IntervalNotifierOps
        {
            private readonly GpuFinish _cached = {|NTF002:new GpuFinish()|};
            private int _engine;

            private GpuFinish Fresh => new GpuFinish { Engine = _engine++ };

            private GpuFinish Cached => {|NTF002:_cached|};

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = range.Event == NotifierEvent.Release ? Cached : Fresh;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """);

    [Fact]
    public Task LocalUsesThatDoNotEscape_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                // The finish's own state: a callback kept inside the finish itself.
                f.OnDone = () => f.Fence.Set();
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                SpinWait.SpinUntil(() => f.Fence.IsSet, 1000);
                var all = new List<int> { 1, 2 };
                all.ForEach(i => f.Engine += i);
                Trace(f);
                Log(f);
                object boxed = f;
                Console.WriteLine(boxed);
                lock (f) { f.OnDone?.Invoke(); }
                Task.Run(() => f.Fence.Wait()).Wait(); // waited for inside the pass
                var waiter = MakeWaiter(f);
                waiter(); // a delegate handed back by a helper and called at once
                Interlocked.CompareExchange(ref _slot, null, f); // f is only the comparand
                var entry = new Entry();
                entry.Finish = f; // a local struct, gone when the pass returns
                Console.WriteLine(entry.Finish.Engine);

                void Log(GpuFinish g) => Console.WriteLine(g.Engine);
            }

            private GpuFinish? _slot;

            private static Action MakeWaiter(GpuFinish g) => () => g.Fence.Wait();

            private struct Entry { public GpuFinish Finish; }

            // Public, but only reads the finish it is given.
            public void Trace(GpuFinish f) => Console.WriteLine(f.Fence.IsSet);
        }
        """);

    [Fact]
    public Task MethodThatMerelyReceivesAFinish_IsSilent() => Analyze("""
        sealed class Recorder
        {
            private GpuFinish? _last;
            private readonly List<NotifierFinish> _seen = new List<NotifierFinish>();

            // Not a use by itself: whoever passes a finish here is reported, not this code.
            public void Keep(GpuFinish f) { _last = f; _seen.Add(f); }
        }

        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    [Fact]
    public Task NotifierReadInFinish_IsSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var notifier = finish.Notifier;
                Console.WriteLine(notifier.Start);
            }
        }
        """);

    [Fact]
    public Task NoRuntimeReference_IsSilent()
    {
        var test = new VerifyNtf002.Test(LanguageVersion.Latest, withRuntime: false)
        {
            TestCode = """
                class NotifierFinish { }
                class GpuFinish : NotifierFinish { }
                class Holder { public static readonly GpuFinish Shared = new GpuFinish(); }
                """,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task CreationInOutHelperAndLocalDelegates_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (range.Event == NotifierEvent.Clear)
                {
                    Func<GpuFinish> make = () => new GpuFinish { Engine = 7 };
                    finish = make();
                    return true;
                }

                return TryCreate(range, out finish);
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Action signal = () => f.Fence.Set();
                signal();
                Parallel.For(0, 4, i => f.Engine += i);
                WaitLocal();

                static void Nothing() { }
                void WaitLocal() { Nothing(); f.Fence.Wait(); }
            }

            private static bool TryCreate(in NotifierRange range, out NotifierFinish? f)
            {
                f = new GpuFinish { Engine = (int)range.Start };
                return true;
            }
        }
        """);

    // ---------------------------------------------------------------- 1. stored

    [Fact]
    public Task StoredInFieldsPropertiesAndStatics_IsReportedAtTheAssignment() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private GpuFinish? _last;
            private static NotifierFinish? s_any;
            public GpuFinish? Current { get; private set; }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                {|NTF002:s_any = finish|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                {|NTF002:_last = f|};
                {|NTF002:Current = f|};
                {|NTF002:_last ??= f|};
            }
        }
        """);

    [Fact]
    public Task StoredInArraysAndCollections_IsReportedAtTheCall() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly List<GpuFinish> _pending = new List<GpuFinish>();
            private readonly Queue<NotifierFinish> _queue = new Queue<NotifierFinish>();
            private readonly Dictionary<int, GpuFinish> _byEngine = new Dictionary<int, GpuFinish>();
            private readonly GpuFinish[] _ring = new GpuFinish[4];
            private GpuFinish? _published;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                {|NTF002:_pending.Add(f)|};
                {|NTF002:_byEngine[f.Engine] = f|};
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                {|NTF002:_queue.Enqueue(finish)|};
                {|NTF002:_ring[0] = (GpuFinish)finish|};
                {|NTF002:Interlocked.Exchange(ref _published, (GpuFinish)finish)|};
                {|NTF002:_batch = new[] { (GpuFinish)finish }|};
                var local = new[] { (GpuFinish)finish }; // a local array dies with the pass
                Console.WriteLine(local.Length);
            }

            private GpuFinish[]? _batch;
        }
        """);

    [Fact]
    public Task InListHelperThatStoresIt_IsReportedInTheHelper() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly Stack<GpuFinish> _history = new Stack<GpuFinish>();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Remember((GpuFinish)finish);

            // An in-list helper: the finish is still inside the list here, and leaves it on the next line.
            private void Remember(GpuFinish f)
            {
                f.Fence.Wait();
                {|NTF002:_history.Push(f)|};
            }
        }
        """);

    // ---------------------------------------------------------------- 2. captured by an escaping lambda

    [Fact]
    public Task CapturedByEscapingLambdas_IsReportedAtTheCapture() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private Action? _later;
            public event Action? Completed;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                _later = () => Console.WriteLine({|NTF002:f|}.Engine);
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Task.Run(() => {|NTF002:f|}.Fence.Wait());
                Completed += () => {|NTF002:finish|}.ToString();
                Action signal = () => {|NTF002:f|}.Fence.Set();
                ThreadPool.QueueUserWorkItem(_ => signal());
                new Timer(_ => signal(), null, 10, Timeout.Infinite).Dispose();
            }
        }
        """);

    [Fact]
    public Task CapturedByLocalFunctionThatEscapes_IsReportedAtTheCapture() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private Action? _callback;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Done();
                _callback = Done;

                void Done() => {|NTF002:f|}.Fence.Set();
            }
        }
        """);

    // ---------------------------------------------------------------- 3. passed on

    [Fact]
    public Task PassedToMethodsThatKeepIt_IsReportedAtTheCall() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly List<GpuFinish> _kept = new List<GpuFinish>();
            private readonly TaskCompletionSource<GpuFinish> _done = new TaskCompletionSource<GpuFinish>();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                {|NTF002:Keep(f)|};
                {|NTF002:ThreadPool.QueueUserWorkItem(s => ((GpuFinish)s!).Fence.Wait(), f)|};
                {|NTF002:_done.SetResult(f)|};
                Defer(f);
            }

            // Called from outside the list as well: not an in-list helper, and it keeps the finish.
            public void Keep(GpuFinish f) => _kept.Add(f);

            public void Replay(GpuFinish f) => Keep(f);

            private Action? _pending;

            internal void Defer(GpuFinish f)
            {
                _pending = {|NTF002:Waiter(f)|};
            }

            private static Action Waiter(GpuFinish f) => () => f.Fence.Wait();
        }
        """);

    // ---------------------------------------------------------------- 4. calling InvalidateFinish yourself

    [Fact]
    public Task DirectInvalidateFinishCalls_AreReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                {|NTF002:InvalidateFinish(f)|}; // finishing early, in the start
                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }

        static class Driver
        {
            public static void Flush(IntervalNotifierOps ops, NotifierFinish f)
            {
                {|NTF002:ops.InvalidateFinish(f)|};
                Action<NotifierFinish> later = {|NTF002:ops.InvalidateFinish|};
                later(f);
            }
        }
        """);

    // ---------------------------------------------------------------- 5. finish.Notifier in the start

    [Fact]
    public Task NotifierReadInStartOrItsHelper_IsReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                Console.WriteLine({|NTF002:f.Notifier|}.Start);
                Describe(f);
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => Console.WriteLine(finish.Notifier.Start);

            private static void Describe(GpuFinish f) => Console.WriteLine({|NTF002:f.Notifier|});
        }
        """);

    // ---------------------------------------------------------------- 6. handing out a long-lived finish

    [Fact]
    public Task HandingOutAFieldCreatedInItsInitializer_IsReportedOnBothLines() => Analyze("""
        class XeOps : IntervalNotifierOps
        {
            private readonly GpuFinish _embedded = {|NTF002:new GpuFinish()|};
            private bool _inUse;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_inUse)
                {
                    finish = null;
                    return true;
                }

                _inUse = true;
                _embedded.Fence.Reset();
                {|NTF002:finish = _embedded|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                ((GpuFinish)finish).Fence.Wait();
                _inUse = false;
            }
        }
        """);

    [Fact]
    public Task HandingOutSharedStaticsPropertiesAndCollectionElements_IsReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private static readonly GpuFinish Shared = {|NTF002:new GpuFinish()|};
            private readonly Queue<GpuFinish> _free = new Queue<GpuFinish>();
            private readonly System.Collections.Concurrent.ConcurrentBag<GpuFinish> _bag = new System.Collections.Concurrent.ConcurrentBag<GpuFinish>();
            private readonly GpuFinish[] _slots;
            private GpuFinish Cached { get; }

            public GpuOps(GpuFinish cached, GpuFinish[] slots)
            {
                Cached = cached;
                _slots = slots;
                _free.Enqueue({|NTF002:new GpuFinish()|});
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                switch (range.Event)
                {
                    case NotifierEvent.Unmap:
                        {|NTF002:finish = Shared|};
                        return true;
                    case NotifierEvent.Clear:
                        {|NTF002:finish = Cached|};
                        return true;
                    case NotifierEvent.Migrate:
                        {|NTF002:finish = _slots[0]|};
                        return true;
                    case NotifierEvent.Release:
                        var next = _free.Count > 0 ? _free.Dequeue() : null;
                        {|NTF002:finish = next|};
                        return true;
                    case NotifierEvent.ProtectionVma:
                        if (_bag.TryTake(out var taken))
                        {
                            {|NTF002:finish = taken|};
                            return true;
                        }

                        finish = null;
                        return true;
                    default:
                        finish = new GpuFinish();
                        return true;
                }
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """);

    // ---------------------------------------------------------------- 7. created outside the start

    [Fact]
    public Task CreatedOutsideTheStart_IsReportedAtTheCreation() => Analyze("""
        class GpuOps<TFinish> : IntervalNotifierOps where TFinish : NotifierFinish, new()
        {
            private readonly TFinish _spare = {|NTF002:new TFinish()|};

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new TFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var extra = {|NTF002:new GpuFinish()|};
                extra.Fence.Wait();
            }
        }

        static class FinishFactory
        {
            public static GpuFinish Create() => {|NTF002:new GpuFinish { Engine = 2 }|};
        }

        static class DriverTests
        {
            public static void FinishByHand(IntervalNotifierOps ops)
            {
                var f = {|NTF002:new GpuFinish()|};
                {|NTF002:ops.InvalidateFinish(f)|};
            }
        }
        """);

    [Fact]
    public async Task Messages_SayWhichUseIsWrong()
    {
        var source = Usings + """
            class GpuOps : IntervalNotifierOps
            {
                private GpuFinish? _last;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new GpuFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    _last = (GpuFinish)finish;
                }
            }
            """ + Finish;
        var test = new VerifyNtf002.Test { TestCode = source };
        test.ExpectedDiagnostics.Add(VerifyNtf002.Diagnostic(Descriptors.NTF002).WithSpan(18, 9, 18, 34).WithMessage(
            "Finish object used outside the two-pass list: 'finish' is stored in the field '_last': a finish must not outlive its invalidation; keep it in a local and hand it out only through the 'out finish' parameter"));
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- every language version

    public static IEnumerable<object[]> LanguageVersions => NotifierTestState.LanguageVersions.Select(v => new object[] { v });

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task AllLanguageVersions(LanguageVersion version) => VerifyNtf002.AnalyzerAsync(Usings + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(2);
            private readonly List<NotifierFinish> _all = new List<NotifierFinish>();
            private static readonly GpuFinish Shared = {|NTF002:new GpuFinish()|};

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
            {
                GpuFinish f;
                if (!_pool.TryRent(out f))
                {
                    {|NTF002:finish = Shared|};
                    return true;
                }

                f.Engine = 1;
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                WaitFor(f);
                {|NTF002:_all.Add(finish)|};
                _pool.Return(f);
            }

            private static void WaitFor(GpuFinish f)
            {
                f.Fence.Wait();
            }
        }
        """ + Finish, version);

    [Fact]
    public async Task HalfTypedCode_NeverThrows()
    {
        var compilation = ValidCodeTests.Compile("HalfTyped", LanguageVersion.Latest, ("HalfTyped.cs", Usings + """
            class GpuOps : IntervalNotifierOps
            {
                private Unknown _x;
                private static readonly GpuFinish Shared = new GpuFinish(;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = Missing(;
                    _x = finish;
                    finish = _x[;
                    Foo(finish,
                    Console.WriteLine(finish.Notifier.
                    return
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    _y.Add(finish);
                    Bar(() => finish.);
                    new Nope(finish);
                    base.InvalidateFinish(;
                    this.InvalidateFinish(finish, 2);
                    Task.Run(Local);
                    void Local() => finish.
                }
            }
            """ + Finish));
        var analyzers = System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new FinishLifetimeAnalyzer());
        var (_, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, default);
        Assert.Empty(exceptions);
    }

    // ---------------------------------------------------------------- code fixes

    [Fact]
    public Task Fix_RemovesDirectInvalidateFinishCalls() => VerifyNtf002Fix.CodeFixAsync(Usings + """
        static class Driver
        {
            public static void Flush(IntervalNotifierOps ops, NotifierFinish a, NotifierFinish b)
            {
                Console.WriteLine("flush");
                {|NTF002:ops.InvalidateFinish(a)|};
                {|NTF002:ops.InvalidateFinish(b)|};
                Console.WriteLine("done");
            }
        }
        """, Usings + """
        static class Driver
        {
            public static void Flush(IntervalNotifierOps ops, NotifierFinish a, NotifierFinish b)
            {
                Console.WriteLine("flush");
                Console.WriteLine("done");
            }
        }
        """, NTF002KeepFinishInListCodeFix.RemoveCallKey);

    private const string CachedOps = """
        class XeOps : IntervalNotifierOps
        {
            private readonly GpuFinish _embedded;
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(4);

            public XeOps(GpuFinish embedded) => _embedded = embedded;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                _embedded.Fence.Reset();
                _embedded.Engine = 2;
                if (range.Event == NotifierEvent.Clear)
                {
                    {|NTF002:finish = _embedded|};
                    return true;
                }

                {|NTF002:finish = this._embedded|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """;

    [Theory]
    [InlineData("null!")]
    [InlineData("default!")]
    [InlineData("(GpuFinish)null!")]
    public Task Fix_ANullOrDefaultInitializer_IsLikeNone_AndTheCachedFinishBecomesANewOne(string empty)
        => VerifyNtf002Fix.CodeFixAsync(Usings + """
        class XeOps : IntervalNotifierOps
        {
            private GpuFinish _cached = EMPTY;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                {|NTF002:finish = _cached|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """.Replace("EMPTY", empty) + Finish, Usings + """
        class XeOps : IntervalNotifierOps
        {
            private GpuFinish _cached = EMPTY;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                var cached = new GpuFinish();
                finish = cached;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """.Replace("EMPTY", empty) + Finish, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    [Fact]
    public Task Fix_ReplacesTheCachedFinishWithANewOne() => VerifyNtf002Fix.CodeFixAsync(Usings + CachedOps + Finish, Usings + """
        class XeOps : IntervalNotifierOps
        {
            private readonly GpuFinish _embedded;
            private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(4);

            public XeOps(GpuFinish embedded) => _embedded = embedded;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                var embedded = new GpuFinish();
                embedded.Fence.Reset();
                embedded.Engine = 2;
                if (range.Event == NotifierEvent.Clear)
                {
                    finish = embedded;
                    return true;
                }

                finish = embedded;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """ + Finish, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    [Fact]
    public Task Fix_PoolFieldPresent_OffersNoRentFromPoolFix() =>
        // This shape (a pool field, but a finish the start does not build with a bare 'new T()' initializer) gets no
        // rent-from-pool fix: that fix exists only where the pool can build the cached finish
        // (NTF002RentFinishFromPoolCodeFixTests).
        VerifyNtf002Fix.NoCodeFixAsync(Usings + CachedOps + Finish, RentFromPoolKey);

    [Fact]
    public Task Fix_CallAsEmbeddedStatement_OffersNoRemoval() => VerifyNtf002Fix.NoCodeFixAsync(Usings + """
        static class Driver
        {
            public static void Flush(IntervalNotifierOps ops, NotifierFinish f, bool now)
            {
                if (now)
                    {|NTF002:ops.InvalidateFinish(f)|};
            }
        }
        """, NTF002KeepFinishInListCodeFix.RemoveCallKey);

    [Fact]
    public Task Fix_NameTakenLater_PicksAnotherName() => VerifyNtf002Fix.CodeFixAsync(Usings + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly GpuFinish _shared;

            public GpuOps(GpuFinish shared) => _shared = shared;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (range.IsBlockable)
                {
                    var shared = 1;
                    Console.WriteLine(shared);
                }

                {|NTF002:finish = _shared|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """ + Finish, Usings + """
        class GpuOps : IntervalNotifierOps
        {
            private readonly GpuFinish _shared;

            public GpuOps(GpuFinish shared) => _shared = shared;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (range.IsBlockable)
                {
                    var shared = 1;
                    Console.WriteLine(shared);
                }

                var shared2 = new GpuFinish();
                finish = shared2;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """ + Finish, NTF002KeepFinishInListCodeFix.NewPerInvocationKey);

    [Fact]
    public Task Fix_NoPoolField_OffersNoPoolFix() => VerifyNtf002Fix.NoCodeFixAsync(Usings + """
        class XeOps : IntervalNotifierOps
        {
            private readonly GpuFinish _embedded;

            public XeOps(GpuFinish embedded) => _embedded = embedded;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                {|NTF002:finish = _embedded|};
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """ + Finish, RentFromPoolKey);
}
