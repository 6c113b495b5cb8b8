using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests;

/// <summary>
/// The README's quickstart is the first code users copy: it must compile against the real runtime and every
/// analyzer of the package must be silent on it.
/// </summary>
public sealed class ReadmeQuickstartTests
{
    /// <summary>The device the quickstart drives, which the README leaves to the reader.</summary>
    private const string DeviceStub = """
        public struct FlushTicket { }
        public sealed class Device
        {
            public FlushTicket StartFlush(ulong start, ulong end) => default;
            public void WaitFlush(FlushTicket ticket) { }
            public object LookUpPages() => new object();
            public void Map(object pages) { }
        }
        """;

    internal static string Quickstart()
    {
        Assert.True(AnalyzerCatalog.RepoRoot is not null, "the repository root (NotifierAnalyzers.sln) was not found");
        var readme = File.ReadAllText(Path.Combine(AnalyzerCatalog.RepoRoot!, "README.md"));
        var section = readme.IndexOf("## Quickstart", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Quickstart' section");
        var start = readme.IndexOf("```csharp", section, StringComparison.Ordinal);
        Assert.True(start >= 0, "the quickstart has no ```csharp block");
        start = readme.IndexOf('\n', start) + 1;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme.Substring(start, end - start);
    }

    [Fact]
    public async Task Quickstart_Compiles_AndNoAnalyzerReportsAnything()
    {
        var compilation = ValidCodeTests.Compile("Quickstart", LanguageVersion.Latest,
            ("Quickstart.cs", Quickstart()), ("Device.cs", DeviceStub));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the README quickstart does not compile:" + Environment.NewLine
                                        + string.Join(Environment.NewLine, errors.Select(e => e.ToString())));

        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation);
        Assert.Empty(exceptions);
        Assert.True(diagnostics.Length == 0, "analyzer diagnostics on the README quickstart:" + Environment.NewLine
                                             + string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())));
    }
}
