// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

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

/// <summary>
/// Generates a deterministic (seeded) corpus of C# files: drivers written against the IntervalNotifiers runtime
/// (single-pass and two-pass ops types, pools, fallbacks, abstract bases, partial and generic ops types, readers
/// with ReadBegin / lock / ReadRetry, sessions that insert and remove notifiers), each mixed with unrelated code
/// (records, LINQ, async, switch expressions, generic collections), and a known number of violations of every rule.
/// </summary>
public static class CorpusGenerator
{
    /// <summary>Every rule of the package.</summary>
    public static readonly string[] RuleIds =
        Enumerable.Range(1, 12).Select(i => "NTF" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>One file in <see cref="ViolationPeriod"/> holds a violation (of the rules in turn).</summary>
    public const int ViolationPeriod = 20;

    /// <summary>
    /// Generates <paramref name="fileCount"/> files. With <paramref name="unrelatedOnly"/> no file mentions the
    /// runtime (the corpus then compiles without it, and every expected count is zero).
    /// </summary>
    public static GeneratedCorpus Generate(int fileCount, int seed = 42, bool unrelatedOnly = false)
    {
        if (fileCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fileCount));
        }

        var random = new Random(seed);
        var expected = RuleIds.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var files = new List<CorpusFile>(fileCount);
        var violations = 0;
        for (var i = 0; i < fileCount; i++)
        {
            var n = i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
            var w = new Writer();
            string kind;
            if (unrelatedOnly)
            {
                kind = "unrelated";
                w.Line("using System;");
                w.Line("using System.Collections.Generic;");
                w.Line("using System.Linq;");
                w.Line("using System.Threading;");
                w.Line("using System.Threading.Tasks;");
                w.Line();
                w.Open($"namespace Corpus.Plain.F{n}");
                var parts = 2 + random.Next(3);
                for (var p = 0; p < parts; p++)
                {
                    Unrelated(w, random, n + "_" + p);
                }

                w.Close();
            }
            else
            {
                Header(w);
                w.Open($"namespace Corpus.Drivers.F{n}");
                Scaffold(w, n);
                if (i % ViolationPeriod == ViolationPeriod / 2)
                {
                    var rule = RuleIds[violations % RuleIds.Length];
                    violations++;
                    Violation(w, n, rule);
                    expected[rule]++;
                    kind = "violation " + rule;
                }
                else
                {
                    kind = Driver(w, random, n);
                }

                var parts = random.Next(3);
                for (var p = 0; p < parts; p++)
                {
                    Unrelated(w, random, n + "_" + p);
                }

                w.Close();
            }

            kinds[kind] = kinds.TryGetValue(kind, out var count) ? count + 1 : 1;
            var folder = "Part" + (i / 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            files.Add(new CorpusFile($"{folder}/File{n}.cs", w.ToString()));
        }

        return new GeneratedCorpus(files, expected, kinds);
    }

    private static void Header(Writer w)
    {
        w.Line("using System;");
        w.Line("using System.Collections.Generic;");
        w.Line("using System.Linq;");
        w.Line("using System.Threading;");
        w.Line("using System.Threading.Tasks;");
        w.Line("using IntervalNotifiers;");
        w.Line();
    }

    /// <summary>The driver state every file of the driver kind shares: a device with its lock, and a derived notifier.</summary>
    private static void Scaffold(Writer w, string n)
    {
        w.Line("/// <summary>Driver state shared by the invalidate callback and the readers.</summary>");
        w.Open($"internal sealed class Device{n}");
        w.Line("public readonly object Lock = new object();");
        w.Line("public readonly Dictionary<ulong, ulong> Mapped = new Dictionary<ulong, ulong>();");
        w.Line("public int Invalidations;");
        w.Line("public bool Busy { get; set; }");
        w.Line();
        w.Open("public void Unmap(ulong start, ulong end)");
        w.Line("var doomed = Mapped.Keys.Where(page => page >= start && page < end).ToList();");
        w.Open("foreach (var page in doomed)");
        w.Line("Mapped.Remove(page);");
        w.Close();
        w.Line();
        w.Line("Invalidations++;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>The notifier of one mirrored range, carrying its device (container_of in C).</summary>");
        w.Open($"internal sealed class Mirror{n} : IntervalNotifier");
        w.Open($"public Mirror{n}(IntervalNotifierOps ops, Device{n} device) : base(ops)");
        w.Line("Device = device;");
        w.Close();
        w.Line();
        w.Line($"public Device{n} Device {{ get; }}");
        w.Close();
        w.Line();
    }

