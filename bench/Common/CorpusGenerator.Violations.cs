// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;

namespace IntervalNotifiers.AnalyzerBench;

// The violations: exactly one diagnostic of one rule per file.
public static partial class CorpusGenerator
{
    /// <summary>Exactly one diagnostic of <paramref name="rule"/>, and nothing else.</summary>
    private static void Violation(Writer w, string n, string rule)
    {
        switch (rule)
        {
            case "NTF001":
                FinishType(w, n);
                w.Open($"internal sealed class HalfOps{n} : IntervalNotifierOps");
                StartSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: false);
                w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
                w.Line("return true;");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF002":
                FinishType(w, n);
                w.Open($"internal sealed class KeepingOps{n} : IntervalNotifierOps");
                w.Line("private NotifierFinish? _lastFinished;");
                w.Line();
                w.Line("public NotifierFinish? LastFinished => _lastFinished;");
                w.Line();
                StartSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: false);
                w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
                w.Line("return true;");
                w.Close();
                w.Line();
                w.Open("public override void InvalidateFinish(NotifierFinish finish)");
                w.Line($"var device = ((Mirror{n})finish.Notifier).Device;");
                w.Line("device.Invalidations++;");
                w.Line("_lastFinished = finish;");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF003":
                w.Open($"internal sealed class IdleOps{n} : IntervalNotifierOps");
                w.Line("public int Created { get; set; }");
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF004":
                FinishType(w, n);
                w.Open($"internal sealed class BothOps{n} : IntervalNotifierOps");
                InvalidateSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: true);
                w.Line("return true;");
                w.Close();
                w.Line();
                StartSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: false);
                w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
                w.Line("return true;");
                w.Close();
                w.Line();
                FinishBody(w, n, returnToPool: false);
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF005":
                w.Open($"internal sealed class LateOps{n} : IntervalNotifierOps");
                w.Line("private int _finished;");
                w.Line();
                w.Line("public int Finished => _finished;");
                w.Line();
                InvalidateSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: true);
                w.Line("return true;");
                w.Close();
                w.Line();
                w.Open("public override void InvalidateFinish(NotifierFinish finish)");
                w.Line("Interlocked.Increment(ref _finished);");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF006":
                FinishType(w, n);
                w.Open($"internal sealed class EagerOps{n} : IntervalNotifierOps");
                StartSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
                w.Open("if (!range.IsBlockable)");
                w.Line("return false;");
                w.Close();
                w.Line();
                LockedSetSequence(w, "device", unmap: false);
                w.Line("return true;");
                w.Close();
                w.Line();
                FinishBody(w, n, returnToPool: false);
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF007":
                w.Open($"internal sealed class BusyOps{n} : IntervalNotifierOps");
                InvalidateSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                w.Open("if (device.Busy)");
                w.Line("return false;");
                w.Close();
                w.Line();
                LockedSetSequence(w, "device", unmap: true);
                w.Line("return true;");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF008":
                w.Open($"internal sealed class LazyOps{n} : IntervalNotifierOps");
                InvalidateSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                w.Open("if (device.Mapped.Count == 0)");
                w.Line("return true;");
                w.Close();
                w.Line();
                LockedSetSequence(w, "device", unmap: true);
                w.Line("return true;");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF009":
                SinglePassOps(w, n, tryLock: false);
                Reader(w, n, 0);
                w.Open($"internal static class Prefetch{n}");
                w.Open($"public static void Warm(Mirror{n} mirror)");
                w.Line("mirror.ReadBegin();");
                w.Close();
                w.Close();
                w.Line();
                break;
            case "NTF010":
                SinglePassOps(w, n, tryLock: false);
                w.Open($"internal static class RacyReader{n}");
                w.Open($"public static ulong Lookup(Mirror{n} mirror, ulong address)");
                w.Open("while (true)");
                w.Line("var sequence = mirror.ReadBegin();");
                w.Line("var value = (address >> 12) * 2654435761UL;");
                w.Open("if (mirror.ReadRetry(sequence))");
                w.Line("continue;");
                w.Close();
                w.Line();
                w.Open("lock (mirror.Device.Lock)");
                w.Line("mirror.Device.Mapped[address] = value;");
                w.Close();
                w.Line();
                w.Line("return value;");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            case "NTF011":
                w.Open($"internal sealed class SelfRemovingOps{n} : IntervalNotifierOps");
                InvalidateSignature(w);
                w.Line($"var device = ((Mirror{n})notifier).Device;");
                LockedSetSequence(w, "device", unmap: true);
                w.Open("if (range.Event == NotifierEvent.Release)");
                w.Line("notifier.Remove();");
                w.Close();
                w.Line();
                w.Line("return true;");
                w.Close();
                w.Close();
                w.Line();
                Reader(w, n, 0);
                break;
            case "NTF012":
                SinglePassOps(w, n, tryLock: false);
                Reader(w, n, 0);
                w.Open($"internal static class Reset{n}");
                w.Line("/// <summary>Forgets every invalidation seen so far (wrong: only a callback may set the sequence).</summary>");
                w.Open($"public static void Recover(Mirror{n} mirror)");
                w.Open("lock (mirror.Device.Lock)");
                w.Line("mirror.Device.Mapped.Clear();");
                w.Line("mirror.SetSequence(1);");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }
}
