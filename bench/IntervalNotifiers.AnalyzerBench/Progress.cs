using System;
using System.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>
/// A progress bar on stderr: redrawn in place on a terminal, a line per phase when stderr is redirected.
/// </summary>
internal sealed class Progress
{
    private const int Width = 30;
    private readonly bool _quiet;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _total;
    private double _done;
    private string _phase = string.Empty;
    private long _lastDraw = -1000;

    public Progress(bool quiet) => _quiet = quiet;

    /// <summary>Adds <paramref name="steps"/> to the work still to do.</summary>
    public void Plan(double steps) => _total += steps;

    /// <summary>Starts a phase (printed once when stderr is not a terminal).</summary>
    public void Phase(string phase)
    {
        _phase = phase;
        if (_quiet)
        {
            return;
        }

        if (_interactive)
        {
            Draw(force: true);
        }
        else
        {
            Console.Error.WriteLine($"[{Percent,3:0}%] {_clock.Elapsed.TotalSeconds,6:0.0}s {phase}");
        }
    }

    public void Advance(double steps = 1)
    {
        _done = Math.Min(_total, _done + steps);
        if (!_quiet && _interactive)
        {
            Draw(force: false);
        }
    }

    /// <summary>Clears the bar, so that the report starts on a clean line.</summary>
    public void Done()
    {
        if (!_quiet && _interactive)
        {
            Console.Error.Write("\r" + new string(' ', LineWidth()) + "\r");
        }
        else if (!_quiet)
        {
            Console.Error.WriteLine($"[100%] {_clock.Elapsed.TotalSeconds,6:0.0}s done");
        }
    }

    private static int LineWidth()
    {
        try
        {
            return Console.WindowWidth > 1 ? Math.Min(Console.WindowWidth - 1, 130) : 130;
        }
        catch (Exception e) when (e is System.IO.IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 130;
        }
    }

    private double Percent => _total <= 0 ? 0 : 100.0 * _done / _total;

    private void Draw(bool force)
    {
        var now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDraw < 100)
        {
            return;
        }

        _lastDraw = now;
        var filled = (int)Math.Round(Width * Percent / 100.0);
        var phase = _phase.Length > 60 ? _phase[..57] + "..." : _phase;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {Percent,3:0}% {_clock.Elapsed.TotalSeconds,6:0.0}s {phase,-60}");
    }
}
