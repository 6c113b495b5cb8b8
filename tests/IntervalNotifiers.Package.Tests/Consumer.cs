using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace IntervalNotifiers.Package.Tests;

/// <summary>One compiler diagnostic as MSBuild prints it: <c>file(line,col): error ID: message</c>.</summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column}): {Severity} {Id}";
}

/// <summary>
/// A throwaway consumer project: a net10.0 class library that references the package from the fixture's
/// local feed, restores into the fixture's isolated packages folder, and is fenced off from any
/// Directory.Build.props / Directory.Packages.props above its folder.
/// </summary>
public sealed class Consumer
{
    private static readonly Regex DiagnosticLine = new(
        @"^\s*(?<file>[^\s].*?\.cs)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\):\s+(?<severity>error|warning)\s+(?<id>[A-Za-z]+\d+)\s*:",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public Consumer(PackageFixture package, string name)
    {
        Directory = Path.Combine(package.TempRoot, "consumers", name);
        System.IO.Directory.CreateDirectory(Directory);
        ProjectPath = Path.Combine(Directory, "Consumer.csproj");

        // Stop MSBuild's upward search for shared build files.
        File.WriteAllText(Path.Combine(Directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Directory, "Directory.Packages.props"), "<Project />\n");

        // The local feed added to the machine's usual sources (no <clear />: the default feed stays for anything
        // else). The consumer restores only IntervalNotifiers, at the exact version just packed, into an
        // isolated packages folder; the tests check that it came from the local feed with the packed bytes.
        File.WriteAllText(Path.Combine(Directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="ntf-local" value="{package.Feed}" />
              </packageSources>
            </configuration>
            """);

        File.WriteAllText(ProjectPath, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <LangVersion>latest</LangVersion>
                <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
                <RestorePackagesPath>{package.PackagesFolder}</RestorePackagesPath>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="IntervalNotifiers" Version="[{package.Version}]" />
              </ItemGroup>
            </Project>
            """);
    }

    public string Directory { get; }

    public string ProjectPath { get; }

    public string SourcePath(string fileName) => Path.Combine(Directory, fileName);

    public void WriteSource(string fileName, string text) => File.WriteAllText(SourcePath(fileName), text);

    public void WriteEditorConfig(string text) => File.WriteAllText(Path.Combine(Directory, ".editorconfig"), text);

    /// <summary>
    /// Whether builds and <c>dotnet format</c> skip the implicit restore (set it once a build has restored: a consumer
    /// that runs many commands restores once).
    /// </summary>
    public bool NoRestore { get; set; }

    /// <summary><c>dotnet build</c> of the consumer (no build servers, plain console logger).</summary>
    public Task<ProcessResult> BuildAsync()
    {
        var arguments = new List<string>
        {
            "build", ProjectPath, "-c", "Debug", "--disable-build-servers", "-nodeReuse:false", "-tl:off",
            "-v:minimal", "-p:UseSharedCompilation=false",
        };
        if (NoRestore)
        {
            arguments.Add("--no-restore");
        }

        return ProcessRunner.DotNetAsync(Directory, arguments);
    }

    /// <summary>
    /// <c>dotnet format analyzers</c> at <paramref name="severity"/>, restricted to <paramref name="ids"/> when any are
    /// given (<c>--diagnostics</c>); with none, every diagnostic of that severity, as users run it.
    /// </summary>
    public Task<ProcessResult> FormatAnalyzersAsync(string severity, params string[] ids)
    {
        var arguments = new List<string> { "format", "analyzers", ProjectPath };
        if (ids.Length > 0)
        {
            arguments.Add("--diagnostics");
            arguments.AddRange(ids);
        }

        arguments.AddRange(["--severity", severity, "-v", "diag"]);
        if (NoRestore)
        {
            arguments.Add("--no-restore");
        }

        return ProcessRunner.DotNetAsync(Directory, arguments, TimeSpan.FromMinutes(8));
    }

    /// <summary>The distinct diagnostics in a build's output.</summary>
    public static IReadOnlyList<BuildDiagnostic> Diagnostics(ProcessResult build)
        => DiagnosticLine.Matches(build.Output)
            .Select(m => new BuildDiagnostic(m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value),
                                             int.Parse(m.Groups["col"].Value), m.Groups["severity"].Value, m.Groups["id"].Value))
            .Distinct()
            .ToArray();

    /// <summary>The 1-based line and column of the first occurrence of <paramref name="marker"/> in <paramref name="text"/>.</summary>
    public static (int Line, int Column) PositionOf(string text, string marker, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(marker, index + 1, StringComparison.Ordinal);
            if (index < 0)
            {
                throw new ArgumentException($"'{marker}' (occurrence {occurrence}) not in the source");
            }
        }

        var line = 1 + text.AsSpan(0, index).Count('\n');
        var column = index - (text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        return (line, column);
    }
}
