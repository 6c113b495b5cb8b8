using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Ide;

/// <summary>
/// What a user sees while a file is open in an IDE (docs/contract.md#where-users-meet-the-rules): every analyzer of
/// the package run the way the IDE runs it for one open document (<see cref="CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(SemanticModel, Microsoft.CodeAnalysis.Text.TextSpan?, CancellationToken)"/>
/// per document, no span), compared with a full analysis (build, full-solution analysis). Every diagnostic that can
/// be judged from one type or method shows in document analysis; the parts of a rule that need the whole
/// compilation are reported through a descriptor of the same ID tagged <c>CompilationEnd</c>, and show only in the
/// full analysis.
/// </summary>
public sealed class DocumentAnalysisTests
{
    private readonly ITestOutputHelper _output;

    public DocumentAnalysisTests(ITestOutputHelper output) => _output = output;

    private const string Notifiers = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class GpuNotifier : IntervalNotifier
        {
            public GpuNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        sealed class GpuFinish : NotifierFinish
        {
            public int Fence;
        }

        """;

    /// <summary>A reader of GpuNotifier's sequence, in a document of its own (under a lock, checked: no NTF009/NTF010).</summary>
    private const string GpuReader = """
        using IntervalNotifiers;

        static class GpuReader
        {
            private static readonly object Lock = new object();

            public static bool Valid(GpuNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                lock (Lock)
                {
                    return !notifier.ReadRetry(seq);
                }
            }
        }
        """;

    /// <summary>For each rule, a violation that one open document shows (rule ID, the documents).</summary>
    public static TheoryData<string, string[]> LiveCases => new()
    {
        { "NTF001", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new GpuFinish();
                    return true;
                }
            }
            """ } },
        { "NTF002", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                private NotifierFinish? _last;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new GpuFinish();
                    _last = finish;
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ } },
        { "NTF003", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
            }
            """ } },
        { "NTF004", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new GpuFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ } },
        { "NTF005", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ } },
        { "NTF006", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new GpuFinish();
                    if (!range.IsBlockable && !Monitor.TryEnter(_lock))
                    {
                        return false;
                    }

                    notifier.SetSequence(currentSequence);
                    Monitor.Exit(_lock);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ } },
        { "NTF007", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                private bool _busy;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (_busy)
                    {
                        return false;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }
            """ } },
        { "NTF008", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                private bool _idle;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (_idle)
                    {
                        return true;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }
            """ } },
        { "NTF009", new[] { Notifiers + """
            sealed class Mirror
            {
                private readonly IntervalNotifier _notifier;

                public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

                public void WaitForInvalidations()
                {
                    _notifier.ReadBegin();
                }
            }
            """ } },
        { "NTF010", new[] { Notifiers + """
            sealed class Prefetcher
            {
                private readonly IntervalNotifier _notifier;

                public Prefetcher(IntervalNotifier notifier) { _notifier = notifier; }

                public void Prefetch(ulong address)
                {
                    ulong seq;
                    do
                    {
                        seq = _notifier.ReadBegin();
                        Fetch(address);
                    }
                    while (_notifier.ReadRetry(seq));
                }

                private void Fetch(ulong address) { }
            }
            """ } },
        { "NTF011", new[] { Notifiers + """
            sealed class MirrorOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    if (range.Event == NotifierEvent.Release)
                    {
                        notifier.Remove();
                    }

                    return true;
                }
            }
            """ } },
        { "NTF012", new[] { Notifiers + """
            sealed class SeqFinish : NotifierFinish
            {
                public ulong Sequence;
            }

            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new SeqFinish { Sequence = currentSequence };
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    finish.Notifier.SetSequence(((SeqFinish)finish).Sequence);
                }
            }
            """ } },
    };

    /// <summary>The parts of rules that need the whole compilation: they show only in a full analysis (rule ID, the documents).</summary>
    public static TheoryData<string, string[]> CompilationEndCases => new()
    {
        // NTF008, second trigger: the callback never calls SetSequence, and another document reads GpuNotifier's sequence.
        { "NTF008", new[] { Notifiers + """
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    var gpu = (GpuNotifier)notifier;
                    return true;
                }
            }
            """, GpuReader } },
    };

    [Theory]
    [MemberData(nameof(LiveCases))]
    public async Task TheRuleShowsInTheOpenDocument(string id, string[] documents)
    {
        var compilation = Compile(documents);
        var live = await DocumentAnalysisAsync(compilation);
        var full = await FullAnalysisAsync(compilation);
        _output.WriteLine("document analysis: " + string.Join(", ", live.Select(Describe)));
        _output.WriteLine("full analysis: " + string.Join(", ", full.Select(Describe)));

        Assert.Contains(live, d => d.Id == id);
        Assert.Contains(full, d => d.Id == id && !IsCompilationEnd(d));
        AssertEveryPerDocumentDiagnosticIsLive(live, full);
    }

    [Theory]
    [MemberData(nameof(CompilationEndCases))]
    public async Task TheCompilationEndPartShowsOnlyInAFullAnalysis(string id, string[] documents)
    {
        var compilation = Compile(documents);
        var live = await DocumentAnalysisAsync(compilation);
        var full = await FullAnalysisAsync(compilation);
        _output.WriteLine("document analysis: " + string.Join(", ", live.Select(Describe)));
        _output.WriteLine("full analysis: " + string.Join(", ", full.Select(Describe)));

        Assert.DoesNotContain(live, d => d.Id == id);
        Assert.Contains(full, d => d.Id == id && IsCompilationEnd(d));
        AssertEveryPerDocumentDiagnosticIsLive(live, full);
    }

    [Fact]
    public async Task TheValidCodeProjectShowsNothingInAnyOpenDocument()
    {
        var directory = Path.Combine(AnalyzerCatalog.TestDataDirectory, "ValidCode");
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 10, $"expected the valid-code project in {directory}, found {files.Length} files");
        var compilation = ValidCodeTests.Compile("ValidCode", LanguageVersion.Latest,
            files.Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToArray());
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var live = await DocumentAnalysisAsync(compilation);
        Assert.True(live.IsEmpty, string.Join(Environment.NewLine, live.Select(d => d.ToString())));
    }

    [Fact]
    public void EveryCompilationEndDescriptor_IsTheTwinOfACatalogueDescriptor()
    {
        // A compilation-end descriptor is the same rule, reported later: same ID, title, category, severity and page.
        var catalogue = DocsTests.AllDescriptors;
        var compilationEnd = AnalyzerCatalog.CreateAnalyzers()
            .SelectMany(a => a.SupportedDiagnostics)
            .Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
            .ToList();
        Assert.Contains(compilationEnd, d => d.Id == "NTF008");
        foreach (var descriptor in compilationEnd)
        {
            var twin = Assert.Single(catalogue, d => d.Id == descriptor.Id);
            Assert.False(twin.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd), $"{twin.Id}: the catalogue descriptor is the live one");
            Assert.Equal(twin.Title.ToString(), descriptor.Title.ToString());
            Assert.Equal(twin.MessageFormat.ToString(), descriptor.MessageFormat.ToString());
            Assert.Equal(twin.Category, descriptor.Category);
            Assert.Equal(twin.DefaultSeverity, descriptor.DefaultSeverity);
            Assert.Equal(twin.HelpLinkUri, descriptor.HelpLinkUri);
        }
    }

    /// <summary>Every diagnostic of the full analysis that is not tagged CompilationEnd shows in document analysis too.</summary>
    private static void AssertEveryPerDocumentDiagnosticIsLive(ImmutableArray<Diagnostic> live, ImmutableArray<Diagnostic> full)
    {
        var liveKeys = live.Select(Describe).ToHashSet();
        var missing = full.Where(d => !IsCompilationEnd(d)).Select(Describe).Where(k => !liveKeys.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "only in the full analysis, without the CompilationEnd tag: " + string.Join(", ", missing));
        var fullKeys = full.Select(Describe).ToHashSet();
        var extra = live.Select(Describe).Where(k => !fullKeys.Contains(k)).ToList();
        Assert.True(extra.Count == 0, "only in document analysis: " + string.Join(", ", extra));
        Assert.DoesNotContain(live, IsCompilationEnd);
    }

    private static bool IsCompilationEnd(Diagnostic diagnostic)
        => diagnostic.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd);

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return $"{diagnostic.Id}@{span.Path}:{span.StartLinePosition}";
    }

    private static Compilation Compile(string[] documents)
    {
        var compilation = ValidCodeTests.Compile("Document", LanguageVersion.Latest,
            documents.Select((text, i) => ($"/0/Document{i}.cs", text)).ToArray());
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return compilation;
    }

    private static CompilationWithAnalyzers WithAnalyzers(Compilation compilation, List<string> exceptions)
        => compilation.WithAnalyzers(
            AnalyzerCatalog.CreateAnalyzers(),
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, _) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add($"{analyzer.GetType().Name}: {exception}");
                    }
                },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false));

    /// <summary>What an IDE shows for each open document: its syntax and semantic analysis, one document at a time.</summary>
    private static async Task<ImmutableArray<Diagnostic>> DocumentAnalysisAsync(Compilation compilation)
    {
        var exceptions = new List<string>();
        var withAnalyzers = WithAnalyzers(compilation, exceptions);
        var result = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            result.AddRange(await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None));
            result.AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None));
        }

        Assert.Empty(exceptions);
        Assert.DoesNotContain(result, d => d.Id == "AD0001");
        return result.ToImmutable();
    }

    /// <summary>What a build (or full-solution analysis) shows.</summary>
    private static async Task<ImmutableArray<Diagnostic>> FullAnalysisAsync(Compilation compilation)
    {
        var exceptions = new List<string>();
        var diagnostics = await WithAnalyzers(compilation, exceptions).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }
}
