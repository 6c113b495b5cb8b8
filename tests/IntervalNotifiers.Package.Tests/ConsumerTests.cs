using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// End to end: a consumer that references the package gets the analyzers at build time, their severity is
/// configurable in .editorconfig, and `dotnet format analyzers` applies the code fixes shipped beside them.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerTests
{
    /// <summary>NTF001 only: a start whose finishes nobody finishes.</summary>
    internal const string StartOnlySource = """
        using IntervalNotifiers;

        namespace Consumer
        {
            public sealed class StartOnlyOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }
        }
        """;

    /// <summary>NTF001 and NTF002 (a finish stored in a field from InvalidateFinish).</summary>
    private const string ViolationsSource = """
        using IntervalNotifiers;

        namespace Consumer
        {
            public sealed class StartOnlyOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }
            }

            public sealed class LeakyOps : IntervalNotifierOps
            {
                private NotifierFinish? _last;

                public NotifierFinish? Last => _last;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    _last = finish;
                }
            }
        }
        """;

    private readonly PackageFixture _package;
    private readonly ITestOutputHelper _output;

    public ConsumerTests(PackageFixture package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [Fact]
    public async Task Build_FailsWithNtf001AndNtf002_AtTheirLocations()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "violations");
        consumer.WriteSource("Violations.cs", ViolationsSource);

        var build = await consumer.BuildAsync();
        Log(build);
        var diagnostics = Consumer.Diagnostics(build);
        var errors = diagnostics.Where(d => d.Severity == "error").ToArray();

        Assert.True(build.ExitCode != 0, "the build succeeded although the source breaks NTF001 and NTF002:" + Environment.NewLine + build);
        Assert.True(errors.Select(d => d.Id).Distinct().OrderBy(id => id).SequenceEqual(new[] { "NTF001", "NTF002" }),
            $"expected exactly the errors NTF001 and NTF002, got [{string.Join("; ", errors.AsEnumerable())}]{Environment.NewLine}{build}");

        // NTF001 on the type's identifier.
        var ntf001 = Assert.Single(errors, d => d.Id == "NTF001");
        var expected001 = Consumer.PositionOf(ViolationsSource, "StartOnlyOps");
        Assert.True(Path.GetFileName(ntf001.File) == "Violations.cs" && (ntf001.Line, ntf001.Column) == expected001,
            $"NTF001 expected at Violations.cs{expected001}, got {ntf001}{Environment.NewLine}{build}");

        // NTF002 where the finish leaves the list: on the assignment to the field (docs/rules/NTF002.md).
        var ntf002 = Assert.Single(errors, d => d.Id == "NTF002");
        var expected002 = Consumer.PositionOf(ViolationsSource, "_last = finish;");
        Assert.True(Path.GetFileName(ntf002.File) == "Violations.cs" && (ntf002.Line, ntf002.Column) == expected002,
            $"NTF002 expected at Violations.cs{expected002}, got {ntf002}{Environment.NewLine}{build}");

        // The package came from the local feed, not from a cache or another source.
        AssertRestoredFromLocalFeed();
    }

    [Fact]
    public async Task EditorConfig_SeverityNone_SilencesNtf001()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "severity-none");
        consumer.WriteSource("StartOnly.cs", StartOnlySource);

        // Without configuration the rule fails the build...
        var before = await consumer.BuildAsync();
        Log(before);
        var expected = Consumer.PositionOf(StartOnlySource, "StartOnlyOps");
        Assert.True(before.ExitCode != 0 && Consumer.Diagnostics(before).Any(d => d is { Id: "NTF001", Severity: "error" }
                                                                             && (d.Line, d.Column) == expected),
            $"expected NTF001 at StartOnly.cs{expected} before configuring it:{Environment.NewLine}{before}");

        // ...and `dotnet_diagnostic.NTF001.severity = none` turns it off.
        consumer.WriteEditorConfig("""
            root = true

            [*.cs]
            dotnet_diagnostic.NTF001.severity = none
            """);
        var after = await consumer.BuildAsync();
        Log(after);
        Assert.True(after.ExitCode == 0, "the build still fails with NTF001 set to none:" + Environment.NewLine + after);
        Assert.DoesNotContain(Consumer.Diagnostics(after), d => d.Id == "NTF001");
    }

    [Fact]
    public async Task DotnetFormatAnalyzers_AppliesTheNtf001CodeFix()
    {
        _package.AssertPacked();
        var consumer = new Consumer(_package, "format");
        consumer.WriteSource("StartOnly.cs", StartOnlySource);

        var format = await consumer.FormatAnalyzersAsync("info", "NTF001");
        Log(format);
        Assert.True(format.ExitCode == 0, "dotnet format analyzers failed:" + Environment.NewLine + format);

        var fixedSource = File.ReadAllText(consumer.SourcePath("StartOnly.cs"));
        _output.WriteLine("--- StartOnly.cs after dotnet format ---" + Environment.NewLine + fixedSource);
        Assert.True(fixedSource != StartOnlySource,
            "dotnet format analyzers --diagnostics NTF001 changed nothing (is the NTF001 code fix in the package?):"
            + Environment.NewLine + format);

        // The start hands out a finish, so the fix is the InvalidateFinish override (not the turn-into-Invalidate one).
        Assert.Contains("override void InvalidateFinish(NotifierFinish finish)", fixedSource, StringComparison.Ordinal);

        var build = await consumer.BuildAsync();
        Log(build);
        Assert.True(build.ExitCode == 0 && !Consumer.Diagnostics(build).Any(d => d.Id == "NTF001"),
            $"the fixed code does not build cleanly:{Environment.NewLine}{fixedSource}{Environment.NewLine}{build}");
    }

    private void AssertRestoredFromLocalFeed()
    {
        var metadataPath = Path.Combine(_package.PackagesFolder, "intervalnotifiers", _package.Version.ToLowerInvariant(), ".nupkg.metadata");
        Assert.True(File.Exists(metadataPath), $"the consumer did not restore IntervalNotifiers into {_package.PackagesFolder}");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var source = metadata.RootElement.GetProperty("source").GetString();
        Assert.Equal(Path.GetFullPath(_package.Feed).TrimEnd(Path.DirectorySeparatorChar),
                     Path.GetFullPath(source!).TrimEnd(Path.DirectorySeparatorChar));
        using var nupkg = File.OpenRead(_package.PackagePath);
        Assert.Equal(Convert.ToBase64String(SHA512.HashData(nupkg)), metadata.RootElement.GetProperty("contentHash").GetString());
    }

    private void Log(ProcessResult result) => _output.WriteLine(result.ToString());
}
