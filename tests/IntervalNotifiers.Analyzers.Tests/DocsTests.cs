using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests;

/// <summary>
/// The descriptors, the rule pages (docs/rules/NTFnnn.md), the release tracking file and the README agree:
/// help link, severity, category, the page's sections, and the README's rule table.
/// </summary>
public sealed class DocsTests
{
    /// <summary>The sections every rule page has (notes/common.md), in this order.</summary>
    private static readonly string[] Sections =
        { "## What it flags", "## Why", "## Bad", "## Good", "## How to fix", "## Configure or suppress" };

    /// <summary>Every descriptor of the catalogue (Descriptors' static fields).</summary>
    public static IReadOnlyList<DiagnosticDescriptor> AllDescriptors { get; } = typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var id in AllDescriptors.Select(d => d.Id).Distinct())
        {
            data.Add(id);
        }

        return data;
    }

    private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors.Single(d => d.Id == id && !d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd));

    private static string RepoRoot
    {
        get
        {
            Assert.True(AnalyzerCatalog.RepoRoot is not null,
                $"NotifierAnalyzers.sln not found above {AppContext.BaseDirectory}, {Directory.GetCurrentDirectory()} or the test sources");
            return AnalyzerCatalog.RepoRoot!;
        }
    }

    [Fact]
    public void TheCatalogue_NumbersItsRulesFromNTF001WithoutGaps()
    {
        // A rule may have a CompilationEnd twin descriptor with the same ID: count each ID once.
        var ids = AllDescriptors.Select(d => d.Id).Distinct().ToList();
        Assert.Equal(Enumerable.Range(1, Math.Max(14, ids.Count)).Select(i => $"NTF{i:000}"), ids);
    }

    [Fact]
    public void EveryAnalyzerDescriptor_IsACatalogueDescriptor()
    {
        // "use them, do not create new descriptors": an analyzer reports only descriptors of Descriptors.
        foreach (var analyzer in AnalyzerCatalog.CreateAnalyzers())
        {
            foreach (var descriptor in analyzer.SupportedDiagnostics)
            {
                Assert.True(AllDescriptors.Contains(descriptor),
                    $"{analyzer.GetType().Name} supports {descriptor.Id}, which is not the instance in Descriptors");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasTheHelpLinkAndAMessageThatSaysHowToFix(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(Descriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.True(descriptor.IsEnabledByDefault, $"{id} is disabled by default");
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()), $"{id} has no title");
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{id} has no description");

        var message = descriptor.MessageFormat.ToString();
        Assert.False(string.IsNullOrWhiteSpace(message), $"{id} has no message");
        // The message says what is wrong, then (after a colon) what to do, unless the rest comes from an argument.
        Assert.True(message.Contains(':', StringComparison.Ordinal), $"{id}'s message has no how-to-fix clause: {message}");
        var clause = message[(message.LastIndexOf(':') + 1)..].Trim();
        Assert.True(clause.Length > 0, $"{id}'s message ends with an empty clause: {message}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_IsSupportedByTheAnalyzerThatTheReleaseFileNames(string id)
    {
        var row = ReleaseRow(id);
        var analyzerName = row.Notes.Split(',')[0].Trim();
        var supporting = AnalyzerCatalog.CreateAnalyzers()
            .Where(a => a.SupportedDiagnostics.Any(d => d.Id == id))
            .Select(a => a.GetType().Name)
            .ToArray();
        Assert.True(supporting.SequenceEqual(new[] { analyzerName }),
            $"{id}: AnalyzerReleases.*.md names {analyzerName}, supported by [{string.Join(", ", supporting)}]");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ReleaseFile_ListsTheRuleWithItsCategoryAndSeverity(string id)
    {
        var descriptor = Descriptor(id);
        var row = ReleaseRow(id);
        Assert.Equal(descriptor.Category, row.Category);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
        Assert.Contains(Descriptors.HelpLinkBase + id + ".md", row.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedReleaseFile_ListsTheRulesOfRelease010UnderTheirRelease()
    {
        // NTF001-NTF012 shipped in 0.1.0; a rule moves from Unshipped to Shipped under the version that ships it.
        var path = Path.Combine(RepoRoot, "analyzers", "IntervalNotifiers.Analyzers", "AnalyzerReleases.Shipped.md");
        string? release = null;
        var releaseOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var heading = Regex.Match(line, @"^## Release (?<version>\S+)\s*$");
            if (heading.Success)
            {
                release = heading.Groups["version"].Value;
                continue;
            }

            var id = line.Split('|')[0].Trim();
            if (Regex.IsMatch(id, @"^NTF\d{3}$"))
            {
                releaseOf[id] = release;
            }
        }

        foreach (var id in Enumerable.Range(1, 12).Select(i => $"NTF{i:000}"))
        {
            Assert.True(releaseOf.TryGetValue(id, out var version) && version == "0.1.0",
                $"{id} is not listed under '## Release 0.1.0' in {path}");
        }

        Assert.True(releaseOf.Values.All(v => v is not null), $"{path} lists rules before any '## Release' heading");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RulePage_ExistsWithTitleSeverityAndSections(string id)
    {
        var descriptor = Descriptor(id);
        var path = Path.Combine(RepoRoot, "docs", "rules", id + ".md");
        Assert.True(File.Exists(path), $"missing rule page {path}");
        var lines = File.ReadAllLines(path);
        var prose = OutsideCodeBlocks(lines).ToArray();

        Assert.True(lines.Length > 0 && lines[0].StartsWith("# " + id, StringComparison.Ordinal),
            $"{id}.md must start with '# {id}: <title>', starts with '{lines.FirstOrDefault()}'");

        var severity = prose.Select(l => Regex.Match(l, @"^\**Severity:?\**:?\s*\**\s*(?<value>[A-Za-z]+)")).FirstOrDefault(m => m.Success);
        Assert.True(severity is not null, $"{id}.md has no 'Severity:' line");
        Assert.Equal(descriptor.DefaultSeverity.ToString(), severity.Groups["value"].Value);

        var positions = Sections.Select(s => Array.FindIndex(prose, l => l.TrimEnd().StartsWith(s, StringComparison.Ordinal))).ToArray();
        var missing = Sections.Where((s, i) => positions[i] < 0).ToArray();
        Assert.True(missing.Length == 0, $"{id}.md lacks the sections: {string.Join(", ", missing)}");
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.First < p.Second),
            $"{id}.md has its sections out of order; expected {string.Join(", ", Sections)}");

        var text = File.ReadAllText(path);
        Assert.True(Section(lines, "## Bad").Contains("```csharp", StringComparison.Ordinal), $"{id}.md: '## Bad' has no ```csharp block");
        Assert.True(Section(lines, "## Good").Contains("```csharp", StringComparison.Ordinal), $"{id}.md: '## Good' has no ```csharp block");
        Assert.True(Section(lines, "## Why").Contains("mmu_", StringComparison.Ordinal), $"{id}.md: '## Why' names no kernel function (mmu_...)");
        var configure = Section(lines, "## Configure or suppress");
        Assert.Contains($"dotnet_diagnostic.{id}.severity", configure, StringComparison.Ordinal);
        Assert.Contains($"#pragma warning disable {id}", configure, StringComparison.Ordinal);
        Assert.Contains("SuppressMessage", configure, StringComparison.Ordinal);
        Assert.DoesNotContain("TODO", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Readme_HasATableRowLinkingTheRulePage(string id)
    {
        var readme = File.ReadAllLines(Path.Combine(RepoRoot, "README.md"));
        var row = readme.FirstOrDefault(l => l.TrimStart().StartsWith('|') && l.Contains(id, StringComparison.Ordinal)
                                             && l.Contains($"docs/rules/{id}.md", StringComparison.Ordinal));
        Assert.True(row is not null, $"README.md has no table row for {id} linking docs/rules/{id}.md");
        Assert.Contains(Descriptor(id).DefaultSeverity.ToString(), row, StringComparison.Ordinal);
    }

    private sealed record ReleaseEntry(string Category, string Severity, string Notes);

    private static ReleaseEntry ReleaseRow(string id)
    {
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .Select(f => Path.Combine(RepoRoot, "analyzers", "IntervalNotifiers.Analyzers", f))
            .Where(File.Exists)
            .SelectMany(File.ReadAllLines)
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length >= 4 && c[0] == id)
            .ToArray();
        Assert.True(rows.Length == 1, $"{id} is listed {rows.Length} times in AnalyzerReleases.*.md");
        return new ReleaseEntry(rows[0][1], rows[0][2], rows[0][3]);
    }

    private static IEnumerable<string> OutsideCodeBlocks(IEnumerable<string> lines)
    {
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                yield return "";
                continue;
            }

            yield return inCode ? "" : line;
        }
    }

    /// <summary>The text of a section, from its heading to the next heading of the same or a higher level.</summary>
    private static string Section(string[] lines, string heading)
    {
        var prose = OutsideCodeBlocks(lines).ToArray();
        var start = Array.FindIndex(prose, l => l.TrimEnd().StartsWith(heading, StringComparison.Ordinal));
        if (start < 0)
        {
            return "";
        }

        var end = Array.FindIndex(prose, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal) || l.StartsWith("# ", StringComparison.Ordinal));
        return string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
    }
}
