using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Rules.CallbackFlow;

/// <summary>
/// The pre-filters of NTF006, NTF007 and NTF008 are speed-ups only: on many generated callbacks, the analyzer with
/// its pre-filters reports exactly what it reports when every callback goes to its flow.
/// </summary>
public sealed class CallbackFlowPrefilterTests
{
    private readonly ITestOutputHelper _output;

    public CallbackFlowPrefilterTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task PrefiltersNeverHideWhatTheFlowsReport(int seed)
    {
        var source = new CallbackGenerator(seed).Generate($"Ops{seed}_", count: 120);
        var compilation = ValidCodeTests.Compile($"Generated{seed}", LanguageVersion.Latest, ($"/0/Generated{seed}.cs", source));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));

        var withPrefilters = await RunAsync(compilation, prefilters: true);
        var flowsOnly = await RunAsync(compilation, prefilters: false);

        _output.WriteLine($"seed {seed}: " + string.Join(", ", flowsOnly.GroupBy(d => d.Split(' ')[0]).Select(g => $"{g.Key} x{g.Count()}")));
        var hidden = flowsOnly.Except(withPrefilters).ToList();
        var invented = withPrefilters.Except(flowsOnly).ToList();
        Assert.True(hidden.Count == 0 && invented.Count == 0,
            "hidden by a pre-filter:\n" + string.Join("\n", hidden.Select(d => d + "\n" + CallbackAround(source, d)))
            + "\nonly with the pre-filters:\n" + string.Join("\n", invented));
    }

    [Fact]
    public async Task TheGeneratedCallbacksExerciseEveryRule()
    {
        // The comparison above means something only if the flows do report on the generated code.
        var found = ImmutableArray<string>.Empty;
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var source = new CallbackGenerator(seed).Generate($"Ops{seed}_", count: 120);
            var compilation = ValidCodeTests.Compile($"Generated{seed}", LanguageVersion.Latest, ($"/0/Generated{seed}.cs", source));
            found = found.AddRange(await RunAsync(compilation, prefilters: false));
        }

        foreach (var id in new[] { "NTF006", "NTF007", "NTF008" })
        {
            Assert.True(found.Count(d => d.StartsWith(id)) >= 10, $"{id}: {found.Count(d => d.StartsWith(id))}");
        }
    }

    /// <summary>The text of the ops type around the diagnostic's line, to read a failure.</summary>
    internal static string CallbackAround(string source, string diagnostic)
    {
        var lines = source.Split('\n');
        var line = int.Parse(diagnostic.Split(' ')[1].Split(',')[0]);
        var first = line;
        while (first > 0 && !lines[first].Contains("class Ops"))
        {
            first--;
        }

        var last = line;
        while (last < lines.Length - 1 && !lines[last + 1].Contains("class Ops"))
        {
            last++;
        }

        return string.Join("\n", lines.Skip(first).Take(last - first + 1));
    }

    /// <summary>Every diagnostic as "ID line:column message properties", sorted.</summary>
    internal static async Task<ImmutableArray<string>> RunAsync(Compilation compilation, bool prefilters, CallbackFlowWork? work = null)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new CallbackFlowAnalyzer(prefilters, work));
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, default);
        Assert.Empty(exceptions);
        return diagnostics
            .Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition} {d.GetMessage()} "
                         + string.Join(";", d.Properties.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")))
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToImmutableArray();
    }
}
