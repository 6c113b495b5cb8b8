// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).

namespace IntervalNotifiers.AnalyzerBench;

// The correct drivers: ops types of every shape, readers and sessions.
public static partial class CorpusGenerator
{
    private static void SinglePassOps(Writer w, string n, bool tryLock)
    {
        w.Open($"internal sealed class MirrorOps{n} : IntervalNotifierOps");
        InvalidateSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        if (!tryLock)
        {
            LockedSetSequence(w, "device", unmap: true);
        }
        else
        {
            w.Open("if (!range.IsBlockable)");
            w.Open("if (!Monitor.TryEnter(device.Lock))");
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Open("else");
            w.Line("Monitor.Enter(device.Lock);");
            w.Close();
            w.Line();
            w.Open("try");
            w.Line("notifier.SetSequence(currentSequence);");
            w.Line("device.Unmap(range.Start, range.End);");
            w.Close();
            w.Open("finally");
            w.Line("Monitor.Exit(device.Lock);");
            w.Close();
        }

        w.Line();
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void FinishType(Writer w, string n)
    {
        w.Line("/// <summary>What the start hands to the finish pass.</summary>");
        w.Open($"internal sealed class Flush{n} : NotifierFinish");
        w.Line("public ulong Start;");
        w.Line("public ulong End;");
        w.Close();
        w.Line();
    }

    private static void FinishBody(Writer w, string n, bool returnToPool)
    {
        w.Open("public override void InvalidateFinish(NotifierFinish finish)");
        w.Line($"var flush = (Flush{n})finish;");
        w.Line($"var device = ((Mirror{n})flush.Notifier).Device;");
        w.Line("Drain(device, flush.Start, flush.End);");
        if (returnToPool)
        {
            w.Line("_pool.Return(flush);");
        }

        w.Close();
        w.Line();
        w.Open($"private static void Drain(Device{n} device, ulong start, ulong end)");
        w.Open("lock (device.Lock)");
        w.Line("device.Unmap(start, end);");
        w.Close();
        w.Close();
    }

    private static void TwoPassPoolOps(Writer w, string n)
    {
        FinishType(w, n);
        w.Open($"internal sealed class TwoPassOps{n} : IntervalNotifierOps");
        w.Line($"private readonly NotifierFinishPool<Flush{n}> _pool = new NotifierFinishPool<Flush{n}>(8);");
        w.Line();
        StartSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: false);
        w.Line();
        w.Open("if (!_pool.TryRent(out var flush))");
        w.Line("// No finish left: do the whole invalidation in the start.");
        w.Line("Drain(device, range.Start, range.End);");
        w.Line("finish = null;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("flush.Start = range.Start;");
        w.Line("flush.End = range.End;");
        w.Line("finish = flush;");
        w.Line("return true;");
        w.Close();
        w.Line();
        FinishBody(w, n, returnToPool: true);
        w.Close();
        w.Line();
    }

    private static void TwoPassNewOps(Writer w, string n)
    {
        FinishType(w, n);
        w.Open($"internal sealed class TwoPassOps{n} : IntervalNotifierOps");
        StartSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        w.Open("if (!range.IsBlockable && device.Busy)");
        w.Line("finish = null;");
        w.Line("return false;");
        w.Close();
        w.Line();
        LockedSetSequence(w, "device", unmap: false);
        w.Line();
        w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
        w.Line("return true;");
        w.Close();
        w.Line();
        FinishBody(w, n, returnToPool: false);
        w.Close();
        w.Line();
    }

    private static void FallbackOps(Writer w, string n)
    {
        FinishType(w, n);
        w.Open($"internal sealed class FallbackOps{n} : IntervalNotifierOps");
        w.Line($"private readonly NotifierFinishPool<Flush{n}> _pool = new NotifierFinishPool<Flush{n}>(2);");
        w.Line();
        InvalidateSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: true);
        w.Line();
        w.Line("return true;");
        w.Close();
        w.Line();
        StartSignature(w);
        w.Open("if (range.Event == NotifierEvent.Release || !_pool.TryRent(out var flush))");
        w.Line("finish = null;");
        w.Line("return Invalidate(notifier, range, currentSequence);");
        w.Close();
        w.Line();
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: false);
        w.Line();
        w.Line("flush.Start = range.Start;");
        w.Line("flush.End = range.End;");
        w.Line("finish = flush;");
        w.Line("return true;");
        w.Close();
        w.Line();
        FinishBody(w, n, returnToPool: true);
        w.Close();
        w.Line();
    }

    private static void AbstractBaseOps(Writer w, string n)
    {
        FinishType(w, n);
        w.Line("/// <summary>The start half, shared by the driver's ops types; concrete types add the finish.</summary>");
        w.Open($"internal abstract class OpsBase{n} : IntervalNotifierOps");
        StartSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: false);
        w.Line();
        w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Line();
        w.Open($"internal sealed class ConcreteOps{n} : OpsBase{n}");
        FinishBody(w, n, returnToPool: false);
        w.Close();
        w.Line();
    }

    private static void PartialOps(Writer w, string n)
    {
        FinishType(w, n);
        w.Open($"internal sealed partial class SplitOps{n} : IntervalNotifierOps");
        StartSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: false);
        w.Line();
        w.Line($"finish = new Flush{n} {{ Start = range.Start, End = range.End }};");
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Line();
        w.Open($"internal sealed partial class SplitOps{n}");
        FinishBody(w, n, returnToPool: false);
        w.Close();
        w.Line();
    }

    private static void GenericOps(Writer w, string n)
    {
        w.Open($"internal sealed class TaggedOps{n}<TTag> : IntervalNotifierOps where TTag : class");
        w.Line("private readonly List<TTag> _tags = new List<TTag>();");
        w.Line();
        w.Line("public void Tag(TTag tag) => _tags.Add(tag);");
        w.Line();
        InvalidateSignature(w);
        w.Line($"var device = ((Mirror{n})notifier).Device;");
        LockedSetSequence(w, "device", unmap: true);
        w.Line();
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>The read side: ReadBegin, work outside the lock, ReadRetry under the device lock.</summary>
    private static void Reader(Writer w, string n, int shape)
    {
        w.Open($"internal static class MirrorReader{n}");
        w.Open($"public static ulong Lookup(Mirror{n} mirror, ulong address)");
        w.Open("while (true)");
        w.Line("var sequence = mirror.ReadBegin();");
        w.Line("var value = (address >> 12) * 2654435761UL;");
        if (shape == 1)
        {
            w.Open("if (mirror.CheckRetry(sequence))");
            w.Line("continue;");
            w.Close();
            w.Line();
        }

        if (shape == 2)
        {
            w.Line("Monitor.Enter(mirror.Device.Lock);");
            w.Open("try");
            w.Open("if (!mirror.ReadRetry(sequence))");
            w.Line("mirror.Device.Mapped[address] = value;");
            w.Line("return value;");
            w.Close();
            w.Close();
            w.Open("finally");
            w.Line("Monitor.Exit(mirror.Device.Lock);");
            w.Close();
        }
        else
        {
            w.Open("lock (mirror.Device.Lock)");
            w.Open("if (mirror.ReadRetry(sequence))");
            w.Line("continue;");
            w.Close();
            w.Line();
            w.Line("mirror.Device.Mapped[address] = value;");
            w.Line("return value;");
            w.Close();
        }

        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    private static void Session(Writer w, string n)
    {
        w.Open($"internal sealed class Session{n} : IDisposable");
        w.Line($"private readonly Mirror{n} _mirror;");
        w.Line();
        w.Open($"public Session{n}(AddressSpace space, IntervalNotifierOps ops, ulong start, ulong length)");
        w.Line($"_mirror = new Mirror{n}(ops, new Device{n}());");
        w.Line("_mirror.Insert(space, start, length);");
        w.Close();
        w.Line();
        w.Line($"public ulong Touch(ulong address) => MirrorReader{n}.Lookup(_mirror, address);");
        w.Line();
        w.Line("public void Dispose() => _mirror.Remove();");
        w.Close();
        w.Line();
    }
}
