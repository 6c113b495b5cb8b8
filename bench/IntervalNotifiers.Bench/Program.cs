using BenchmarkDotNet.Running;

namespace IntervalNotifiers.Bench;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/IntervalNotifiers.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by the command line (BenchmarkDotNet's switcher).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