    /// <summary>A correct driver: one ops type of some shape, a reader, sometimes a session. Returns its kind.</summary>
    private static string Driver(Writer w, Random random, string n)
    {
        string kind;
        var roll = random.Next(100);
        if (roll < 30)
        {
            kind = "single-pass";
            SinglePassOps(w, n, random.Next(2) == 0);
        }
        else if (roll < 50)
        {
            kind = "two-pass pool";
            TwoPassPoolOps(w, n);
        }
        else if (roll < 62)
        {
            kind = "two-pass new";
            TwoPassNewOps(w, n);
        }
        else if (roll < 70)
        {
            kind = "two-pass fallback";
            FallbackOps(w, n);
        }
        else if (roll < 78)
        {
            kind = "abstract base";
            AbstractBaseOps(w, n);
        }
        else if (roll < 85)
        {
            kind = "partial";
            PartialOps(w, n);
        }
        else if (roll < 92)
        {
            kind = "generic";
            GenericOps(w, n);
        }
        else
        {
            kind = "reader only";
        }

        Reader(w, n, random.Next(3));
        if (random.Next(3) == 0)
        {
            Session(w, n);
        }

        return kind;
    }

    private static void InvalidateSignature(Writer w)
        => w.Open("public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)");

    private static void StartSignature(Writer w)
        => w.Open("public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)");

    private static void LockedSetSequence(Writer w, string device, bool unmap)
    {
        w.Open($"lock ({device}.Lock)");
        w.Line("notifier.SetSequence(currentSequence);");
        if (unmap)
        {
            w.Line($"{device}.Unmap(range.Start, range.End);");
        }

        w.Close();
    }

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

