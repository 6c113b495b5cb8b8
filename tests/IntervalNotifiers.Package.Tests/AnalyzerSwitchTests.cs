using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// The documented way to use the runtime without its analyzers: the EnableIntervalNotifiersAnalyzers property,
/// honoured by the package's buildTransitive targets (README.md, "Turning the analyzers off").
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class AnalyzerSwitchTests
{
    /// <summary>NTF001, an error by default: a start whose finishes nobody finishes.</summary>
    private const string ViolationSource = ConsumerTests.StartOnlySource;

    private readonly PackageFixture _package;
    private readonly ITestOutputHelper _output;

    public AnalyzerSwitchTests(PackageFixture package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [Fact]
    public async Task EnableIntervalNotifiersAnalyzersFalse_BuildsAViolationCleanly_AndRemovingItBringsTheErrorBack()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "switch-off");
        consumer.WriteSource("StartOnly.cs", ViolationSource);

        // Set where users set build-wide properties: a Directory.Build.props beside the project.
        SetDirectoryBuildProps(consumer, "<EnableIntervalNotifiersAnalyzers>false</EnableIntervalNotifiersAnalyzers>");
        var off = await consumer.BuildAsync();
        Log(off);
        Assert.True(off.ExitCode == 0, "the build fails with EnableIntervalNotifiersAnalyzers=false:" + Environment.NewLine + off);
        Assert.True(!Consumer.Diagnostics(off).Any(d => d.Id.StartsWith("NTF", StringComparison.Ordinal)),
            "NTF diagnostics with EnableIntervalNotifiersAnalyzers=false:" + Environment.NewLine + off);

        // The same folder, built again without the property: the analyzers are back, and the build is not
        // skipped as up to date (the switch is one of the compiler's inputs).
        SetDirectoryBuildProps(consumer, "");
        var on = await consumer.BuildAsync();
        Log(on);
        var expected = Consumer.PositionOf(ViolationSource, "StartOnlyOps");
        Assert.True(on.ExitCode != 0 && Consumer.Diagnostics(on).Any(d => d is { Id: "NTF001", Severity: "error" }
                                                                     && (d.Line, d.Column) == expected),
            $"expected NTF001 at StartOnly.cs{expected} once the property is removed:{Environment.NewLine}{on}");
    }

    [Fact]
    public async Task EnableIntervalNotifiersAnalyzersTrue_KeepsTheAnalyzers()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "switch-on");
        consumer.WriteSource("StartOnly.cs", ViolationSource);
        SetDirectoryBuildProps(consumer, "<EnableIntervalNotifiersAnalyzers>true</EnableIntervalNotifiersAnalyzers>");

        var build = await consumer.BuildAsync();
        Log(build);
        Assert.True(build.ExitCode != 0 && Consumer.Diagnostics(build).Any(d => d is { Id: "NTF001", Severity: "error" }),
            "expected NTF001 with EnableIntervalNotifiersAnalyzers=true:" + Environment.NewLine + build);
    }

    /// <summary>
    /// What README.md states about <c>ExcludeAssets="analyzers"</c>: with the SDK that runs these tests it does
    /// not remove the package's analyzers. If this test fails, the SDK now honours it: update the README.
    /// </summary>
    [Fact]
    public async Task ExcludeAssetsAnalyzers_DoesNotRemoveTheAnalyzers_AsTheReadmeSays()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "exclude-assets");
        consumer.WriteSource("StartOnly.cs", ViolationSource);
        var project = File.ReadAllText(consumer.ProjectPath);
        var reference = $"""<PackageReference Include="IntervalNotifiers" Version="[{_package.Version}]" />""";
        Assert.Contains(reference, project, StringComparison.Ordinal);
        File.WriteAllText(consumer.ProjectPath, project.Replace(reference,
            $"""<PackageReference Include="IntervalNotifiers" Version="[{_package.Version}]" ExcludeAssets="analyzers" />""",
            StringComparison.Ordinal));

        var build = await consumer.BuildAsync();
        Log(build);
        Assert.True(build.ExitCode != 0 && Consumer.Diagnostics(build).Any(d => d is { Id: "NTF001", Severity: "error" }),
            "ExcludeAssets=\"analyzers\" removed the analyzers with this SDK: README.md's 'Turning the analyzers off' is out of date."
            + Environment.NewLine + build);
    }

    [Fact]
    public void Package_ShipsTheSwitch_InBuildTransitive()
    {
        // buildTransitive/ is imported for direct and transitive references alike (NuGet 5 and later).
        _package.AssertPacked();
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        var entry = zip.GetEntry("buildTransitive/IntervalNotifiers.targets");
        Assert.True(entry is not null, "the package has no buildTransitive/IntervalNotifiers.targets");
        using var reader = new StreamReader(entry.Open());
        var packed = reader.ReadToEnd();
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "IntervalNotifiers", "buildTransitive", "IntervalNotifiers.targets"));
        Assert.Equal(source, packed);
        Assert.Contains("EnableIntervalNotifiersAnalyzers", packed, StringComparison.Ordinal);
    }

    private static void SetDirectoryBuildProps(Consumer consumer, string properties)
        => File.WriteAllText(Path.Combine(consumer.Directory, "Directory.Build.props"),
                             properties.Length == 0 ? "<Project />\n" : $"<Project>\n  <PropertyGroup>\n    {properties}\n  </PropertyGroup>\n</Project>\n");

    private void Log(ProcessResult result) => _output.WriteLine(result.ToString());
}
