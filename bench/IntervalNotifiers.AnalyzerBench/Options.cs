using System;
using System.Collections.Generic;
using System.Globalization;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    /// <summary>The text of <c>--help</c>.</summary>
    public const string Usage = """
        IntervalNotifiers analyzer bench

        usage:
          dotnet run -c Release --project bench/IntervalNotifiers.AnalyzerBench -- --corpus DIR [options]
          dotnet run -c Release --project bench/IntervalNotifiers.AnalyzerBench -- --generate DIR [--files N] [--seed S] [--unrelated-only]

        measure:
          --corpus DIR              every *.cs file under DIR (bin/, obj/ and .git/ skipped), compiled as one library
                                    against the .NET 10 reference assemblies and the IntervalNotifiers runtime;
                                    compile errors (missing third-party references) are expected and counted only
          --repeat N                measured runs (default 3); medians are reported
          --warmup N                unmeasured runs first (default 1)
          --json FILE               also write the results as JSON
          --compare-package ID/VER  also run the analyzers of a package brought in by PackageDownload (repeatable),
                                    e.g. Microsoft.VisualStudio.Threading.Analyzers/18.12.1 or xunit.analyzers/2.2.0
          --compare-build DLL       also run the IntervalNotifiers analyzers of another build (its
                                    IntervalNotifiers.Analyzers.dll, e.g. from bench built at another commit with
                                    --artifacts-path), on the same compilations in the same process, the two sets in
                                    alternating order (every compared set alternates with ours); the report adds
                                    each analyzer's median ratio and difference of paired runs (an A/B test that
                                    cancels the drift between processes)
          --no-runtime              leave the runtime out of the references (code that does not reference it)
          --whole-compile           also time the whole compile with each analyzer set (one more compile per set and
                                    run), against the same with an analyzer that registers nothing
          --alloc                   also measure what the analyzers allocate: after the timed runs, the whole compile
                                    (compiler and analyzer diagnostics) with all of ours, and with each alone, against
                                    the same with an analyzer that registers nothing; bytes allocated by the process,
                                    median of 3 each (load-independent, unlike the times)
          --concurrent              let the compiler and the analyzer driver use every core (default: one thread)
          --idle MS                 idle MS milliseconds after every run, as a compiler server or an IDE idles between
                                    builds: tiered compilation then promotes the hot methods of the analyzers (its
                                    call-counting delay restarts while anything is still jitted, so back-to-back runs
                                    keep them in unoptimised or instrumented code; the compiler itself is ReadyToRun)
          --declare-first           complete the compiler's declaration stage (every source symbol, base types, member
                                    lists) before the analyzers run, as csc does on its own thread while the driver
                                    starts; without it the first analyzer that asks for a base type is charged for it
          --check                   exit 1 when a count differs from DIR/expected-diagnostics.json or an analyzer threw
          --quiet                   no progress bar
          --list                    also list every diagnostic of the analyzers (last run): file, line, ID and message
          --verbose                 also list each run's time per analyzer and the actions it registered (telemetry)

        generate:
          --generate DIR            write a generated corpus to DIR (and DIR/expected-diagnostics.json), then exit
                                    unless --corpus is given too
          --files N                 how many files (default 1000)
          --seed S                  random seed (default 42)
          --unrelated-only          only code that does not use the runtime

        exit codes: 0 done, 1 --check failed, 2 bad arguments or a missing or empty corpus directory
        """;

    public string? Corpus { get; private set; }
    public int Repeat { get; private set; } = 3;
    public int Warmup { get; private set; } = 1;
    public string? Json { get; private set; }
    public List<string> ComparePackages { get; } = new();
    public List<string> CompareBuilds { get; } = new();
    public bool NoRuntime { get; private set; }
    public bool Concurrent { get; private set; }
    public bool WholeCompile { get; private set; }
    public bool DeclareFirst { get; private set; }
    public int IdleMs { get; private set; }
    public bool Alloc { get; private set; }
    public bool Check { get; private set; }
    public bool Quiet { get; private set; }
    public bool Verbose { get; private set; }

    /// <summary>--list: every diagnostic of the analyzers with its file, line and message (a false-positive hunt on real code).</summary>
    public bool List { get; private set; }
    public bool Help { get; private set; }
    public string? Generate { get; private set; }
    public int Files { get; private set; } = 1000;
    public int Seed { get; private set; } = 42;
    public bool UnrelatedOnly { get; private set; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{arg} needs a value");
                }

                return args[++i];
            }

            int Number(int minimum)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < minimum)
                {
                    throw new ArgumentException($"{arg} needs a whole number >= {minimum}, not '{text}'");
                }

                return n;
            }

            switch (arg)
            {
                case "--corpus": options.Corpus = Value(); break;
                case "--repeat": options.Repeat = Number(1); break;
                case "--warmup": options.Warmup = Number(0); break;
                case "--json": options.Json = Value(); break;
                case "--compare-package":
                    var package = Value();
                    if (package.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
                    {
                        throw new ArgumentException($"--compare-package needs ID/VERSION, not '{package}'");
                    }

                    options.ComparePackages.Add(package);
                    break;
                case "--compare-build": options.CompareBuilds.Add(Value()); break;
                case "--no-runtime": options.NoRuntime = true; break;
                case "--concurrent": options.Concurrent = true; break;
                case "--whole-compile": options.WholeCompile = true; break;
                case "--declare-first": options.DeclareFirst = true; break;
                case "--idle": options.IdleMs = Number(0); break;
                case "--alloc": options.Alloc = true; break;
                case "--check": options.Check = true; break;
                case "--quiet": options.Quiet = true; break;
                case "--verbose": options.Verbose = true; break;
                case "--list": options.List = true; break;
                case "--help" or "-h" or "-?": options.Help = true; break;
                case "--generate": options.Generate = Value(); break;
                case "--files": options.Files = Number(1); break;
                case "--seed": options.Seed = Number(0); break;
                case "--unrelated-only": options.UnrelatedOnly = true; break;
                default: throw new ArgumentException($"unknown option '{arg}'");
            }
        }

        return options;
    }
}
