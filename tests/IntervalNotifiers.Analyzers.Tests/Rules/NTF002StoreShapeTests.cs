using System.Threading.Tasks;
using Xunit;
using static IntervalNotifiers.Analyzers.Tests.Rules.NTF002Sources;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF002's store shapes beyond a plain assignment: a tuple, struct or record holding the finish, a <c>ref</c> that
/// points at a field, a sequence that yields the finish and is materialised (docs/rules/NTF002.md).
/// </summary>
public class NTF002StoreShapeTests
{
    // ---------------------------------------------------------------- tuples

    [Fact]
    public Task TuplesHoldingTheFinish_StoredInFieldsOrCollections_AreReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private (GpuFinish Finish, ulong Start) _pending;
            private readonly Queue<(GpuFinish, DateTime)> _recent = new Queue<(GpuFinish, DateTime)>();
            private GpuFinish? _lastFinish;
            private int _lastEngine;
            private readonly List<(int, GpuFinish)> _entries = new List<(int, GpuFinish)>();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                {|#0:_pending = (f, range.Start)|};
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                {|#1:_recent.Enqueue((f, DateTime.UtcNow))|};
                {|#2:(_lastFinish, _lastEngine) = (f, f.Engine)|};
                var entry = {|#3:(f.Engine, f)|};
                _entries.Add(entry);
            }
        }
        """, At(0), At(1), At(2), At(3));

    [Fact]
    public Task TuplesThatStayInThePass_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private int _lastEngine;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var (fin, engine) = (f, f.Engine);
                fin.Fence.Wait();
                var pair = (Finish: f, Engine: engine);
                pair.Finish.Fence.Set();
                (_, _lastEngine) = (f, engine);
                Console.WriteLine((f.Engine, pair.Engine));
            }
        }
        """);

    // ---------------------------------------------------------------- structs and records

    [Fact]
    public Task StructsAndRecordsHoldingTheFinish_StoredInFields_AreReported() => Analyze("""
        struct PendingFlush
        {
            public PendingFlush(GpuFinish finish, int engine)
            {
                Finish = finish;
                Engine = engine;
            }

            public GpuFinish Finish;
            public int Engine;
        }

        record Pending(GpuFinish Finish, ulong Sequence);

        record struct Slot(GpuFinish? Finish, bool Busy);

        class GpuOps : IntervalNotifierOps
        {
            private PendingFlush _flush;
            private readonly PendingFlush[] _slots = new PendingFlush[4];
            private Pending? _last;
            private Slot _slot;
            private readonly Pending _template = new Pending(null!, 0);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish();
                _flush = {|#0:new PendingFlush(f, 1)|};
                _last = {|#1:new Pending(f, currentSequence)|};
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                PendingFlush local = default;
                {|#2:local.Finish = f|};
                _slots[0] = local;
                _slot = {|#3:new Slot(f, true)|};
                _last = _template with { {|#4:Finish = f|} };
            }
        }
        """, At(0), At(1), At(2), At(3), At(4));

    [Fact]
    public Task StructsRecordsAndAnonymousObjectsThatStayInThePass_AreSilent() => Analyze("""
        struct PendingFlush
        {
            public PendingFlush(GpuFinish finish, int engine)
            {
                Finish = finish;
                Engine = engine;
            }

            public GpuFinish Finish;
            public int Engine;
        }

        record FlushDone(int Engine, bool Signalled);

        class GpuOps : IntervalNotifierOps
        {
            private readonly List<FlushDone> _history = new List<FlushDone>();

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var pending = new PendingFlush(f, f.Engine);
                pending.Finish.Fence.Wait();
                PendingFlush copy = default;
                copy.Finish = f;
                copy.Finish.Fence.Set();
                var info = new { f.Engine, Finish = f };
                Console.WriteLine(info.Engine + " " + info.Finish.Fence.IsSet);
                _history.Add(new FlushDone(f.Engine, f.Fence.IsSet));
            }
        }
        """);

    [Fact]
    public Task AnonymousObjectHoldingTheFinish_StoredInAField_IsReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private object? _state;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                _state = new { {|#0:Finish = finish|}, At = DateTime.UtcNow };
            }
        }
        """, At(0));

    // ---------------------------------------------------------------- refs

    [Fact]
    public Task WritesThroughRefsThatPointAtFields_AreReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private readonly GpuFinish?[] _slots = new GpuFinish?[8];
            private GpuFinish? _primary;
            private GpuFinish? _secondary;

            private ref GpuFinish? SlotFor(int engine) => ref _slots[engine & 7];

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                var f = new GpuFinish { Engine = (int)(range.Start >> 12) };
                ref GpuFinish? slot = ref _slots[f.Engine & 7];
                {|#0:slot = f|};
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var first = f.Engine == 0;
                {|#1:(first ? ref _primary : ref _secondary) = f|};
                ref var target = ref (first ? ref _secondary : ref _primary);
                {|#2:target = f|};
                {|#3:SlotFor(f.Engine) = f|};
            }
        }
        """, At(0), At(1), At(2), At(3));

    [Fact]
    public Task WritesThroughRefsToLocals_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                GpuFinish? current = null;
                GpuFinish? previous = null;
                ref var slot = ref current;
                slot = f;
                ref var either = ref (f.Engine > 0 ? ref current : ref previous);
                either = f;
                ref int engine = ref f.Engine;
                engine = 0;
                current?.Fence.Wait();
            }
        }
        """);

    // ---------------------------------------------------------------- sequences

    [Fact]
    public Task IteratorYieldingTheFinish_MaterialisedIntoAField_IsReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private GpuFinish[] _snapshot = Array.Empty<GpuFinish>();
            private List<GpuFinish>? _recent;
            private IEnumerable<GpuFinish>? _lazy;
            private List<GpuFinish>? _copies;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                _snapshot = {|#0:Pending(f)|}.ToArray();
                _recent = {|#1:Pending(f)|}.Where(x => x.Engine >= 0).ToList();
                _lazy = {|#2:Pending(f)|};
                _copies = new List<GpuFinish>({|#3:Pending(f)|});
            }

            private IEnumerable<GpuFinish> Pending(GpuFinish f)
            {
                if (f.Engine >= 0)
                {
                    yield return f;
                }
            }
        }
        """, At(0), At(1), At(2), At(3));

    [Fact]
    public Task ArrayOfTheFinish_MaterialisedIntoAField_IsReported() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private List<NotifierFinish>? _batch;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                _batch = {|#0:new[] { finish }.ToList()|};
            }
        }
        """, At(0));

    [Fact]
    public Task SequencesConsumedInsideThePass_AreSilent() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private int _count;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                foreach (var pending in Pending(f))
                {
                    pending.Fence.Wait();
                }

                var all = Pending(f).ToList();
                all.ForEach(x => x.Fence.Set());
                _count += Pending(f).Count();
                _count += new[] { f }.Select(x => x.Engine).Sum();
            }

            private IEnumerable<GpuFinish> Pending(GpuFinish f)
            {
                yield return f;
            }
        }
        """);
}
