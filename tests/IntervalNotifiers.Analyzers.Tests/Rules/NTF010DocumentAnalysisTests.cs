using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF010 the way an IDE runs it on one open document (docs/contract.md#where-users-meet-the-rules): case 1
/// ("outside any lock", judged from one type) shows in the document's semantic analysis; case 2 ("different lock",
/// which needs every ops type of the compilation) shows only in a whole-compilation run, through the descriptor
/// tagged <c>CompilationEnd</c>.
/// </summary>
public class NTF010DocumentAnalysisTests
{
    private const string OpsFile = """
        using IntervalNotifiers;

        class MirrorNotifier : IntervalNotifier
        {
            public MirrorNotifier(IntervalNotifierOps ops, Mirror owner) : base(ops) { Owner = owner; }
            public Mirror Owner { get; }
        }

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var mirror = (MirrorNotifier)notifier;
                lock (mirror.Owner.PageTableLock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }
        }
        """;

    private const string ReaderFile = """
        class Mirror
        {
            internal readonly object PageTableLock = new object();
            internal readonly object StatsLock = new object();
            internal MirrorNotifier Notifier = null!;

            public bool Unlocked()
            {
                var seq = Notifier.ReadBegin();
                return !Notifier.ReadRetry(seq);                  // case 1
            }

            public bool WrongLock()
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !Notifier.ReadRetry(seq);              // case 2
                }
            }
        }
        """;

    private static CompilationWithAnalyzers Analyze(out SyntaxTree reader)
    {
        var compilation = ValidCodeTests.Compile("DocumentAnalysis", LanguageVersion.Latest, ("Ops.cs", OpsFile), ("Mirror.cs", ReaderFile));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        reader = compilation.SyntaxTrees.Single(t => t.FilePath == "Mirror.cs");
        return compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ReadSideAnalyzer()),
                                         new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                                                                             onAnalyzerException: null, concurrentAnalysis: false,
                                                                             logAnalyzerExecutionTime: false));
    }

    private static int Line(Diagnostic diagnostic) => diagnostic.Location.GetLineSpan().StartLinePosition.Line;

    private static int LineOf(string text, string marker)
        => text.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(marker)).index;

    [Fact]
    public async Task OpenDocument_ShowsTheOutsideAnyLockCase()
    {
        var withAnalyzers = Analyze(out var reader);
        var model = withAnalyzers.Compilation.GetSemanticModel(reader);
        var document = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None);

        var diagnostic = Assert.Single(document, d => d.Id == "NTF010");
        Assert.Equal(LineOf(ReaderFile, "// case 1"), Line(diagnostic));
        Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, diagnostic.Descriptor.CustomTags);
    }

    [Fact]
    public async Task WholeCompilation_AddsTheDifferentLockCase_TaggedCompilationEnd()
    {
        var withAnalyzers = Analyze(out _);
        var all = (await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None)).Where(d => d.Id == "NTF010")
                                                                                              .OrderBy(Line).ToArray();

        Assert.Equal(2, all.Length);
        Assert.Equal(LineOf(ReaderFile, "// case 1"), Line(all[0]));
        Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, all[0].Descriptor.CustomTags);
        Assert.Equal(LineOf(ReaderFile, "// case 2"), Line(all[1]));
        Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, all[1].Descriptor.CustomTags);
    }

    [Fact]
    public void TheCompilationEndDescriptor_IsTheSameRule()
    {
        var live = Descriptors.NTF010;
        var end = Descriptors.NTF010CompilationEnd;
        Assert.Equal(live.Id, end.Id);
        Assert.Equal(live.Title.ToString(), end.Title.ToString());
        Assert.Equal(live.MessageFormat.ToString(), end.MessageFormat.ToString());
        Assert.Equal(live.Category, end.Category);
        Assert.Equal(live.DefaultSeverity, end.DefaultSeverity);
        Assert.Equal(live.HelpLinkUri, end.HelpLinkUri);
        Assert.Contains(end, new ReadSideAnalyzer().SupportedDiagnostics);
    }
}
