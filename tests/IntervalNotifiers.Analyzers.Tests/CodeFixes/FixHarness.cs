using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// What the code-fix tests need beyond the verifier: a one-project workspace against the real runtime, the
/// analyzers' diagnostics, Fix All run the way <c>dotnet format analyzers</c> runs it, and the fixed program
/// compiled with the real runtime and executed.
/// </summary>
public static class FixHarness
{
    /// <summary>A workspace with one project (C# latest, nullable on) holding <paramref name="sources"/>.</summary>
    public static Project CreateProject(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                                                             nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime)));
        for (var i = 0; i < sources.Length; i++)
        {
            var documentId = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(documentId, $"File{i}.cs", SourceText.From(sources[i], Encoding.UTF8),
                                            filePath: $"/consumer/File{i}.cs");
        }

        return solution.GetProject(projectId)!;
    }

    /// <summary>Every analyzer's diagnostics on <paramref name="project"/>; fails on an analyzer exception.</summary>
    public static Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project)
        => DiagnosticsAsync(project, AnalyzerCatalog.CreateAnalyzers());

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, CancellationToken.None)
            .ConfigureAwait(false);
        Assert.True(exceptions.IsEmpty, string.Join(Environment.NewLine, exceptions));
        return diagnostics.Where(d => d.Location.IsInSource).OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                          .ThenBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    /// <summary>
    /// Applies the code fixes as <c>dotnet format analyzers --severity info</c> does with no <c>--diagnostics</c>
    /// (the SDK's AnalyzerFormatter and SolutionCodeFixApplier): for each reported ID, the analyzers that support it
    /// are run again and ALL their diagnostics (of any ID) kept; the provider is asked for the fixes of the first of
    /// them, the equivalence key of the first action it registers (null when it registers none) goes into a
    /// solution-wide FixAllContext for that ID, and the Fix All action's changes are applied. Returns the fixed
    /// project and the IDs whose provider returned no Fix All action.
    /// </summary>
    public static async Task<(Project Project, IReadOnlyList<string> NoFixAllAction)> FormatLikeDotnetFormatAsync(
        Project project, IReadOnlyCollection<string>? onlyIds = null)
    {
        var analyzers = AnalyzerCatalog.CreateAnalyzers();
        var fixers = AnalyzerCatalog.CreateCodeFixes();
        var reported = (await DiagnosticsAsync(project, analyzers).ConfigureAwait(false))
            .Select(d => d.Id).Where(id => onlyIds is null || onlyIds.Contains(id)).Distinct().OrderBy(id => id).ToList();
        var failed = new List<string>();
        foreach (var id in reported)
        {
            foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(id)))
            {
                var ofId = analyzers.Where(a => a.SupportedDiagnostics.Any(d => d.Id == id)).ToImmutableArray();
                var result = (await DiagnosticsAsync(project, ofId).ConfigureAwait(false))
                    .Where(d => onlyIds is null || onlyIds.Contains(d.Id)).ToImmutableArray();
                var first = result.FirstOrDefault();
                if (first is null)
                {
                    continue;
                }

                var document = project.Solution.GetDocument(first.Location.SourceTree)!;
                CodeAction? action = null;
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => action ??= a, CancellationToken.None))
                    .ConfigureAwait(false);
                var fixAllContext = new FixAllContext(document, fixer, FixAllScope.Solution, action?.EquivalenceKey!,
                                                      new[] { id }, new Provider(project.Id, result), CancellationToken.None);
                var fixAll = await fixer.GetFixAllProvider()!.GetFixAsync(fixAllContext).ConfigureAwait(false);
                if (fixAll is null)
                {
                    failed.Add(id);
                    continue;
                }

                var operations = await fixAll.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
                var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
                project = changed.GetProject(project.Id)!;
            }
        }

        return (project, failed);
    }

    /// <summary>The texts of the project's documents, in order.</summary>
    public static async Task<string[]> TextsAsync(Project project)
    {
        var texts = new List<string>();
        foreach (var document in project.Documents.OrderBy(d => d.FilePath, StringComparer.Ordinal))
        {
            texts.Add((await document.GetTextAsync().ConfigureAwait(false)).ToString());
        }

        return texts.ToArray();
    }

    /// <summary>
    /// Compiles <paramref name="sources"/> with the real runtime (compiler errors fail the test), loads the assembly
    /// into a collectible context and returns what the static method <c>Program.Run()</c> returns.
    /// </summary>
    public static string Run(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "Fixed" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"Fixed{i}.cs")),
            NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        Assert.True(emit.Success, "the fixed program does not compile:" + Environment.NewLine
            + string.Join(Environment.NewLine, emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            + Environment.NewLine + string.Join(Environment.NewLine + "----" + Environment.NewLine, sources));
        image.Position = 0;
        var context = new AssemblyLoadContext("fixed-program", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(image);
            var run = assembly.GetType("Program")?.GetMethod("Run", BindingFlags.Public | BindingFlags.Static);
            Assert.True(run is not null, "the program has no public static Program.Run()");
            try
            {
                return (string)run!.Invoke(null, null)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                return "threw " + e.InnerException.GetType().Name + ": " + e.InnerException.Message;
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class Provider : FixAllContext.DiagnosticProvider
    {
        private readonly ProjectId _project;
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public Provider(ProjectId project, ImmutableArray<Diagnostic> diagnostics)
        {
            _project = project;
            _diagnostics = diagnostics;
        }

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => GetProjectDiagnosticsAsync(project, cancellationToken);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(document.Project.Id == _project
                ? _diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath).ToArray()
                : Array.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(project.Id == _project ? _diagnostics : ImmutableArray<Diagnostic>.Empty);
    }
}
