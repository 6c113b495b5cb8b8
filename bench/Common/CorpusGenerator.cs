// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;
using System.Collections.Generic;
using System.Linq;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>
/// Generates a deterministic (seeded) corpus of C# files: drivers written against the IntervalNotifiers runtime
/// (single-pass and two-pass ops types, pools, fallbacks, abstract bases, partial and generic ops types, readers
/// with ReadBegin / lock / ReadRetry, sessions that insert and remove notifiers), each mixed with unrelated code
/// (records, LINQ, async, switch expressions, generic collections), and a known number of violations of every rule.
/// The parts: this file (the loop, the file header and driver scaffold, the choice of driver),
/// CorpusGenerator.Drivers.cs (correct ops types, readers, sessions), CorpusGenerator.Violations.cs (one
/// violation per rule), CorpusGenerator.Unrelated.cs (code without the runtime), CorpusGenerator.Writer.cs.
/// </summary>
public static partial class CorpusGenerator
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
}
