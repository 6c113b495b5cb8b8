using System;
using System.Text;

namespace IntervalNotifiers.Analyzers.Tests.Rules.CallbackFlow;

/// <summary>
/// A small deterministic generator of ops types whose callbacks mix the shapes the callback path rules (NTF006,
/// NTF007, NTF008) and their pre-filters look at: if/else, early returns, try/finally, loops, lock, switch, the
/// finish written, cleared and rented in varied places, <c>SetSequence</c> and <c>IsBlockable</c> / owner guards in
/// varied places, bool locals, calls, literal and computed returns, and the shapes the operation-tree answers read
/// (type switches on the notifier, guards split by <c>&amp;&amp;</c>, waits whose timeout IsBlockable chooses, an
/// <c>if</c> that returns on a blockable range, helpers that set the sequence always, after early returns, never (behind
/// a constant test) or through another helper, a helper that only computes, lambdas that set it, conditional returns,
/// exception filters). The same seed gives the same source.
/// </summary>
internal sealed class CallbackGenerator
{
    public const string Prelude = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        public sealed class GpuNotifier : IntervalNotifier
        {
            public GpuNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        public sealed class GpuFinish : NotifierFinish { }

        public static class GpuReader
        {
            public static bool Valid(GpuNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                return !notifier.ReadRetry(seq);
            }
        }

        """;

    private readonly Random _random;
    private readonly StringBuilder _text = new();
    private bool _start;
    private int _locals;
    private int _insideFinally;

    public CallbackGenerator(int seed) => _random = new Random(seed);

    /// <summary>A source with <paramref name="count"/> ops types (after <see cref="Prelude"/>), named with <paramref name="prefix"/>.</summary>
    public string Generate(string prefix, int count)
    {
        _text.Clear();
        _text.Append(Prelude);
        for (var i = 0; i < count; i++)
        {
            OpsType($"{prefix}{i}");
        }

        return _text.ToString();
    }

    private void OpsType(string name)
    {
        _start = _random.Next(2) == 0;
        _locals = 0;
        _text.Append($$"""
            public sealed class {{name}} : IntervalNotifierOps
            {
                private readonly object _lock = new object();
                private readonly object _owner = new object();
                private readonly SemaphoreSlim _sem = new SemaphoreSlim(1);
                private readonly NotifierFinishPool<GpuFinish> _pool = new NotifierFinishPool<GpuFinish>(4);
                private bool _a, _b;
                private int _n;

                private bool Check(in NotifierRange range) => range.Start > 0;

                private void Helper(IntervalNotifier notifier, ulong sequence)
                {
                    if (_a) notifier.SetSequence(sequence);
                }

                private bool Zap(IntervalNotifier notifier, ulong sequence)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(sequence);
                    }

                    return _n > 0;
                }

                private bool TryZap(IntervalNotifier notifier, ulong sequence)
                {
                    if (_b)
                    {
                        return false;
                    }

                    try
                    {
                        if (_n > 3)
                        {
                            return false;
                        }

                        notifier.SetSequence(sequence);
                        return true;
                    }
                    finally
                    {
                        _n++;
                    }
                }

                private bool NeverZap(IntervalNotifier notifier, ulong sequence)
                {
                    if (_b || true)
                    {
                        return false;
                    }

                    notifier.SetSequence(sequence);
                    return true;
                }

                private void Note(IntervalNotifier notifier, ulong sequence)
                {
                    _n++;
                    Zap(notifier, sequence);
                }

                private ulong Span(in NotifierRange range) => Math.Max(range.Start, range.End) - range.Start;

                private static void Run(Action action) => action();

                private static bool Try(Action action)
                {
                    action();
                    return true;
                }

