using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules.PoolReturn;

/// <summary>
/// NTF014's tree proof of the start (<c>NTF014.RentedFinishFlow.Tree.cs</c>) is a speed-up only: on many generated
/// pooled starts that mix the statements it answers on the tree (rents tested by <c>!</c>, <c>&amp;&amp;</c> and
/// <c>||</c>, hand-outs, returns, switches, loops, try/catch/finally, exception filters, <c>lock</c>, <c>using</c>, lambdas, local
/// functions, <c>?:</c>, <c>?.</c> and <c>??</c>, null tests, throws), the analyzer with it (and without the
/// pre-filter) reports exactly what the flow alone reports.
/// </summary>
public sealed class NTF014TreeTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task TheTreeNeverHidesWhatTheFlowReports(int seed)
    {
        var source = Generate(seed, count: 150);
        var compilation = PooledStarts.Compile($"Tree{seed}", source);

        var flowOnly = await RunAsync(compilation, new PoolReturnAnalyzer(prefilters: false, tree: false));
        var withTree = await RunAsync(compilation, new PoolReturnAnalyzer(prefilters: false, tree: true));
        var withBoth = await RunAsync(compilation, new PoolReturnAnalyzer());

        var lines = source.Split('\n');
        var hidden = flowOnly.Except(withTree).ToList();
        Assert.True(hidden.Count == 0, "hidden by the tree:\n" + string.Join("\n", hidden.Select(d => d + "\n" + PooledStarts.Around(lines, d))));
        Assert.True(flowOnly.SequenceEqual(withTree), "only with the tree:\n" + string.Join("\n", withTree.Except(flowOnly)));
        Assert.True(flowOnly.SequenceEqual(withBoth), "with the pre-filter and the tree:\n" + string.Join("\n", withBoth.Except(flowOnly)));
    }

    [Fact]
    public async Task TheGeneratedStartsLeakAndDoNotLeak()
    {
        // The comparison means something only if the flow reports some starts and passes others.
        var source = Generate(1, count: 150);
        var compilation = PooledStarts.Compile("Tree1", source);
        var reported = await RunAsync(compilation, new PoolReturnAnalyzer(prefilters: false, tree: false));
        Assert.InRange(reported.Length, 15, 140);
    }

    private static Task<ImmutableArray<string>> RunAsync(Compilation compilation, PoolReturnAnalyzer analyzer)
        => PooledStarts.RunAsync(compilation, analyzer);

    private static readonly string[] Rents =
    {
        "if (!_pool.TryRent(out var f)) { return true; }",
        "if (!_pool.TryRent(out var f)) { finish = null; return false; }",
        "if (_pool.TryRent(out var f)) { f.Start = 1; } else { return false; }",
        "if (_pool.TryRent(out var f)) { finish = f; return true; }",
        "if (range.Start == 3 || !_pool.TryRent(out var f)) { return true; }",
        "if (!_pool.TryRent(out var f) || range.Start == 3) { return true; }",
        "if (_pool.TryRent(out var f) && range.End > 0) { finish = f; }",
        "if (!(_pool.TryRent(out var f) && range.IsBlockable)) { if (f is not null) { _pool.Return(f); } return true; }",
        "var got = _pool.TryRent(out var f); if (!got) { return true; }",
        "_pool.TryRent(out var f);",
        "var g = _pool.TryRent(out var f) ? f : null;",
        "if (_pool.TryRent(out var f) == false) { return true; }",
        "if (!_pool.TryRent(out var f)) { if (range.IsBlockable) { return true; } return false; }",
    };

    private static readonly string[] Middles =
    {
        "f.Start = range.Start;",
        "if (range.Start == 0) { return false; }",
        "if (range.Start == 1) { _pool.Return(f); return true; }",
        "finish = f;",
        "finish = f;",
        "finish = null;",
        "switch (range.Event) { case NotifierEvent.Release: return true; case NotifierEvent.SoftDirty: finish = f; break; default: f.End = 2; break; }",
        "switch (range.Event) { case NotifierEvent.Release: finish = null; return true; }",
        "try { if (range.End == 7) { return false; } f.End = 3; } finally { f.Start = 0; }",
        "try { if (range.End == 8) { return false; } } finally { if (finish is null) { _pool.Return(f); } }",
        "try { f.Start = 2; } catch (InvalidOperationException) { return false; }",
        "try { finish = f; } catch (InvalidOperationException) { finish = null; return false; }",
        "try { f.Start = 2; } catch (InvalidOperationException) when (range.IsBlockable) { return false; }",
        "try { finish = f; } catch (InvalidOperationException) when ((finish = null) == null) { return false; }",
        "try { if (range.End == 11) { return false; } } catch (InvalidOperationException) when (Check(f)) { _pool.Return(f); return true; }",
        "for (var k = 0; k < 2; k++) { if (range.End == (ulong)k) { return false; } f.End = (ulong)k; }",
        "while (range.Start > 100) { finish = f; break; }",
        "foreach (var k in new[] { 1, 2 }) { if (k == (int)range.End) { finish = null; } }",
        "Action act{n} = () => f.Start = 9; act{n}();",
        "Func<bool> check{n} = () => notifier is null; if (check{n}()) { return false; }",
        "var h{n} = range.IsBlockable ? f : null;",
        "finish = range.IsBlockable ? f : null;",
        "if (finish is null) { return false; }",
        "if (finish != null) { return true; }",
        "lock (this) { if (range.Start == 5) { return false; } }",
        "lock (this) { finish = f; }",
        "if (range.End == 2) { throw new InvalidOperationException(); }",
        "f.End = range.End > 4 ? 1UL : 2UL;",
        "Keep(f);",
        "if (f != null && range.Start == 4) { return true; }",
        "if (f is null) { return false; }",
        "using (var scope{n} = new System.IO.MemoryStream()) { if (range.End == 6) { return false; } }",
        "int Local{n}() => 1; Local{n}();",
        "var cb{n} = f?.Start ?? 0;",
        "var e{n} = f.Start > 1 ? f.End : f.Start;",
        "do { f.Start++; } while (f.Start < 3 && range.IsBlockable);",
        "if (range.IsBlockable) { finish = f; } else { finish = null; _pool.Return(f); }",
        "var copy{n} = f;",
        "f = null;",
        "Shelve(ref f);",
        "var ok{n} = range.IsBlockable && Check(f); if (!ok{n}) { return false; }",
        "if (range.Start == 9) { finish = f; return range.IsBlockable ? true : false; }",
        "if (range.Start == 10) { return f.Start == 0 && range.IsBlockable; }",
    };

    private static readonly string[] Ends =
    {
        "return true;",
        "return true;",
        "return range.IsBlockable;",
        "return f.Start == 0 && range.IsBlockable;",
        "finish = f; return true;",
        "return range.IsBlockable ? Check(f) : false;",
        "finish = null; return false;",
    };

    /// <summary>Ops types whose starts combine, at random, a rent, a few statements and an end.</summary>
    private static string Generate(int seed, int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder(PooledStarts.Header);
        for (var i = 0; i < count; i++)
        {
            var body = new StringBuilder("finish = null; "); // assigned on every return, whatever follows
            body.Append(Rents[random.Next(Rents.Length)]).Append(' ');
            var middles = random.Next(4);
            for (var m = 0; m < middles; m++)
            {
                body.Append(Middles[random.Next(Middles.Length)].Replace("{n}", m.ToString())).Append(' ');
            }

            body.Append(Ends[random.Next(Ends.Length)]);
            text.Append(PooledStarts.OpsType(i, body.ToString(), """
                    private static void Keep(PoolFinish? finish) { }

                    private static bool Check(PoolFinish? finish) => finish is not null;

                    private static void Shelve(ref PoolFinish? finish) { }
                """));
        }

        return text.ToString();
    }
}
