using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace IntervalNotifiers.Package.Tests;

/// <summary>What the .nupkg holds: the runtime for both target frameworks, the analyzers, no Roslyn dependency.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageContentTests
{
    private readonly PackageFixture _package;

    public PackageContentTests(PackageFixture package) => _package = package;

    private string[] Entries()
    {
        _package.AssertPacked();
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        return zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToArray();
    }

    private string Listing(string[] entries) => $"{_package.PackagePath} holds:{Environment.NewLine}  "
                                                + string.Join(Environment.NewLine + "  ", entries);

    [Theory]
    [InlineData("lib/net8.0/IntervalNotifiers.dll")]
    [InlineData("lib/net8.0/IntervalNotifiers.xml")]
    [InlineData("lib/net10.0/IntervalNotifiers.dll")]
    [InlineData("lib/net10.0/IntervalNotifiers.xml")]
    [InlineData("analyzers/dotnet/cs/IntervalNotifiers.Analyzers.dll")]
    [InlineData("analyzers/dotnet/cs/IntervalNotifiers.CodeFixes.dll")]
    [InlineData("README.md")]
    [InlineData("IntervalNotifiers.nuspec")]
    public void Package_ContainsFile(string path)
    {
        var entries = Entries();
        Assert.True(entries.Contains(path), $"missing {path}; {Listing(entries)}");
    }

    [Fact]
    public void Package_HasNoOtherAssemblies()
    {
        // Roslyn itself, the analyzer dependencies or the test projects must never end up in the package.
        var entries = Entries();
        var assemblies = entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e).ToArray();
        Assert.True(assemblies.SequenceEqual(new[]
        {
            "analyzers/dotnet/cs/IntervalNotifiers.Analyzers.dll",
            "analyzers/dotnet/cs/IntervalNotifiers.CodeFixes.dll",
            "lib/net10.0/IntervalNotifiers.dll",
            "lib/net8.0/IntervalNotifiers.dll",
        }), Listing(entries));
    }

    [Fact]
    public void Nuspec_HasNoDependencies_AndDeclaresTheReadme()
    {
        _package.AssertPacked();
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        var nuspecEntry = zip.GetEntry("IntervalNotifiers.nuspec");
        Assert.NotNull(nuspecEntry);
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        var text = nuspec.ToString();
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");

        Assert.Equal("IntervalNotifiers", metadata.Elements().Single(e => e.Name.LocalName == "id").Value);
        Assert.Equal(_package.Version, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
        Assert.Equal("README.md", metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "readme")?.Value);

        // No package dependency at all (the analyzers' Roslyn and the analyzer projects stay private).
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();
        Assert.True(dependencies.Length == 0, "unexpected dependencies in the nuspec:" + Environment.NewLine + text);
        Assert.DoesNotContain("Microsoft.CodeAnalysis", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IntervalNotifiers.Analyzers", text, StringComparison.OrdinalIgnoreCase);

        // The dependency groups name exactly the two runtime target frameworks.
        var groups = nuspec.Descendants().Where(e => e.Name.LocalName == "group")
            .Select(e => (string?)e.Attribute("targetFramework")).OrderBy(t => t).ToArray();
        Assert.Equal(new[] { "net10.0", "net8.0" }, groups);
    }

    [Theory]
    [InlineData("lib/net8.0/IntervalNotifiers.dll")]
    [InlineData("lib/net10.0/IntervalNotifiers.dll")]
    public void Runtime_DoesNotReferenceRoslyn(string path)
    {
        var references = AssemblyReferences(path);
        Assert.True(!references.Any(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                                         || r.Name.StartsWith("IntervalNotifiers.", StringComparison.Ordinal)),
            $"{path} references: {string.Join(", ", references.Select(r => r.Name + " " + r.Version))}");
    }

    [Theory]
    [InlineData("analyzers/dotnet/cs/IntervalNotifiers.Analyzers.dll")]
    [InlineData("analyzers/dotnet/cs/IntervalNotifiers.CodeFixes.dll")]
    public void Analyzers_TargetNetStandard_AndRoslyn48(string path)
    {
        // netstandard2.0 and Roslyn <= 4.8: they load in the .NET 8 SDK's compiler and every newer host.
        var references = AssemblyReferences(path);
        var listing = string.Join(", ", references.Select(r => r.Name + " " + r.Version));
        Assert.True(references.Any(r => r.Name == "netstandard" && r.Version == new Version(2, 0, 0, 0)), $"{path} references: {listing}");
        var roslyn = references.Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToArray();
        Assert.True(roslyn.Length > 0, $"{path} references no Roslyn assembly: {listing}");
        Assert.True(roslyn.All(r => r.Version <= new Version(4, 8, 0, 0)), $"{path} needs a Roslyn newer than 4.8: {listing}");
    }

    private (string Name, Version Version)[] AssemblyReferences(string path)
    {
        _package.AssertPacked();
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        var entry = zip.GetEntry(path);
        Assert.True(entry is not null, $"missing {path}");
        using var buffer = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var pe = new PEReader(buffer);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences
            .Select(h => reader.GetAssemblyReference(h))
            .Select(r => (reader.GetString(r.Name), r.Version))
            .ToArray();
    }
}
