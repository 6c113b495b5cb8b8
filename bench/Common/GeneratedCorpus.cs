// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>A generated corpus and the diagnostics the analyzers must report on it.</summary>
public sealed class GeneratedCorpus
{
    public GeneratedCorpus(IReadOnlyList<CorpusFile> files, IReadOnlyDictionary<string, int> expected,
                           IReadOnlyDictionary<string, int> kinds)
    {
        Files = files;
        ExpectedDiagnostics = expected;
        FileKinds = kinds;
    }

    public IReadOnlyList<CorpusFile> Files { get; }

    /// <summary>Expected count per diagnostic ID (NTF001..NTF012; zero entries included).</summary>
    public IReadOnlyDictionary<string, int> ExpectedDiagnostics { get; }

    /// <summary>How many files of each kind were generated (for the report).</summary>
    public IReadOnlyDictionary<string, int> FileKinds { get; }

    /// <summary>The name of the file, written beside the sources, that lists the expected counts.</summary>
    public const string ExpectedFileName = "expected-diagnostics.json";

    /// <summary>Writes the sources under <paramref name="directory"/> (replacing earlier generated files) and the expected counts.</summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            File.Delete(old);
        }

        foreach (var file in Files)
        {
            var full = System.IO.Path.Combine(directory, file.Path.Replace('/', System.IO.Path.DirectorySeparatorChar));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, file.Text);
        }

        var json = new StringBuilder("{\n");
        json.Append(string.Join(",\n", ExpectedDiagnostics.OrderBy(p => p.Key, StringComparer.Ordinal)
                                                          .Select(p => $"  \"{p.Key}\": {p.Value}")));
        json.Append("\n}\n");
        File.WriteAllText(System.IO.Path.Combine(directory, ExpectedFileName), json.ToString());
    }

    /// <summary>Reads the expected counts written by <see cref="WriteTo"/>, or null when there are none.</summary>
    public static Dictionary<string, int>? ReadExpected(string directory)
    {
        var path = System.IO.Path.Combine(directory, ExpectedFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Trim().TrimEnd(',').Split(':');
            if (parts.Length == 2 && int.TryParse(parts[1].Trim(), out var count))
            {
                result[parts[0].Trim().Trim('"')] = count;
            }
        }

        return result;
    }
}
