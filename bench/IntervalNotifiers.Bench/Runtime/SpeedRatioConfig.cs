using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;

namespace IntervalNotifiers.Bench.Runtime;

/// <summary>
/// Shows the Ratio column as a speed-up ("15.8x faster" than the baseline) instead of a fraction
/// (0.06): the goals are stated as speed-ups. The job comes from the command line (e.g. <c>--job short</c>).
/// </summary>
public sealed class SpeedRatioConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public SpeedRatioConfig()
    {
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}
