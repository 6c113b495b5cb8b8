using System;
using System.IO;
using System.Linq;
using System.Reflection;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// README's rule table lists exactly the fixes that exist: for each rule, its Fix cell names one fix per action kind
/// of the rule's providers (their public <c>...Key</c> equivalence-key constants, separated by <c>;</c> in the cell),
/// and is empty for a rule no provider fixes. Every provider is named by its rule (<c>NTFnnn&lt;Action&gt;CodeFix</c>)
/// and its keys start with that ID.
/// </summary>
public sealed class FixTableTests
{
    private static string[] Keys(Type provider)
        => provider.GetFields(BindingFlags.Public | BindingFlags.Static)
                   .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Key", StringComparison.Ordinal))
                   .Select(f => (string)f.GetRawConstantValue()!)
                   .ToArray();

    [Fact]
    public void EveryProvider_IsNamedByItsRule_AndItsKeysStartWithTheId()
    {
        Assert.NotEmpty(AnalyzerCatalog.CodeFixTypes);
        foreach (var type in AnalyzerCatalog.CodeFixTypes)
        {
            var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
            var id = Assert.Single(provider.FixableDiagnosticIds);
            Assert.Matches("^" + id + "[A-Z][A-Za-z]*CodeFix$", type.Name);
            Assert.IsAssignableFrom<NotifierCodeFixProvider>(provider);
            var keys = Keys(type);
            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.StartsWith(id + ".", key));
        }
    }

    [Fact]
    public void ReadmeFixColumn_ListsOneFixPerActionKind_AndNoneForARuleWithoutAProvider()
    {
        Assert.True(AnalyzerCatalog.RepoRoot is not null, "repository root not found");
        var readme = File.ReadAllLines(Path.Combine(AnalyzerCatalog.RepoRoot!, "README.md"));
        var providers = AnalyzerCatalog.CodeFixTypes
            .Select(t => (Type: t, Id: ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds.Single()))
            .ToArray();
        foreach (var id in DocsTests.AllDescriptors.Select(d => d.Id).Distinct())
        {
            // The link is absolute (the README is also the package page): match the rule's page, whatever the base.
            var row = readme.SingleOrDefault(line => line.StartsWith($"| [{id}](", StringComparison.Ordinal)
                                                     && line.Contains($"docs/rules/{id}.md)", StringComparison.Ordinal));
            Assert.True(row is not null, $"README.md has no row for {id}");
            var cells = row!.Split(" | ");
            var fixCell = cells[^1].TrimEnd('|').Trim();
            var listed = fixCell.Length == 0 ? 0 : fixCell.Split("; ").Length;
            var keys = providers.Where(p => p.Id == id).SelectMany(p => Keys(p.Type)).Distinct().Count();
            Assert.True(listed == keys,
                $"README lists {listed} fix(es) for {id} ('{fixCell}'), but its providers offer {keys} kind(s) of fix");
        }
    }
}
