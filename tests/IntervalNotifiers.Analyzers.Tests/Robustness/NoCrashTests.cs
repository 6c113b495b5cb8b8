using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Robustness;

/// <summary>
/// "Never crash": half-typed code is what an IDE analyzer sees most of the time. The corpus is every C# file of
/// the test data (TestData/**), of samples/ and the C# sources inside the rule tests (Rules/*.cs string
/// literals that mention the runtime, markup removed). Each is cut at evenly spaced token boundaries and
/// mutated by deleting random tokens (fixed seed: the inputs are the same on every run). Every input is
/// analyzed by every analyzer of the package under C# 7.3 and C# latest; for every diagnostic, every code-fix
/// provider that fixes it registers its fixes and every registered action computes its operations. Any analyzer
/// exception (AD0001 or the exception callback), any exception from a code fix, or an input that takes longer
/// than a minute fails the test.
/// <para>
/// The CI run tries about <see cref="DefaultInputs"/> inputs. For a long run set the environment variable
/// <c>NTF_FUZZ_INPUTS</c> to the number of inputs (e.g. <c>NTF_FUZZ_INPUTS=50000</c>), and optionally
/// <c>NTF_FUZZ_SEED</c> to another seed.
/// </para>
/// </summary>
public sealed class NoCrashTests
{
    /// <summary>The number of inputs of a CI run.</summary>
    public const int DefaultInputs = 2000;

    private const int DefaultSeed = 5021;
    private static readonly TimeSpan InputTimeout = TimeSpan.FromMinutes(1);
    private static readonly LanguageVersion[] Versions = { LanguageVersion.CSharp7_3, LanguageVersion.Latest };

    private static readonly Regex Markup = new(@"\{\|[^:|{}]+:|\|\}|\[\||\|\]", RegexOptions.CultureInvariant);

    private readonly ITestOutputHelper _output;

    public NoCrashTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task AnalyzersAndCodeFixes_NeverThrow_OnCutAndMutatedSources()
    {
        var budget = ReadSetting("NTF_FUZZ_INPUTS", DefaultInputs);
        var seed = ReadSetting("NTF_FUZZ_SEED", DefaultSeed);
        var corpus = Corpus();
        Assert.True(corpus.Count > 0, "no C# source found for the robustness corpus");
        var inputs = Mutate(corpus, budget, seed);

        var analyzers = AnalyzerCatalog.CreateAnalyzers();
        var fixes = AnalyzerCatalog.CreateCodeFixes();
        _output.WriteLine($"analyzers: {string.Join(", ", analyzers.Select(a => a.GetType().Name))}");
        _output.WriteLine($"code fixes: {string.Join(", ", fixes.Select(f => f.GetType().Name))}");

        var failures = new List<string>();
        var diagnosticsById = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var actionsRun = 0;
        var stopwatch = Stopwatch.StartNew();
        using var workspace = new AdhocWorkspace();

        foreach (var input in inputs)
        {
            foreach (var version in Versions)
            {
                using var timeout = new CancellationTokenSource(InputTimeout);
                var where = $"{input.Name} [C# {version.ToDisplayString()}]";
                try
                {
                    actionsRun += await RunAsync(workspace, input.Text, version, analyzers, fixes, where, failures, diagnosticsById, timeout.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    failures.Add($"{where}: took longer than {InputTimeout.TotalSeconds:F0} s{Environment.NewLine}{input.Text}");
                }
            }
        }

        var summary = $"{inputs.Count} inputs ({corpus.Count} sources, seed {seed}) x {Versions.Length} language versions "
                      + $"in {stopwatch.Elapsed.TotalSeconds:F1} s; diagnostics: "
                      + (diagnosticsById.Count == 0 ? "none" : string.Join(", ", diagnosticsById.Select(p => $"{p.Key} x{p.Value}")))
                      + $"; code actions computed: {actionsRun}; failures: {failures.Count}";
        _output.WriteLine(summary);
        foreach (var failure in failures.Take(20))
        {
            _output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine + "----" + Environment.NewLine, failures.Take(5)));
    }

