using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests;

/// <summary>
/// The valid-code project (TestData/ValidCode/*.cs): realistic, correct driver code of every shape the rule pages (docs/rules/) and docs/contract.md
/// says must not be flagged. It must compile without errors, and every analyzer of the package must report
/// nothing on it and never throw.
/// </summary>
public sealed class ValidCodeTests
{
    private readonly ITestOutputHelper _output;

    public ValidCodeTests(ITestOutputHelper output) => _output = output;

    private static string ValidCodeDirectory => Path.Combine(AnalyzerCatalog.TestDataDirectory, "ValidCode");

    /// <summary>Compiles sources as a library against the .NET 10 reference assemblies and the real runtime.</summary>
    internal static CSharpCompilation Compile(string assemblyName, LanguageVersion languageVersion,
                                              params (string Path, string Text)[] sources)
    {
        var parseOptions = new CSharpParseOptions(languageVersion);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path, Encoding.UTF8));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: languageVersion >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));
    }

    /// <summary>The valid-code project (every file of TestData/ValidCode, in ordinal order) compiled with the latest language version.</summary>
    internal static CSharpCompilation CompileValidCode() => CompileProject("ValidCode");

    /// <summary>Every file of TestData/<paramref name="project"/> (ValidCode, DriverPorts), in ordinal order, compiled with the latest language version.</summary>
    internal static CSharpCompilation CompileProject(string project)
        => Compile(project, LanguageVersion.Latest,
                   Directory.GetFiles(Path.Combine(AnalyzerCatalog.TestDataDirectory, project), "*.cs", SearchOption.AllDirectories)
                            .OrderBy(f => f, StringComparer.Ordinal)
                            .Select(f => (f, File.ReadAllText(f))).ToArray());

    /// <summary>Runs every analyzer of the package; analyzer exceptions are collected, not thrown.</summary>
    internal static Task<(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Exceptions)> AnalyzeAsync(
        Compilation compilation, CancellationToken cancellationToken = default)
        => AnalyzeAsync(compilation, AnalyzerCatalog.CreateAnalyzers(), concurrent: true, cancellationToken);

    /// <summary>Runs <paramref name="analyzers"/>; analyzer exceptions are collected, not thrown.</summary>
    internal static async Task<(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Exceptions)> AnalyzeAsync(
        Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, bool concurrent, CancellationToken cancellationToken)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var crash in diagnostics.Where(d => d.Id == "AD0001"))
        {
            exceptions.Enqueue(crash.ToString());
        }

        return (diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(), exceptions.ToImmutableArray());
    }

    [Fact]
    public void TheCatalog_FindsTheAnalyzers()
    {
        _output.WriteLine("analyzers: " + string.Join(", ", AnalyzerCatalog.AnalyzerTypes.Select(t => t.Name)));
        _output.WriteLine("code fixes: " + string.Join(", ", AnalyzerCatalog.CodeFixTypes.Select(t => t.Name)));
        Assert.Contains(typeof(OpsContractAnalyzer), AnalyzerCatalog.AnalyzerTypes);
    }

    /// <summary>
    /// The valid-code project, and the driver ports (TestData/DriverPorts: correct ports of kernel subsystems and idioms,
    /// written from the runtime's API and the kernel's contract by someone who had not read the analyzers, as a check on
    /// code the rules were not written against; also a corpus for bench/README's measurements).
    /// </summary>
    [Theory]
    [InlineData("ValidCode")]
    [InlineData("DriverPorts")]
    public async Task ValidCode_CompilesWithoutErrors_AndNoAnalyzerReportsAnything(string project)
    {
        var directory = Path.Combine(AnalyzerCatalog.TestDataDirectory, project);
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 10, $"expected the valid-code project in {directory}, found {files.Length} files");
        var compilation = Compile(project, LanguageVersion.Latest,
            files.Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToArray());

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, $"{project} does not compile:" + Environment.NewLine
                                        + string.Join(Environment.NewLine, errors.Select(e => e.ToString())));

        var (diagnostics, exceptions) = await AnalyzeAsync(compilation);
        var analyzers = string.Join(", ", AnalyzerCatalog.AnalyzerTypes.Select(t => t.Name));
        _output.WriteLine($"{files.Length} files, analyzers: {analyzers}");
        foreach (var diagnostic in diagnostics)
        {
            _output.WriteLine(diagnostic.ToString());
        }

        Assert.True(exceptions.Length == 0, $"analyzer exceptions on {project} ({analyzers}):" + Environment.NewLine
                                            + string.Join(Environment.NewLine, exceptions));
        Assert.True(diagnostics.Length == 0, $"false positives on {project} ({analyzers}):" + Environment.NewLine
                                             + string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())));
    }

    /// <summary>The C# 7.3-style driver of the valid-code project, alone, under C# 7.3 (nullable off): it compiles and stays clean.</summary>
    [Fact]
    public async Task CSharp73Driver_CompilesAsCSharp73_AndNoAnalyzerReportsAnything()
    {
        var file = Path.Combine(ValidCodeDirectory, "Hunt", "HuntCSharp73.cs");
        var compilation = Compile("ValidCode73", LanguageVersion.CSharp7_3, (Path.GetFileName(file), File.ReadAllText(file)));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));

        var (diagnostics, exceptions) = await AnalyzeAsync(compilation);
        Assert.Empty(exceptions);
        Assert.True(diagnostics.Length == 0, string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())));
    }

    /// <summary>The harness itself can fail: the same pipeline reports a plain NTF001 violation.</summary>
    [Fact]
    public async Task TheHarness_ReportsAViolation()
    {
        var compilation = Compile("Invalid", LanguageVersion.Latest, ("Invalid.cs", """
            using IntervalNotifiers;

            public sealed class StartOnlyOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
            """));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var (diagnostics, exceptions) = await AnalyzeAsync(compilation);
        Assert.Empty(exceptions);
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.StartWithoutFinish);
    }
}
