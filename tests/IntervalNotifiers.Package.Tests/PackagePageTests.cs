using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// What a package page shows and links to: the project and repository URLs (the same base as the analyzers'
/// help links), a README whose links work outside the repository, the rule pages, and the symbols package.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackagePageTests
{
    private readonly PackageFixture _package;

    public PackagePageTests(PackageFixture package) => _package = package;

    /// <summary>NotifierRepositoryUrl, as Directory.Build.props sets it.</summary>
    private static string RepositoryUrl()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var url = props.Descendants().SingleOrDefault(e => e.Name.LocalName == "NotifierRepositoryUrl")?.Value.Trim();
        Assert.False(string.IsNullOrEmpty(url), "Directory.Build.props sets no NotifierRepositoryUrl");
        return url!;
    }

    private XElement Metadata()
    {
        _package.AssertPacked();
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        using var stream = zip.GetEntry("IntervalNotifiers.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static byte[] Read(string packagePath, string entryName)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        var entry = zip.GetEntry(entryName);
        Assert.True(entry is not null, $"{Path.GetFileName(packagePath)} has no {entryName}; it holds: "
                                       + string.Join(", ", zip.Entries.Select(e => e.FullName)));
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public void Nuspec_ProjectUrlAndRepositoryUrl_AreNotifierRepositoryUrl()
    {
        var expected = RepositoryUrl();
        var metadata = Metadata();
        Assert.Equal(expected, metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "projectUrl")?.Value);
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");
        Assert.True(repository is not null, "the nuspec has no <repository>:" + Environment.NewLine + metadata);
        Assert.Equal(expected, (string?)repository.Attribute("url"));
        Assert.Equal("git", (string?)repository.Attribute("type"));
    }

    [Fact]
    public void HelpLinks_OfThePackedAnalyzers_AreUnderTheProjectUrl()
    {
        // Descriptors.HelpLinkBase, read from the packed assembly's metadata (a constant): every help link is
        // HelpLinkBase + "NTFnnn.md", so it names the repository the package page names.
        _package.AssertPacked();
        var projectUrl = Metadata().Elements().Single(e => e.Name.LocalName == "projectUrl").Value;
        using var pe = new PEReader(new MemoryStream(Read(_package.PackagePath, "analyzers/dotnet/cs/IntervalNotifiers.Analyzers.dll")));
        var reader = pe.GetMetadataReader();
        var field = reader.TypeDefinitions.Select(reader.GetTypeDefinition)
            .Where(t => reader.GetString(t.Name) == "Descriptors" && reader.GetString(t.Namespace) == "IntervalNotifiers.Analyzers")
            .SelectMany(t => t.GetFields().Select(reader.GetFieldDefinition))
            .Single(f => reader.GetString(f.Name) == "HelpLinkBase");
        var constant = reader.GetConstant(field.GetDefaultValue());
        Assert.Equal(ConstantTypeCode.String, constant.TypeCode);
        var helpLinkBase = reader.GetBlobReader(constant.Value).ReadConstant(ConstantTypeCode.String) as string;
        Assert.Equal(projectUrl + "/blob/main/docs/rules/", helpLinkBase);
    }

    [Fact]
    public void Readme_InThePackage_HasOnlyAbsoluteLinks()
    {
        // On a package page a relative link goes nowhere.
        _package.AssertPacked();
        var readme = System.Text.Encoding.UTF8.GetString(Read(_package.PackagePath, "README.md"));
        var targets = Regex.Matches(readme, @"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")
            .Select(m => m.Groups["target"].Value)
            .ToArray();
        Assert.True(targets.Length > 0, "the README has no link at all");
        var relative = targets.Where(t => !t.StartsWith("https://", StringComparison.Ordinal)
                                          && !t.StartsWith("http://", StringComparison.Ordinal)
                                          && !t.StartsWith('#'))
            .ToArray();
        Assert.True(relative.Length == 0, "relative links in the packed README: " + string.Join(", ", relative));

        // Links into the repository use the project URL (not another spelling of the repository).
        var projectUrl = Metadata().Elements().Single(e => e.Name.LocalName == "projectUrl").Value;
        var rulePages = targets.Where(t => t.Contains("docs/rules/NTF", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(rulePages);
        Assert.All(rulePages, t => Assert.StartsWith(projectUrl + "/blob/main/docs/rules/NTF", t, StringComparison.Ordinal));
    }

    [Fact]
    public void Package_ShipsEveryRulePage_UnderDocsRules()
    {
        _package.AssertPacked();
        var pages = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "rules"), "*.md")
            .Select(Path.GetFileName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        Assert.True(pages.Length >= 12, $"only {pages.Length} rule pages in docs/rules");

        using (var zip = ZipFile.OpenRead(_package.PackagePath))
        {
            var packed = zip.Entries.Select(e => e.FullName.Replace('\\', '/'))
                .Where(n => n.StartsWith("docs/", StringComparison.Ordinal))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(pages.Select(p => "docs/rules/" + p), packed);
        }

        foreach (var page in pages)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "docs", "rules", page!))
                            .SequenceEqual(Read(_package.PackagePath, "docs/rules/" + page)),
                $"docs/rules/{page} in the package differs from the repository's");
        }
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net10.0")]
    public void SymbolsPackage_HoldsThePdbOfEachRuntimeAssembly(string framework)
    {
        _package.AssertPacked();
        var symbols = Path.ChangeExtension(_package.PackagePath, ".snupkg");
        Assert.True(File.Exists(symbols), $"no symbols package beside {_package.PackagePath}: "
                                          + string.Join(", ", Directory.GetFiles(_package.Feed).Select(Path.GetFileName)));

        // The PDB is the portable PDB of the very assembly in the .nupkg: same id in both.
        using var pe = new PEReader(new MemoryStream(Read(_package.PackagePath, $"lib/{framework}/IntervalNotifiers.dll")));
        var codeView = pe.ReadDebugDirectory().Single(d => d.Type == DebugDirectoryEntryType.CodeView);
        var expected = pe.ReadCodeViewDebugDirectoryData(codeView).Guid;

        using var pdb = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(Read(symbols, $"lib/{framework}/IntervalNotifiers.pdb")));
        var id = pdb.GetMetadataReader().DebugMetadataHeader!.Id;
        Assert.Equal(expected, new Guid(id.AsSpan(0, 16)));
    }
}