            """);
        if (_start)
        {
            _text.AppendLine("    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)");
            _text.AppendLine("    {");
            _text.AppendLine("        finish = null;");
            Statements(depth: 0, count: 1 + _random.Next(4));
            _text.AppendLine("        " + Return());
            _text.AppendLine("    }");
            _text.AppendLine("    public override void InvalidateFinish(NotifierFinish finish) { }");
        }
        else
        {
            _text.AppendLine("    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)");
            _text.AppendLine("    {");
            Statements(depth: 0, count: 1 + _random.Next(4));
            _text.AppendLine("        " + Return());
            _text.AppendLine("    }");
        }

        _text.AppendLine("}");
        _text.AppendLine();
    }

    /// <summary>
    /// Nothing, or an exception filter: plain, on the range's blockability or owner (conditions the rules refine on), one
    /// that sets the sequence (a call of <c>Zap</c>), or one that writes the finish or a field.
    /// </summary>
    private string Filter()
        => _random.Next(7) switch
        {
            0 => "when (_a) ",
            1 => "when (!range.IsBlockable) ",
            2 => "when (range.Owner == _owner) ",
            3 => "when (Zap(notifier, currentSequence)) ",
            4 => _start ? "when ((finish = new GpuFinish()) != null) " : "when ((_b = !_b)) ",
            _ => string.Empty,
        };

    private void Statements(int depth, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Statement(depth);
        }
    }

    private void Block(int depth)
    {
        _text.AppendLine("{");
        Statements(depth + 1, 1 + _random.Next(3));
        _text.AppendLine("}");
    }

    private void Statement(int depth)
    {
        var choice = _random.Next(depth >= 3 ? 12 : 29);
        if (_insideFinally > 0 && choice is 0 or 1 or 4 or 5 or 6 or 8 or 9 or >= 22)
        {
            choice = new[] { 2, 3, 7, 10, 11 }[_random.Next(5)]; // no return can leave a finally
        }

        switch (choice)
        {
            case 0:
            case 1:
                _text.AppendLine(Return());
                break;
            case 2:
                _text.AppendLine("notifier.SetSequence(currentSequence);");
                break;
            case 3:
                _text.AppendLine(_start ? "finish = new GpuFinish();" : "_n++;");
                break;
            case 4:
                _text.AppendLine(_start ? "finish = null; return false;" : "return false;");
                break;
            case 5:
                _text.AppendLine("if (!range.IsBlockable) return false;");
                break;
            case 6:
                _text.AppendLine("if (range.Owner == _owner) return true;");
                break;
            case 7:
                _text.AppendLine(_start ? $"if (_pool.TryRent(out var rented{_locals})) finish = rented{_locals++};" : "Helper(notifier, currentSequence);");
                break;
            case 8:
                _text.AppendLine($"var blockable{_locals} = range.IsBlockable;");
                _text.AppendLine($"if (!blockable{_locals++} && _a) return false;");
                break;
            case 9:
                _text.AppendLine(_start && _random.Next(2) == 0 ? "if (finish != null) return false;" : "if (notifier is not GpuNotifier) return true;");
                break;
            case 10:
                _text.AppendLine(_start ? "finish ??= new GpuFinish();" : "if (_b) notifier.SetSequence(currentSequence);");
                break;
            case 11:
                _text.AppendLine(_start && _random.Next(2) == 0 ? "(finish, _a) = (_b ? new GpuFinish() : null, _b);" : "_a = !_b;");
                break;
            case 12:
            case 13:
                _text.Append($"if ({Condition()}) ");
                Block(depth);
                if (_random.Next(2) == 0)
                {
                    _text.Append("else ");
                    Block(depth);
                }

                break;
            case 14:
                _text.Append("try ");
                Block(depth);
                _text.Append("finally ");
                _insideFinally++;
                Block(depth);
                _insideFinally--;
                break;
            case 15:
                _text.Append("lock (_lock) ");
                Block(depth);
                break;
            case 16:
                _text.Append($"for (var i{_locals} = 0; i{_locals} < _n; i{_locals++}++) ");
                Block(depth);
                break;
            case 17:
                _text.Append("while (_a) ");
                _text.AppendLine("{");
                Statements(depth + 1, 1 + _random.Next(2));
                _text.AppendLine(_random.Next(2) == 0 ? "break;" : "_a = false;");
                _text.AppendLine("}");
                break;
            case 18:
                _text.Append("if (range.IsBlockable) ");
                Block(depth);
                _text.Append("else ");
                Block(depth);
                break;
            case 19:
                _text.Append("try ");
                Block(depth);
                _text.Append("catch (InvalidOperationException) ");
                _text.Append(Filter());
                Block(depth);
                break;
            case 20:
                _text.AppendLine("switch (range.Event)");
                _text.AppendLine("{");
                _text.AppendLine("case NotifierEvent.Unmap:");
                Block(depth);
                _text.AppendLine("break;");
                _text.AppendLine("default:");
                Block(depth);
                _text.AppendLine("break;");
                _text.AppendLine("}");
                break;
            case 22:
                _text.AppendLine(_random.Next(2) == 0
                    ? "if (range.Owner == _owner && range.Event == NotifierEvent.Unmap) return true;"
                    : "if (_a || range.Owner != _owner) { } else { return true; }");
                break;
            case 23:
                _text.AppendLine("switch (notifier)");
                _text.AppendLine("{");
                _text.AppendLine($"case GpuNotifier gpu{_locals++} when _a:");
                Block(depth);
                _text.AppendLine("break;");
                _text.AppendLine(_random.Next(2) == 0 ? "default:" : "case null:");
                _text.AppendLine(Return());
                _text.AppendLine("}");
                break;
            case 24:
                var wait = _random.Next(3) switch
                {
                    0 => "_sem.Wait(range.IsBlockable ? Timeout.Infinite : 0)",
                    1 => $"_sem.Wait(blockable{_locals} ? -1 : 0)",
                    _ => "_sem.Wait(range.IsBlockable ? 0 : Timeout.Infinite)",
                };
                _text.AppendLine($"var blockable{_locals} = range.IsBlockable;");
                _text.AppendLine($"if (!{wait}) return false;");
                _locals++;
                break;
            case 25:
                _text.AppendLine(_random.Next(3) switch
                {
                    0 => "if (range.IsBlockable == false) return _a;",
                    1 => "if (range is { IsBlockable: false }) return false;",
                    _ => "if (range.IsBlockable is true) { } else return _a && _b;",
                });
                break;
            case 26:
                _text.Append("if (range.IsBlockable) ");
                _text.AppendLine("{");
                Statements(depth + 1, 1 + _random.Next(2));
                _text.AppendLine(Return());
                _text.AppendLine("}");
                break;
            case 27:
                _text.AppendLine(_random.Next(10) switch
                {
                    0 => "Zap(notifier, currentSequence);",
                    1 => "_a = Zap(notifier, currentSequence) && _b;",
                    2 => "if (!TryZap(notifier, currentSequence)) return false;",
                    3 => "NeverZap(notifier, currentSequence);",
                    4 => "Note(notifier, currentSequence);",
                    5 => "Run(() => notifier.SetSequence(currentSequence));",
                    6 => "if (_a) Run(() => notifier.SetSequence(currentSequence));",
                    7 => "_a = _b && Try(() => notifier.SetSequence(currentSequence));",
                    8 => _random.Next(2) == 0 ? "Run(() => _n++);" : "_a = Try(() => _n--);",
                    _ => "_n += (int)Span(in range);",
                });
                break;
            default:
                _text.Append("if (!range.IsBlockable) ");
                Block(depth);
                break;
        }
    }

    private string Condition() => _random.Next(7) switch
    {
        0 => "_a",
        1 => "!_b",
        2 => "_a && range.IsBlockable",
        3 => "_n > 2 || _b",
        4 => "range.Owner != _owner",
        5 => "Check(range)",
        _ => "_a || !range.IsBlockable",
    };

    private string Return() => _random.Next(15) switch
    {
        0 or 1 or 2 => "return true;",
        3 or 4 => "return false;",
        5 => "return _a;",
        6 => "return Check(range);",
        7 => "return _a ? false : true;",
        8 => "return range.IsBlockable || _b;",
        9 => "return _a && _b;",
        10 => "return range.IsBlockable ? Check(range) : false;",
        11 => "return range.Owner == _owner || _b;",
        12 => "return notifier switch { GpuNotifier => Zap(notifier, currentSequence), _ => true };",
        13 => "return !range.IsBlockable && _a;",
        _ => "return _b || Zap(notifier, currentSequence);",
    };
}
