// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

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

        // An object of ID: count in ordinal order, two-space indented, '\n' line ends on every system.
        var ordered = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, count) in ExpectedDiagnostics)
        {
            ordered[id] = count;
        }

        var json = JsonSerializer.Serialize(ordered, new JsonSerializerOptions { WriteIndented = true, NewLine = "\n" });
        File.WriteAllText(System.IO.Path.Combine(directory, ExpectedFileName), json + "\n");
    }

    /// <summary>Reads the expected counts written by <see cref="WriteTo"/>, or null when there are none.</summary>
    public static Dictionary<string, int>? ReadExpected(string directory)
    {
        var path = System.IO.Path.Combine(directory, ExpectedFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var read = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path));
        return read is null ? null : new Dictionary<string, int>(read, StringComparer.Ordinal);
    }
}
