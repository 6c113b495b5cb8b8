using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Rules.CallbackFlow;

/// <summary>
/// The answers NTF006, NTF007 and NTF008 take from the operation tree (<c>NTF006.FinishOnFalseReturn.Tree.cs</c>,
/// <c>NTF007.BlockableFlow.Tree.cs</c>, <c>NTF008.SetSequenceFlow.Tree.cs</c>) stand in for the graph only when they agree
/// with it: on every source of the NTF006, NTF007 and NTF008 tests (analyzer and code-fix tests, markup removed), on the
/// valid-code project and on generated callbacks, the analyzer with its pre-filters and trees reports exactly what its
/// flows alone report. And they do decide: on the valid-code project no rule asks for a graph.
/// </summary>
public sealed class CallbackFlowTreeTests
{
    private readonly ITestOutputHelper _output;

    public CallbackFlowTreeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task TreesAgreeWithTheFlows_OnEveryTestSourceOfTheRules()
    {
        var sources = RuleTestSources();
        Assert.True(sources.Count >= 60, $"expected the sources of the NTF006-NTF008 tests, found {sources.Count}");

        var treeWork = new CallbackFlowWork();
        var flowWork = new CallbackFlowWork();
        var reported = 0;
        var failures = new List<string>();
        for (var i = 0; i < sources.Count; i++)
        {
            var (origin, text) = sources[i];
            var compilation = ValidCodeTests.Compile($"Source{i}", LanguageVersion.Latest, ($"/0/Source{i}.cs", text));
            var withTrees = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, treeWork);
            var flowsOnly = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: false, flowWork);
            reported += flowsOnly.Length;
            if (!withTrees.SequenceEqual(flowsOnly))
            {
                failures.Add($"{origin}:\nflows: {string.Join(" | ", flowsOnly)}\ntrees: {string.Join(" | ", withTrees)}\n{text}");
            }
        }

        _output.WriteLine($"{sources.Count} sources, {reported} diagnostics from the flows");
        _output.WriteLine($"with pre-filters and trees: {treeWork}");
        AssertHelperProofsAgreeWithTheGraphs(treeWork, expectSome: false);
        _output.WriteLine($"flows only: {flowWork}");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));

        // The comparison means something only if the flows report, and the trees decide some callbacks.
        Assert.True(reported >= 40, $"{reported}");
        Assert.True(treeWork["NTF006 tree"] >= 3 && treeWork["NTF007 tree"] >= 3 && treeWork["NTF008 tree"] >= 3, treeWork.ToString());
    }

    [Fact]
    public async Task TreesAgreeWithTheFlows_OnTheValidCodeProject_WithoutAGraph()
    {
        var compilation = ValidCodeTests.CompileValidCode();

        var work = new CallbackFlowWork();
        Assert.Empty(await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, work));
        Assert.Empty(await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: false, null));
        _output.WriteLine(work.ToString());

        Assert.True(work["callback"] >= 50, work.ToString());
        Assert.True(work["NTF006 tree"] >= 3 && work["NTF008 tree"] >= 15, work.ToString());
        Assert.True(work["NTF006 graph"] == 0 && work["NTF008 graph"] == 0 && work["NTF008 helper graph"] == 0, work.ToString());
        AssertHelperProofsAgreeWithTheGraphs(work, expectSome: false);

        // The pre-filter of NTF007 decides nearly every callback too; of the 67 callbacks, the tree decides the one it cannot
        // (a 'ref taken' flag set by a wait with a timeout chosen by IsBlockable). A new shape here that needs a graph is a
        // cost to weigh.
        Assert.True(work["NTF007 prefilter"] >= 50 && work["NTF007 tree"] >= 1 && work.GraphsBuilt == 0, work.ToString());

        // NTF008 asks for the helper membership (the type's call graph, a walk of every body of the type) only for a
        // call of an own helper that may call SetSequence: 9 asks here (13 before the helpers were scanned first).
        Assert.True(work["NTF008 membership"] <= 9, work.ToString());
    }

    /// <summary>
    /// The driver ports (TestData/DriverPorts, written without reading the analyzers): the trees decide every callback but
    /// one. What is left to a graph there, and why (bench/README, sessions 22-23): NTF007 for one callback (a
    /// <c>using</c> declaration whose initializer takes the range). The tracing decorator's exception filter no longer
    /// sends its start to NTF006's graph; NTF008 needs none for the helpers that set the sequence after early returns or
    /// are one path, nor for KVM's callback that sets it in a lambda run under its lock.
    /// </summary>
    [Fact]
    public async Task TreesDecideTheDriverPorts_ButForOneGraph()
    {
        var compilation = ValidCodeTests.CompileProject("DriverPorts");

        var work = new CallbackFlowWork();
        Assert.Empty(await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, work));
        _output.WriteLine(work.ToString());
        Assert.True(work["callback"] >= 20, work.ToString());
        Assert.True(work["NTF006 graph"] == 0 && work["NTF007 graph"] <= 1 && work["NTF008 graph"] == 0
                    && work["NTF008 helper graph"] == 0, work.ToString());
        AssertHelperProofsAgreeWithTheGraphs(work, expectSome: true);
    }

    /// <summary>
    /// Helpers that set the sequence after early returns, some behind constant tests, one after an if/else chain that
    /// returns on every branch (no path reaches the call), each the only way its callback sets the sequence: every
    /// answer found without a graph agrees with the helper's graph.
    /// </summary>
    [Fact]
    public async Task HelperProofs_AgreeWithTheGraphs_AfterEarlyReturns()
    {
        var guards = new[]
        {
            "_b", "!_b && _n > 2", "_b || true", "true", "Always", "!false", "_b ? true : _n > 0", "_n > 0 && (_b || !false)",
            "_b) { return; } else if (_n > 0) { return; } else { return; } if (_n == 1",
        };
        var source = new System.Text.StringBuilder(CallbackGenerator.Prelude);
        for (var i = 0; i < guards.Length; i++)
        {
            source.Append($$"""
                public sealed class EarlyOps{{i}} : IntervalNotifierOps
                {
                    private const bool Always = true;
                    private readonly object _lock = new object();
                    private bool _b;
                    private int _n;

                    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                    {
                        if (range.Owner == _lock)
                        {
                            return true;
                        }

                        _n++;
                        SetAfterEarlyReturn(notifier, currentSequence);
                        return true;
                    }

                    private void SetAfterEarlyReturn(IntervalNotifier notifier, ulong sequence)
                    {
                        if ({{guards[i]}})
                        {
                            return;
                        }

                        lock (_lock)
                        {
                            notifier.SetSequence(sequence);
                        }
                    }
                }

                """);
        }

        var compilation = ValidCodeTests.Compile("EarlyReturns", LanguageVersion.Latest, ("/0/EarlyReturns.cs", source.ToString()));
        var work = new CallbackFlowWork();
        var withTrees = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, work);
        var flowsOnly = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: false, null);
        _output.WriteLine(work.ToString());
        Assert.Equal(flowsOnly, withTrees);
        AssertHelperProofsAgreeWithTheGraphs(work, expectSome: false);
        Assert.True(work["NTF008 helper tree"] >= 2, work.ToString());
    }

    /// <summary>
    /// NTF008's answers about an in-callback helper without its graph (NTF008.SetSequenceCalls.cs: a covering call some
    /// path reaches past early returns; the coverage of a body that is one path) are checked, when counted, against the
    /// helper's graph: none may contradict it.
    /// </summary>
    private static void AssertHelperProofsAgreeWithTheGraphs(CallbackFlowWork work, bool expectSome)
    {
        Assert.True(work["NTF008 helper tree contradicted"] == 0 && work["NTF008 helper straight contradicted"] == 0, work.ToString());
        if (expectSome)
        {
            Assert.True(work["NTF008 helper tree"] > 0 && work["NTF008 helper straight"] > 0, work.ToString());
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task TreesAgreeWithTheFlows_OnGeneratedCallbacks(int seed)
    {
        var source = new CallbackGenerator(seed).Generate($"Ops{seed}_", count: 120);
        var compilation = ValidCodeTests.Compile($"Generated{seed}", LanguageVersion.Latest, ($"/0/Generated{seed}.cs", source));
        var work = new CallbackFlowWork();
        var withTrees = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, work);
        var flowsOnly = await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: false, null);
        _output.WriteLine($"seed {seed}: {flowsOnly.Length} diagnostics; {work}");
        AssertHelperProofsAgreeWithTheGraphs(work, expectSome: false);
        var hidden = Minus(flowsOnly, withTrees);
        var invented = Minus(withTrees, flowsOnly);
        Assert.True(hidden.Count == 0 && invented.Count == 0,
            "hidden:\n" + string.Join("\n", hidden.Select(d => d + "\n" + CallbackFlowPrefilterTests.CallbackAround(source, d)))
            + "\ninvented:\n" + string.Join("\n", invented));
    }

    /// <summary>Every source (markup removed) of the analyzer and code-fix tests of NTF006, NTF007 and NTF008, with where it comes from.</summary>
    private static List<(string Origin, string Text)> RuleTestSources()
    {
        // The repository's copy of this project (CallerFilePath is mapped to /_/ in CI's deterministic builds).
        var repository = AnalyzerCatalog.RepoRoot ?? throw new InvalidOperationException("the repository root (NotifierAnalyzers.sln) was not found");
        var tests = Path.Combine(repository, "tests", "IntervalNotifiers.Analyzers.Tests");
        var files = Directory.GetFiles(Path.Combine(tests, "Rules"), "NTF00*Tests.cs")
                             .Concat(Directory.GetFiles(Path.Combine(tests, "CodeFixes"), "NTF00*.cs"))
                             .Where(f => Regex.IsMatch(Path.GetFileName(f), "^NTF00[678]"))
                             .OrderBy(f => f, StringComparer.Ordinal);
        var sources = new List<(string, string)>();
        foreach (var file in files)
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            var constants = root.DescendantNodes().OfType<VariableDeclaratorSyntax>()
                                .Where(v => v.Initializer?.Value is LiteralExpressionSyntax)
                                .GroupBy(v => v.Identifier.ValueText)
                                .ToDictionary(g => g.Key, g => ((LiteralExpressionSyntax)g.First().Initializer!.Value).Token.ValueText);
            foreach (var literal in root.DescendantNodes().OfType<LiteralExpressionSyntax>())
            {
                var text = literal.Token.ValueText;
                if (!literal.IsKind(SyntaxKind.StringLiteralExpression) || !text.Contains("Invalidate"))
                {
                    continue;
                }

                // 'Prelude + """...""": the constant before it.
                if (literal.Parent is BinaryExpressionSyntax { Left: IdentifierNameSyntax name } binary && binary.Right == literal
                    && constants.TryGetValue(name.Identifier.ValueText, out var prelude))
                {
                    text = prelude + text;
                }

                var line = literal.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                sources.Add(($"{Path.GetFileName(file)}:{line}", RemoveMarkup(text)));
            }
        }

        return sources;
    }

    /// <summary>The diagnostics of <paramref name="a"/> not matched one for one in <paramref name="b"/>.</summary>
    private static List<string> Minus(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var rest = b.ToList();
        var missing = new List<string>();
        foreach (var d in a)
        {
            if (!rest.Remove(d))
            {
                missing.Add(d);
            }
        }

        return missing;
    }

    /// <summary>The source without the test markup (<c>{|NTF006:...|}</c>, <c>[|...|]</c>).</summary>
    private static string RemoveMarkup(string text)
        => Regex.Replace(text, @"\{\|[A-Za-z0-9]+:|\|\}|\[\||\|\]", string.Empty);
}
