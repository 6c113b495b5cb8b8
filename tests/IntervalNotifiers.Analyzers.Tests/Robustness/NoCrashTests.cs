using System;
using System.Collections.Concurrent;
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

        var failures = new ConcurrentBag<(int Input, string Key, string Detail)>();
        var diagnosticsById = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var actionsRun = 0;
        var stopwatch = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        using var workspace = new AdhocWorkspace();
        var bases = new Dictionary<LanguageVersion, Document>();
        foreach (var version in Versions)
        {
            // One project per language version whose compilation is built once: each input only replaces the
            // document's text, so the references are bound once (an incremental compilation per input).
            var document = BaseDocument(workspace, version);
            _ = await document.Project.GetCompilationAsync();
            bases[version] = document;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4) },
            async (index, _) =>
            {
                var input = inputs[index];
                foreach (var version in Versions)
                {
                    using var timeout = new CancellationTokenSource(InputTimeout);
                    var where = $"{input.Name} [C# {version.ToDisplayString()}]";
                    try
                    {
                        var ran = await RunAsync(bases[version], input.Text, analyzers, fixes, where,
                            (key, detail) => failures.Add((index, key, detail)), diagnosticsById, timeout.Token);
                        Interlocked.Add(ref actionsRun, ran);
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                    {
                        failures.Add((index, "timeout", $"{where}: took longer than {InputTimeout.TotalSeconds:F0} s{Environment.NewLine}{input.Text}"));
                    }
                    catch (Exception e)
                    {
                        failures.Add((index, "harness: " + e.GetType().Name, $"{where}: {e}{Environment.NewLine}{input.Text}"));
                    }
                }
            });

        // Distinct failures: one line per exception type and first frame in the package, with a count and the
        // smallest failing input of each.
        var groups = failures.GroupBy(f => f.Key)
            .Select(g => (g.Key, Count: g.Count(), Example: g.OrderBy(f => f.Detail.Length).ThenBy(f => f.Input).First().Detail))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();

        var summary = $"{inputs.Count} inputs ({corpus.Count} sources, seed {seed}) x {Versions.Length} language versions "
                      + $"in {stopwatch.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F1} s CPU); diagnostics: "
                      + (diagnosticsById.Count == 0 ? "none" : string.Join(", ", diagnosticsById.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}")))
                      + $"; code actions computed: {actionsRun}; failures: {failures.Count} ({groups.Length} distinct)"
                      + string.Concat(groups.Select(g => $"{Environment.NewLine}  {g.Count} x {g.Key}"));
        _output.WriteLine(summary);
        foreach (var group in groups)
        {
            _output.WriteLine($"---- {group.Key} (smallest input of {group.Count}):{Environment.NewLine}{group.Example}");
        }

        Assert.True(failures.IsEmpty, summary + string.Concat(groups.Take(3).Select(
            g => $"{Environment.NewLine}---- {g.Key}:{Environment.NewLine}{g.Example}")));
    }

    private static Document BaseDocument(AdhocWorkspace workspace, LanguageVersion version)
    {
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        return workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Fuzz", "Fuzz", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable),
                parseOptions: new CSharpParseOptions(version),
                metadataReferences: NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime)))
            .AddDocument(documentId, "Input.cs", SourceText.From("", Encoding.UTF8), filePath: "/fuzz/Input.cs")
            .GetDocument(documentId)!;
    }

    private static async Task<int> RunAsync(Document baseDocument, string text,
                                            ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> analyzers,
                                            ImmutableArray<CodeFixProvider> fixes, string where, Action<string, string> fail,
                                            ConcurrentDictionary<string, int> diagnosticsById, CancellationToken cancellationToken)
    {
        var documentId = baseDocument.Id;
        var document = baseDocument.WithText(SourceText.From(text, Encoding.UTF8));
        var compilation = (await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;

        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, cancellationToken).ConfigureAwait(false);
        foreach (var exception in exceptions)
        {
            fail(Signature(exception), $"{where}: analyzer exception: {exception}{Environment.NewLine}{text}");
        }

        var actionsRun = 0;
        foreach (var diagnostic in diagnostics)
        {
            diagnosticsById.AddOrUpdate(diagnostic.Id, 1, (_, count) => count + 1);
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
                    fail(fix.GetType().Name + ": " + Signature(e.ToString()), $"{where}: {fix.GetType().Name} threw on {diagnostic}: {e}{Environment.NewLine}{text}");
                }
            }
        }

        return actionsRun;
    }

    /// <summary>"ExceptionType at first frame of the package", to tell distinct bugs apart.</summary>
    private static string Signature(string exception)
    {
        var type = Regex.Match(exception, @"(?<type>[A-Za-z0-9_.]+Exception)").Groups["type"].Value;
        var frame = Regex.Match(exception, @"at (?<frame>IntervalNotifiers\.(Analyzers|CodeFixes)\.[^\s(]+)").Groups["frame"].Value;
        var analyzer = Regex.Match(exception, @"^(?<name>\w+Analyzer):").Groups["name"].Value;
        return $"{(analyzer.Length > 0 ? analyzer + ": " : "")}{type} at {(frame.Length > 0 ? frame : "?")}";
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
        for (var s = 0; s < corpus.Count && inputs.Count < budget; s++)
        {
            // The budget spread evenly over the sources (the remainder to the first ones), at least the whole source.
            var perSource = Math.Max(1, budget / corpus.Count + (s < budget % corpus.Count ? 1 : 0));
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
