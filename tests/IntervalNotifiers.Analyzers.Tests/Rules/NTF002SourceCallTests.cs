using System.Threading.Tasks;
using Xunit;
using static IntervalNotifiers.Analyzers.Tests.Rules.NTF002Sources;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF002 through methods of other types (docs/contract.md#calls-followed-through-source): a finish passed to a source
/// method of any type that keeps it is reported at the call inside the callback, never inside the called method.
/// </summary>
public class NTF002SourceCallTests
{
    // ---------------------------------------------------------------- reported

    [Fact]
    public Task TraceRingThatStoresTheObject_IsReportedAtTheCall() => Analyze("""
        sealed class TraceRing
        {
            private readonly object?[] _slots = new object?[64];
            private int _next;

            public void Record(object entry)
            {
                _slots[_next] = entry;
                _next = (_next + 1) % _slots.Length;
            }
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly TraceRing _trace = new TraceRing();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                f.Fence.Wait();
                {|#0:_trace.Record(f)|};
            }
        }
        """, At(0).WithMessage(
        "Finish object used outside the two-pass list: 'f' is passed to 'TraceRing.Record', where it is stored in an array element: only the 'out finish' parameter, the NotifierFinishPool and private helpers called only from the two passes may take a finish"));

    [Fact]
    public Task TrackerKeepingLiveFinishes_AndLoggerKeepingAList_AreReported() => Analyze("""
        class FinishTracker
        {
            private readonly HashSet<NotifierFinish> _live = new HashSet<NotifierFinish>();

            public void Track(NotifierFinish f)
            {
                lock (_live)
                {
                    _live.Add(f);
                }
            }
        }

        class FlushLog
        {
            private readonly List<string> _lines = new List<string>();
            private readonly List<GpuFinish> _recent = new List<GpuFinish>();

            public void Log(GpuFinish f, string what)
            {
                _lines.Add(what + " engine " + f.Engine);
                if (_recent.Count < 16)
                {
                    _recent.Add(f);
                }
            }
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly FinishTracker _tracker = new FinishTracker();
            private readonly FlushLog _log = new FlushLog();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish { Engine = 2 };
                {|#0:_tracker.Track(f)|};
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                {|#1:_log.Log((GpuFinish)finish, "finished")|};
            }
        }
        """, At(0), At(1));

    [Fact]
    public Task StaticHelperAndExtensionMethodThatKeepIt_AreReported() => Analyze("""
        static class Postmortem
        {
            private static readonly System.Collections.Concurrent.ConcurrentQueue<object> s_recent = new System.Collections.Concurrent.ConcurrentQueue<object>();

            public static void Remember(object o) => s_recent.Enqueue(o);
        }

        static class FinishExtensions
        {
            private static GpuFinish? s_lastSlow;

            public static void MarkSlow(this GpuFinish f)
            {
                f.Engine = -1;
                s_lastSlow = f;
            }
        }

        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                if (!f.Fence.Wait(100))
                {
                    {|#0:f.MarkSlow()|};
                    {|#1:Postmortem.Remember(finish)|};
                }
            }
        }
        """, At(0), At(1));

    [Fact]
    public Task KeptTwoCallsDown_IsReportedAtTheCallInTheCallback() => Analyze("""
        class Store
        {
            private readonly Dictionary<int, object> _byEngine = new Dictionary<int, object>();

            internal void Put(int engine, object value) => _byEngine[engine] = value;
        }

        class Audit
        {
            private readonly Store _store = new Store();

            public void Note(GpuFinish f)
            {
                if (f.Engine >= 0)
                {
                    Save(f.Engine, f);
                }
            }

            private void Save(int engine, object value) => _store.Put(engine, value);
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly Audit _audit = new Audit();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish) => Complete((GpuFinish)finish);

            private void Complete(GpuFinish f)
            {
                f.Fence.Wait();
                {|#0:_audit.Note(f)|};
            }
        }
        """, At(0));

    [Fact]
    public Task DelegateHandedToASchedulerOfAnotherType_IsReportedAtTheCapture() => Analyze("""
        sealed class Deferred
        {
            private readonly List<Action> _pending = new List<Action>();

            public void Later(Action work) => _pending.Add(work);

            public void Soon(Action work) => ThreadPool.QueueUserWorkItem(_ => work());

            public void Now(Action work) => work();
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly Deferred _deferred = new Deferred();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                _deferred.Later(() => {|#0:f|}.Fence.Wait());
                _deferred.Soon(() => {|#1:f|}.OnDone?.Invoke());
                _deferred.Now(() => f.Fence.Set());
            }
        }
        """, At(0), At(1));

    [Fact]
    public Task ConstructorOfAnotherTypeThatKeepsIt_IsReported() => Analyze("""
        sealed class Incident
        {
            internal static readonly List<Incident> All = new List<Incident>();

            public Incident(NotifierFinish finish, string reason)
            {
                Finish = finish;
                Reason = reason;
                All.Add(this);
            }

            public NotifierFinish Finish { get; }
            public string Reason { get; }
        }

        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                if (!((GpuFinish)finish).Fence.Wait(50))
                {
                    {|#0:new Incident(finish, "slow fence")|};
                }
            }
        }
        """, At(0));

    [Fact]
    public Task LocalObjectThatKeepsItAndThenEscapes_IsReported() => Analyze("""
        sealed class Batch
        {
            private readonly List<GpuFinish> _items = new List<GpuFinish>();

            public void Add(GpuFinish f) => _items.Add(f);

            public int Count => _items.Count;
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly List<Batch> _history = new List<Batch>();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var batch = new Batch();
                {|#0:batch.Add((GpuFinish)finish)|};
                _history.Add(batch);
            }
        }
        """, At(0));

    [Fact]
    public Task MutualRecursionThatStores_IsReported_AndTerminates() => Analyze("""
        class Walker
        {
            private object? _found;

            public void Visit(object o, int depth)
            {
                if (depth > 3)
                {
                    _found = o;
                    return;
                }

                Descend(o, depth);
            }

            private void Descend(object o, int depth) => Visit(o, depth + 1);
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly Walker _walker = new Walker();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish) => {|#0:_walker.Visit(finish, 0)|};
        }
        """, At(0));

    [Fact]
    public Task SealedOverrideThatStores_IsReported() => Analyze("""
        abstract class Sink
        {
            public abstract void Put(object o);
        }

        sealed class KeepingSink : Sink
        {
            private object? _last;

            public override void Put(object o) => _last = o;
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly KeepingSink _sink = new KeepingSink();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish) => {|#0:_sink.Put(finish)|};
        }
        """, At(0));

    // ---------------------------------------------------------------- silent

    [Fact]
    public Task HelpersOfOtherTypesThatOnlyReadTheFinish_AreSilent() => Analyze("""
        sealed class FlushStats
        {
            private long _fences;
            private long _engines;

            public void Count(GpuFinish f)
            {
                Interlocked.Increment(ref _fences);
                Interlocked.Add(ref _engines, f.Engine);
            }
        }

        sealed class FlushLog
        {
            private readonly List<string> _lines = new List<string>();

            public void Log(GpuFinish f, string what)
            {
                ArgumentNullException.ThrowIfNull(f);
                _lines.Add($"{what}: engine {f.Engine}, fence set: {f.Fence.IsSet}");
                Console.WriteLine(_lines[_lines.Count - 1]);
            }
        }

        static class Fences
        {
            public static bool WaitAll(GpuFinish f, int timeoutMs) => f.Fence.Wait(timeoutMs);

            public static T Same<T>(T value) => value;
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly FlushStats _stats = new FlushStats();
            private readonly FlushLog _log = new FlushLog();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                ArgumentNullException.ThrowIfNull(finish);
                Debug.Assert(finish != null, nameof(finish) + " is set by the runtime");
                var f = Fences.Same((GpuFinish)finish);
                _stats.Count(f);
                _log.Log(f, "finish");
                if (!Fences.WaitAll(f, 1000))
                {
                    Console.WriteLine(nameof(f));
                }
            }
        }
        """);

    [Fact]
    public Task LocalObjectThatKeepsItButDiesWithThePass_IsSilent() => Analyze("""
        sealed class Batch
        {
            private readonly List<GpuFinish> _items = new List<GpuFinish>();

            public void Add(GpuFinish f) => _items.Add(f);

            public void WaitAll()
            {
                foreach (var item in _items)
                {
                    item.Fence.Wait();
                }
            }
        }

        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var batch = new Batch();
                batch.Add((GpuFinish)finish);
                batch.WaitAll();
            }
        }
        """);

    [Fact]
    public Task VirtualInterfaceAndRecursiveMethodsThatProveNothing_AreSilent() => Analyze("""
        interface ITracker
        {
            void Track(NotifierFinish f);
        }

        class BaseSink
        {
            private object? _last;

            public virtual void Put(object o) => _last = o;
        }

        sealed class Walker
        {
            public int Depth(object o, int depth) => depth > 8 ? depth : Depth(o, depth + 1);
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly ITracker _tracker;
            private readonly BaseSink _sink;
            private readonly Walker _walker = new Walker();

            public GpuOps(ITracker tracker, BaseSink sink)
            {
                _tracker = tracker;
                _sink = sink;
            }

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                _tracker.Track(finish);
                _sink.Put(finish);
                _walker.Depth(finish, 0);
            }
        }
        """);

    [Fact]
    public Task OtherTypeKeepingOnlyDataCopiedOutOfTheFinish_IsSilent() => Analyze("""
        readonly struct FlushRecord
        {
            public FlushRecord(GpuFinish f)
            {
                Engine = f.Engine;
                WasSet = f.Fence.IsSet;
            }

            public int Engine { get; }
            public bool WasSet { get; }
        }

        sealed class History
        {
            private readonly Queue<FlushRecord> _records = new Queue<FlushRecord>();

            public void Add(GpuFinish f) => _records.Enqueue(new FlushRecord(f));
        }

        class GpuOps : IntervalNotifierOps
        {
            private readonly History _history = new History();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                f.Fence.Wait();
                _history.Add(f);
            }
        }
        """);

    [Fact]
    public Task SourceHelpersNamedLikeCollectionReads_AreNotCollections_AndAreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private int _engine;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = range.IsBlockable ? Take() : TryDequeue(out var spare) ? spare : null;
                return true;
            }

            // A private helper that makes a new finish per call: its name is a LINQ/collection name, nothing more.
            private GpuFinish Take() => new GpuFinish { Engine = ++_engine };

            private bool TryDequeue(out GpuFinish made)
            {
                made = new GpuFinish { Engine = ++_engine };
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((GpuFinish)finish).Fence.Wait();
        }
        """);
}
