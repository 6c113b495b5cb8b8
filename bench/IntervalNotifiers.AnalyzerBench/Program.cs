using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>
/// The analyzer bench: compiles a directory of C# files once without analyzers and once with every IntervalNotifiers
/// analyzer (and, to compare, with a well-known analyzer package), and reports what the analyzers cost.
/// </summary>
public static class Program
{
    internal const int UsageError = 2;

    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine("run with --help for the usage");
            return UsageError;
        }

        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        if (options.Generate is not null)
        {
            var corpus = CorpusGenerator.Generate(options.Files, options.Seed, options.UnrelatedOnly);
            corpus.WriteTo(options.Generate);
            Console.WriteLine($"generated {corpus.Files.Count} files ({corpus.Files.Sum(f => CountLines(f.Text)):N0} lines, seed {options.Seed}) in {Path.GetFullPath(options.Generate)}");
            Console.WriteLine("  kinds:    " + string.Join(", ", corpus.FileKinds.Select(k => $"{k.Key} {k.Value}")));
            Console.WriteLine("  expected: " + string.Join(", ", corpus.ExpectedDiagnostics.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}")));
            if (options.Corpus is null)
            {
                return 0;
            }
        }

        if (options.Corpus is null)
        {
            Console.Error.WriteLine("error: --corpus DIR is required (or --generate DIR)");
            Console.Error.WriteLine("run with --help for the usage");
            return UsageError;
        }

        if (!Directory.Exists(options.Corpus))
        {
            Console.Error.WriteLine($"error: corpus directory '{options.Corpus}' does not exist");
            return UsageError;
        }

        var sources = ReadCorpus(options.Corpus);
        if (sources.Count == 0)
        {
            Console.Error.WriteLine($"error: corpus directory '{options.Corpus}' contains no .cs files (bin/, obj/ and .git/ are skipped)");
            return UsageError;
        }

        var ours = AnalyzerLoader.IntervalNotifiers();
        var compared = new List<(string Package, ImmutableArray<DiagnosticAnalyzer> Analyzers)>();
        foreach (var package in options.ComparePackages)
        {
            var parts = package.Split('/');
            ImmutableArray<DiagnosticAnalyzer> analyzers;
            List<string> problems;
            try
            {
                analyzers = AnalyzerLoader.FromPackage(parts[0], parts[1], out _, out problems);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return UsageError;
            }

            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"warning: {package}: {problem}");
            }

            if (analyzers.IsEmpty)
            {
                Console.Error.WriteLine($"error: no C# analyzer could be loaded from {package}");
                return UsageError;
            }

            compared.Add((package, analyzers));
        }

        foreach (var build in options.CompareBuilds)
        {
            ImmutableArray<DiagnosticAnalyzer> analyzers;
            try
            {
                analyzers = AnalyzerLoader.FromBuild(build, out var problems);
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine($"warning: {build}: {problem}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return UsageError;
            }

            if (analyzers.IsEmpty)
            {
                Console.Error.WriteLine($"error: no C# analyzer could be loaded from {build}");
                return UsageError;
            }

            compared.Add(("build " + build, analyzers));
        }

        Dictionary<string, int>? expected;
        try
        {
            expected = GeneratedCorpus.ReadExpected(options.Corpus);
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"error: {GeneratedCorpus.ExpectedFileName} in '{options.Corpus}' is not a JSON object of ID: count ({e.Message})");
            return UsageError;
        }

        var references = References(options.NoRuntime);
        var bench = new BenchRunner(options, sources, references, ours, compared);
        var report = await bench.RunAsync().ConfigureAwait(false);
        report.Expected = expected;
        report.WriteText(Console.Out);
        if (options.Json is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(options.Json));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(options.Json, report.ToJson());
            Console.WriteLine($"json        {Path.GetFullPath(options.Json)}");
        }

        if (options.Check && !report.Passes())
        {
            Console.Error.WriteLine("check failed: the diagnostic counts differ from expected-diagnostics.json, or an analyzer threw");
            return 1;
        }

        return 0;
    }

    /// <summary>The .NET 10 reference assemblies, and the runtime unless <paramref name="noRuntime"/>.</summary>
    internal static ImmutableArray<MetadataReference> References(bool noRuntime)
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToList();
        if (!noRuntime)
        {
            references.Add(MetadataReference.CreateFromFile(typeof(global::IntervalNotifiers.AddressSpace).Assembly.Location));
        }

        return references.ToImmutableArray();
    }

    internal static List<(string Path, string Text)> ReadCorpus(string directory)
    {
        var root = Path.GetFullPath(directory);
        var skipped = new[] { "bin", "obj", ".git" };
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                        .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                                         .SkipLast(1).Any(part => skipped.Contains(part, StringComparer.OrdinalIgnoreCase)))
                        .OrderBy(f => f, StringComparer.Ordinal)
                        .Select(f => (f, File.ReadAllText(f)))
                        .ToList();
    }

    internal static int CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var lines = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
            }
        }

        return text[^1] == '\n' ? lines : lines + 1;
    }
}