    /// <summary>Code that has nothing to do with the runtime.</summary>
    private static void Unrelated(Writer w, Random random, string n)
    {
        switch (random.Next(6))
        {
            case 0:
                w.Line($"public sealed record Order{n}(int Id, string Customer, decimal Amount, DateTime Placed);");
                w.Line();
                w.Open($"public static class OrderQueries{n}");
                w.Open($"public static IReadOnlyList<(string Customer, decimal Total)> TopCustomers(IEnumerable<Order{n}> orders, int count)");
                w.Line("return orders.Where(o => o.Amount > 0)");
                w.Line("             .GroupBy(o => o.Customer)");
                w.Line("             .Select(g => (Customer: g.Key, Total: g.Sum(o => o.Amount)))");
                w.Line("             .OrderByDescending(t => t.Total)");
                w.Line("             .ThenBy(t => t.Customer, StringComparer.Ordinal)");
                w.Line("             .Take(count)");
                w.Line("             .ToList();");
                w.Close();
                w.Line();
                w.Open($"public static ILookup<int, Order{n}> ByMonth(IEnumerable<Order{n}> orders)");
                w.Line("return (from o in orders where o.Placed.Year >= 2020 orderby o.Placed select o).ToLookup(o => o.Placed.Month);");
                w.Close();
                w.Close();
                w.Line();
                break;
            case 1:
                w.Open($"public sealed class Fetcher{n}");
                w.Line("private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);");
                w.Line("private readonly Dictionary<string, string> _cache = new Dictionary<string, string>(StringComparer.Ordinal);");
                w.Line();
                w.Open("public async Task<string> GetAsync(string key, CancellationToken cancellationToken)");
                w.Open("lock (_cache)");
                w.Open("if (_cache.TryGetValue(key, out var hit))");
                w.Line("return hit;");
                w.Close();
                w.Close();
                w.Line();
                w.Line("await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);");
                w.Open("try");
                w.Line("await Task.Delay(1, cancellationToken).ConfigureAwait(false);");
                w.Line("var value = key.ToUpperInvariant();");
                w.Open("lock (_cache)");
                w.Line("_cache[key] = value;");
                w.Close();
                w.Line();
                w.Line("return value;");
                w.Close();
                w.Open("finally");
                w.Line("_gate.Release();");
                w.Close();
                w.Close();
                w.Line();
                w.Open("public async IAsyncEnumerable<string> StreamAsync(IEnumerable<string> keys)");
                w.Open("foreach (var key in keys)");
                w.Line("yield return await GetAsync(key, CancellationToken.None).ConfigureAwait(false);");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            case 2:
                w.Line($"public abstract record Shape{n};");
                w.Line($"public sealed record Circle{n}(double Radius) : Shape{n};");
                w.Line($"public sealed record Rect{n}(double Width, double Height) : Shape{n};");
                w.Line();
                w.Open($"public static class Geometry{n}");
                w.Line($"public static double Area(Shape{n} shape) => shape switch");
                w.Line("{");
                w.Line($"    Circle{n} c => Math.PI * c.Radius * c.Radius,");
                w.Line($"    Rect{n} {{ Width: var width, Height: var height }} => width * height,");
                w.Line("    _ => throw new ArgumentOutOfRangeException(nameof(shape)),");
                w.Line("};");
                w.Line();
                w.Line($"public static string Describe(Shape{n} shape) => Area(shape) switch");
                w.Line("{");
                w.Line("    < 1.0 => \"small\",");
                w.Line("    >= 1.0 and < 100.0 => \"medium\",");
                w.Line("    _ => \"large\",");
                w.Line("};");
                w.Close();
                w.Line();
                break;
            case 3:
                w.Open($"public sealed class RingBuffer{n}<T>");
                w.Line("private readonly T[] _items;");
                w.Line("private int _head;");
                w.Line("private int _count;");
                w.Line();
                w.Open($"public RingBuffer{n}(int capacity)");
                w.Line("if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));");
                w.Line("_items = new T[capacity];");
                w.Close();
                w.Line();
                w.Line("public int Count => _count;");
                w.Line();
                w.Open("public void Add(T item)");
                w.Line("_items[(_head + _count) % _items.Length] = item;");
                w.Open("if (_count == _items.Length)");
                w.Line("_head = (_head + 1) % _items.Length;");
                w.Close();
                w.Open("else");
                w.Line("_count++;");
                w.Close();
                w.Close();
                w.Line();
                w.Open("public IEnumerable<T> Items()");
                w.Open("for (var i = 0; i < _count; i++)");
                w.Line("yield return _items[(_head + i) % _items.Length];");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            case 4:
                w.Open($"public interface IStore{n}");
                w.Line("bool TryGet(int key, out string? value);");
                w.Line("void Put(int key, string value);");
                w.Close();
                w.Line();
                w.Open($"public sealed class MemoryStore{n} : IStore{n}");
                w.Line("private readonly Dictionary<int, string> _values = new Dictionary<int, string>();");
                w.Line("private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();");
                w.Line();
                w.Open("public bool TryGet(int key, out string? value)");
                w.Line("_lock.EnterReadLock();");
                w.Line("try { return _values.TryGetValue(key, out value); }");
                w.Line("finally { _lock.ExitReadLock(); }");
                w.Close();
                w.Line();
                w.Open("public void Put(int key, string value)");
                w.Line("_lock.EnterWriteLock();");
                w.Line("try { _values[key] = value; }");
                w.Line("finally { _lock.ExitWriteLock(); }");
                w.Close();
                w.Close();
                w.Line();
                break;
            default:
                w.Open($"public struct Stats{n}");
                w.Line("public long Count;");
                w.Line("public double Sum;");
                w.Line("public double SumOfSquares;");
                w.Line();
                w.Open("public void Add(double value)");
                w.Line("Count++;");
                w.Line("Sum += value;");
                w.Line("SumOfSquares += value * value;");
                w.Close();
                w.Line();
                w.Line("public readonly double Mean => Count == 0 ? 0 : Sum / Count;");
                w.Line();
                w.Line("public readonly double Variance => Count < 2 ? 0 : (SumOfSquares - Sum * Sum / Count) / (Count - 1);");
                w.Line();
                w.Line($"public static Stats{n} Of(IEnumerable<double> values)");
                w.Open("");
                w.Line($"var stats = new Stats{n}();");
                w.Line("foreach (var value in values) stats.Add(value);");
                w.Line("return stats;");
                w.Close();
                w.Close();
                w.Line();
                break;
        }
    }

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