    private static async Task<int> RunAsync(AdhocWorkspace workspace, string text, LanguageVersion version,
                                            ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> analyzers,
                                            ImmutableArray<CodeFixProvider> fixes, string where, List<string> failures,
                                            SortedDictionary<string, int> diagnosticsById, CancellationToken cancellationToken)
    {
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Fuzz", "Fuzz", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable),
                parseOptions: new CSharpParseOptions(version),
                metadataReferences: NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime)))
            .AddDocument(documentId, "Input.cs", SourceText.From(text, Encoding.UTF8), filePath: "/fuzz/Input.cs");
        var document = solution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;

        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, cancellationToken).ConfigureAwait(false);
        foreach (var exception in exceptions)
        {
            failures.Add($"{where}: analyzer exception: {exception}{Environment.NewLine}{text}");
        }

        var actionsRun = 0;
        foreach (var diagnostic in diagnostics)
        {
            diagnosticsById[diagnostic.Id] = diagnosticsById.GetValueOrDefault(diagnostic.Id) + 1;
            if (!diagnostic.Location.IsInSource)
            {
                continue;
            }

            foreach (var fix in fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                try
                {
                    var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
                    await fix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                    for (var i = 0; i < actions.Count; i++)
                    {
                        actions.AddRange(NestedActions(actions[i]));
                        foreach (var operation in await actions[i].GetOperationsAsync(cancellationToken).ConfigureAwait(false))
                        {
                            if (operation is ApplyChangesOperation apply
                                && apply.ChangedSolution.GetDocument(documentId) is { } changed)
                            {
                                _ = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
                            }
                        }

                        actionsRun++;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures.Add($"{where}: {fix.GetType().Name} threw on {diagnostic}: {e}{Environment.NewLine}{text}");
                }
            }
        }

        return actionsRun;
    }

    private static readonly PropertyInfo? NestedActionsProperty =
        typeof(CodeAction).GetProperty("NestedActions", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static IEnumerable<CodeAction> NestedActions(CodeAction action)
        => NestedActionsProperty?.GetValue(action) is ImmutableArray<CodeAction> { IsDefault: false } nested
            ? nested
            : Enumerable.Empty<CodeAction>();

    /// <summary>One source of the corpus, or one mutation of it.</summary>
    private sealed record Source(string Name, string Text);

    private List<Source> Corpus()
    {
        var corpus = new List<Source>();
        var testData = Directory.Exists(AnalyzerCatalog.TestDataDirectory)
            ? Directory.GetFiles(AnalyzerCatalog.TestDataDirectory, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
        corpus.AddRange(testData.Select(f => new Source("TestData/" + Path.GetFileName(f), File.ReadAllText(f))));
        _output.WriteLine($"corpus: {testData.Length} files from {AnalyzerCatalog.TestDataDirectory}");

        var root = AnalyzerCatalog.RepoRoot;
        if (root is null)
        {
            _output.WriteLine("corpus: repository root not found (NotifierAnalyzers.sln): samples/ and Rules/ sources NOT included");
            return corpus;
        }

        var samples = Path.Combine(root, "samples");
        var sampleFiles = Directory.Exists(samples)
            ? Directory.GetFiles(samples, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
        corpus.AddRange(sampleFiles.Select(f => new Source("samples/" + Path.GetRelativePath(samples, f).Replace('\\', '/'), File.ReadAllText(f))));
        _output.WriteLine($"corpus: {sampleFiles.Length} files from {samples}");

        var rules = Path.Combine(root, "tests", "IntervalNotifiers.Analyzers.Tests", "Rules");
        var ruleSources = 0;
        if (Directory.Exists(rules))
        {
            foreach (var file in Directory.GetFiles(rules, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
            {
                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
                var index = 0;
                foreach (var literal in tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>())
                {
                    if (literal.IsKind(SyntaxKind.StringLiteralExpression)
                        && literal.Token.ValueText.Contains("IntervalNotifier", StringComparison.Ordinal))
                    {
                        corpus.Add(new Source($"Rules/{Path.GetFileName(file)}#{index++}", Markup.Replace(literal.Token.ValueText, "")));
                        ruleSources++;
                    }
                }
            }
        }

        _output.WriteLine($"corpus: {ruleSources} sources from the string literals of {rules}");
        return corpus;
    }

    /// <summary>
    /// About <paramref name="budget"/> distinct inputs: each source whole, cut at evenly spaced token
    /// boundaries, and with one to three random runs of one to three tokens deleted.
    /// </summary>
    private static List<Source> Mutate(List<Source> corpus, int budget, int seed)
    {
        var inputs = new List<Source>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var perSource = Math.Max(3, budget / corpus.Count);
        for (var s = 0; s < corpus.Count && inputs.Count < budget; s++)
        {
            var source = corpus[s];
            var random = new Random(unchecked(seed * 7919 + s));
            var tokens = CSharpSyntaxTree.ParseText(source.Text).GetRoot().DescendantTokens().ToArray();
            var added = 0;

            void Add(string name, string text)
            {
                if (added < perSource && inputs.Count < budget && seen.Add(text))
                {
                    inputs.Add(new Source(name, text));
                    added++;
                }
            }

            Add(source.Name, source.Text);
            if (tokens.Length == 0)
            {
                continue;
            }

            var cuts = Math.Max(1, (perSource - 1) / 2);
            var step = Math.Max(1, tokens.Length / cuts);
            for (var t = step / 2; t < tokens.Length && added < 1 + cuts; t += step)
            {
                Add($"{source.Name} cut after token {t}", source.Text[..tokens[t].FullSpan.End]);
            }

            for (var attempt = 0; added < perSource && attempt < perSource * 4; attempt++)
            {
                var text = new StringBuilder(source.Text);
                var deleted = new List<TextSpan>();
                var runs = random.Next(1, 4);
                for (var r = 0; r < runs; r++)
                {
                    var first = random.Next(tokens.Length);
                    var last = Math.Min(tokens.Length - 1, first + random.Next(3));
                    deleted.Add(TextSpan.FromBounds(tokens[first].SpanStart, tokens[last].Span.End));
                }

                // Delete from the end so earlier spans stay valid; skip overlapping runs.
                var end = int.MaxValue;
                foreach (var span in deleted.OrderByDescending(d => d.Start))
                {
                    if (span.End <= end)
                    {
                        text.Remove(span.Start, span.Length);
                        end = span.Start;
                    }
                }

                Add($"{source.Name} minus tokens at {string.Join(",", deleted.Select(d => d.Start.ToString(CultureInfo.InvariantCulture)))}", text.ToString());
            }
        }

        return inputs;
    }

    private static int ReadSetting(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
