// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
namespace IntervalNotifiers.AnalyzerBench;

/// <summary>One generated C# file.</summary>
public sealed class CorpusFile
{
    public CorpusFile(string path, string text)
    {
        Path = path;
        Text = text;
    }

    /// <summary>Relative path, with forward slashes.</summary>
    public string Path { get; }

    public string Text { get; }
}
