using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules.PoolReturn;

/// <summary>
/// NTF014's start pre-filter is a speed-up only: on many generated pooled starts (the shape it rules out, and its
/// near misses: a return between the rent and the hand-out, a hand-out nested in a branch, a rent in a loop, an
/// else, a positive test, a hand-out undone by <c>finish = null</c>), the analyzer with the pre-filter reports exactly what the flow alone reports.
/// </summary>
public sealed class NTF014PrefilterTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task ThePrefilterNeverHidesWhatTheFlowReports(int seed)
    {
        var source = Generate(seed, count: 150);
        var compilation = PooledStarts.Compile($"Pooled{seed}", source);

        var withPrefilter = await RunAsync(compilation, prefilters: true);
        var flowOnly = await RunAsync(compilation, prefilters: false);

        var hidden = flowOnly.Except(withPrefilter).ToList();
        var invented = withPrefilter.Except(flowOnly).ToList();
        var lines = source.Split('\n');
        Assert.True(hidden.Count == 0 && invented.Count == 0,
            "hidden by the pre-filter:\n" + string.Join("\n", hidden.Select(d => d + "\n" + PooledStarts.Around(lines, d)))
            + "\nonly with the pre-filter:\n" + string.Join("\n", invented));
        Assert.Equal(flowOnly.Length, withPrefilter.Length);
        Assert.True(flowOnly.SequenceEqual(withPrefilter));
    }

    [Fact]
    public async Task TheGeneratedStartsLeakAndDoNotLeak()
    {
        // The comparison means something only if the flow reports some starts and passes others.
        var source = Generate(1, count: 150);
        var compilation = PooledStarts.Compile("Pooled1", source);
        var reported = await RunAsync(compilation, prefilters: false);
        Assert.InRange(reported.Length, 10, 140);
    }

    private static Task<ImmutableArray<string>> RunAsync(Compilation compilation, bool prefilters)
        => PooledStarts.RunAsync(compilation, new PoolReturnAnalyzer(prefilters));

    /// <summary>Ops types whose starts combine, at random, the parts of a pooled start.</summary>
    private static string Generate(int seed, int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder(PooledStarts.Header);
        string Pick(params string[] options) => options[random.Next(options.Length)];
        for (var i = 0; i < count; i++)
        {
            var condition = Pick("!_pool.TryRent(out var f)", "range.Event == NotifierEvent.Release || !_pool.TryRent(out var f)",
                                 "!_pool.TryRent(out var f) || range.Event == NotifierEvent.Release");
            var failed = Pick("finish = null; return true;", "finish = null; return Invalidate(notifier, range, currentSequence);",
                              "f = new PoolFinish();", "finish = null; return false;", "f = new PoolFinish(); finish = null;");
            var elsePart = Pick("", "", "", " else { f.Start = 1; }", " else { finish = f; return true; }");
            var between = Pick("", "f.Start = range.Start;", "if (range.Start == 0) { finish = null; return true; }",
                               "if (range.Start == 0) { finish = null; return false; }", "lock (this) { f.End = range.End; }",
                               "try { f.End = range.End; } catch (InvalidOperationException) { finish = null; return false; }");
            var handOut = Pick("finish = f;", "finish = f;", "if (range.End != 0) finish = f; else finish = null;",
                               "finish = range.IsBlockable ? f : null;", "{ finish = f; }");
            var after = Pick("return true;", "f.End = 2; return true;", "if (range.End == 1) return false; return true;",
                             "if (range.End == 1) { finish = null; return false; } return true;",
                             "if (range.End == 1) { finish = null; _pool.Return(f); return false; } return true;",
                             "if (finish is null) return false; return true;");
            var prefix = Pick("", "notifier.SetSequence(currentSequence);", "if (range.Start == 5) { finish = null; return true; }",
                              "for (var k = 0; k < 1; k++) { }");
            var usesFirstForm = condition.StartsWith("!_pool") || condition.StartsWith("range.");
            if (!usesFirstForm || random.Next(10) == 0)
            {
                // A positive test now and then: the pre-filter never rules it out.
                condition = "_pool.TryRent(out var f)";
                failed = "finish = f; return true;";
                elsePart = "";
            }

            text.Append(PooledStarts.OpsType(i, $$"""
                {{prefix}}
                if ({{condition}})
                {
                    {{failed}}
                }{{elsePart}}

                {{between}}
                {{handOut}}
                {{after}}
                """));
        }

        return text.ToString();
    }
}
