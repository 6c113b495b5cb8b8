// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System.Text;

namespace IntervalNotifiers.AnalyzerBench;

// The writer every generator method writes to.
public static partial class CorpusGenerator
{
    /// <summary>A tiny indenting writer.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _depth;

        public void Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _depth * 4);
            }

            _text.Append(line).Append('\n');
        }

        /// <summary>Writes <paramref name="header"/> (if any) and an opening brace.</summary>
        public void Open(string header)
        {
            if (header.Length > 0)
            {
                Line(header);
            }

            Line("{");
            _depth++;
        }

        public void Close()
        {
            _depth--;
            Line("}");
        }

        public override string ToString() => _text.ToString();
    }
}
