using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyRead = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.ReadSideAnalyzer, IntervalNotifiers.CodeFixes.NTF010TakeLockCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF010's fix (docs/rules/NTF010.md, "How to fix"): a ReadRetry outside any lock, in an ops type with one nameable
/// lock around SetSequence, is wrapped with the commit it guards (the rest of its block) in that lock, in the shape
/// the lock takes (a <c>lock</c> statement, Monitor, SemaphoreSlim, Lock, ReaderWriterLockSlim). Where the commit cannot be
/// told or the wrap would deadlock, there is no fix. The fixed program is run against the unfixed one.
/// </summary>
public class NTF010TakeLockCodeFixTests
{
    private static Task VerifyFix(string source, string fixedSource, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new VerifyRead.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            MarkupOptions = MarkupOptions.UseFirstDescriptor, // {|NTF010:...|} also matches its CompilationEnd descriptor
        };
        test.TestState.OutputKind = kind;
        return test.RunAsync();
    }

    private static Task VerifyNoFix(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
        => VerifyFix(source, source, kind);

    /// <summary>An ops type whose callback sets the sequence under <paramref name="take"/> ... <paramref name="give"/>.</summary>
    private static string Ops(string fields, string take, string give, string reader) => """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public sealed class DeviceOps : IntervalNotifierOps
        {
        FIELDS
            public bool Mapped;
            public Action? DuringCommit;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        TAKE
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
        GIVE

                return true;
            }

            private static bool Lookup() => true;

            private void Program(bool pages) => Mapped = pages;

        READER
        }
        """.Replace("FIELDS", fields).Replace("TAKE", take).Replace("GIVE", give).Replace("READER", reader);

    private const string LockField = "    private readonly object _lock = new object();";
    private const string LockTake = "        lock (_lock)\n        {";
    private const string LockGive = "        }";

    private static string LockOps(string reader) => Ops(LockField, LockTake, LockGive, reader);

    /// <summary>The kernel's reader loop: ReadBegin, slow work, then the check and the commit (markup on the check).</summary>
    private const string LoopReader = """
            public void Map(IntervalNotifier notifier)
            {
                while (true)
                {
                    var seq = notifier.ReadBegin();
                    var pages = Lookup();                 // slow work, no lock
                    // The check and the commit.
                    if ({|NTF010:notifier.ReadRetry(seq)|})
                    {
                        continue;                         // invalidated meanwhile: start over
                    }

                    DuringCommit?.Invoke();
                    Program(pages);                       // program the device
                    return;
                }
            }
        """;

    private const string LoopReaderCheck = """
                    // The check and the commit.
                    if ({|NTF010:notifier.ReadRetry(seq)|})
                    {
                        continue;                         // invalidated meanwhile: start over
                    }

                    DuringCommit?.Invoke();
                    Program(pages);                       // program the device
                    return;

        """;

    /// <summary>The same loop with <paramref name="open"/> and <paramref name="close"/> (lines at the loop body's indentation) around the check.</summary>
    private static string FixedLoopReader(string open, string close)
        => LoopReader.Replace(LoopReaderCheck, open + Indent(LoopReaderCheck.Replace("{|NTF010:", string.Empty).Replace(")|}", ")")) + close);

    private static string Indent(string lines)
        => string.Join("\n", lines.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    // ------------------------------------------------------------------ the shapes of the lock

    [Fact]
    public async Task LockStatement_KernelLoop_WrapsTheCheckAndTheCommit_AndTheFixedProgramKeepsNoStaleMapping()
    {
        const string reader = """
                public void Map(IntervalNotifier notifier)
                {
                    while (true)
                    {
                        var seq = notifier.ReadBegin();
                        var pages = Lookup();                 // slow work, no lock

                        // Has an invalidation run since ReadBegin?
                        if ({|NTF010:notifier.ReadRetry(seq)|}) // check
                        {
                            continue;                         // invalidated meanwhile: start over
                        }

                        DuringCommit?.Invoke();
                        Program(pages);                       /* program the device */
                        return;
                    }
                }
        """;
        const string fixedReader = """
                public void Map(IntervalNotifier notifier)
                {
                    while (true)
                    {
                        var seq = notifier.ReadBegin();
                        var pages = Lookup();                 // slow work, no lock

                        lock (_lock)
                        {
                            // Has an invalidation run since ReadBegin?
                            if (notifier.ReadRetry(seq)) // check
                            {
                                continue;                         // invalidated meanwhile: start over
                            }

                            DuringCommit?.Invoke();
                            Program(pages);                       /* program the device */
                            return;
                        }
                    }
                }
        """;
        var source = LockOps(reader);
        var fixedSource = LockOps(fixedReader);
        await VerifyFix(source, fixedSource);

        // An invalidation that starts during the commit: unfixed, it runs at once and the commit then maps pages the
        // CPU side has unmapped; fixed, it waits for the lock and removes the mapping after the commit.
        Assert.Equal("invalidation finished during the commit: True, stale mapping: True",
                     FixHarness.Run(source.Replace("{|NTF010:", string.Empty).Replace(")|}", ")"), UnfixedDriver));
        Assert.Equal("invalidation finished during the commit: False, stale mapping: False", FixHarness.Run(fixedSource, FixedDriver));
    }

    /// <summary>
    /// The unfixed program's invalidation does not wait for the commit, so the driver may wait long for it (it returns as
    /// soon as the invalidation is done; a loaded machine only makes it slower). The fixed program's invalidation waits for
    /// the lock the commit holds, so it cannot finish during the commit however long the driver waits: a short wait there
    /// keeps the test fast without making the outcome depend on timing.
    /// </summary>
    private static readonly string UnfixedDriver = Driver.Replace("invalidation.Wait(CommitWait)", "invalidation.Wait(10000)");
    private static readonly string FixedDriver = Driver.Replace("invalidation.Wait(CommitWait)", "invalidation.Wait(300)");

    /// <summary>Maps once, starting an invalidation of the range in the middle of the commit (every wait bounded).</summary>
    private const string Driver = """
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);
                Task? invalidation = null;
                var finishedDuringCommit = false;
                ops.DuringCommit = () =>
                {
                    ops.DuringCommit = null;
                    invalidation = Task.Run(() =>
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    });
                    finishedDuringCommit = invalidation.Wait(CommitWait);
                };
                ops.Map(notifier);
                if (invalidation is null || !invalidation.Wait(5000))
                {
                    return "no invalidation, or it hung";
                }

                return "invalidation finished during the commit: " + finishedDuringCommit + ", stale mapping: " + ops.Mapped;
            }
        }
        """;

    /// <summary>
    /// The loop reader in an ops type that takes its lock with <paramref name="take"/> ... <paramref name="give"/> is fixed
    /// with <paramref name="open"/> ... <paramref name="close"/> (lines at the loop body's indentation, <c>L</c> for the
    /// lock); the unfixed program keeps a stale mapping, the fixed one does not.
    /// </summary>
    private static async Task VerifyShapeAndRun(string field, string take, string give, string open, string close)
    {
        var source = Ops(field, take, give, LoopReader);
        var fixedSource = Ops(field, take, give, FixedLoopReader(open, close));
        await VerifyFix(source, fixedSource);
        Assert.Equal("invalidation finished during the commit: True, stale mapping: True",
                     FixHarness.Run(source.Replace("{|NTF010:", string.Empty).Replace(")|}", ")"), UnfixedDriver));
        Assert.Equal("invalidation finished during the commit: False, stale mapping: False", FixHarness.Run(fixedSource, FixedDriver));
    }

    /// <summary>An acquisition before a <c>try</c> whose <c>finally</c> releases, at the loop body's indentation or the callback's.</summary>
    private static (string Open, string Close) TryFinally(string indent, string acquire, string release)
        => (indent + acquire + "\n" + indent + "try\n" + indent + "{\n",
            indent + "}\n" + indent + "finally\n" + indent + "{\n" + indent + "    " + release + "\n" + indent + "}\n");

    private static Task VerifyPairShapeAndRun(string field, string acquire, string release)
    {
        var (take, give) = TryFinally("        ", acquire, release);
        var (open, close) = TryFinally("            ", acquire, release);
        return VerifyShapeAndRun(field, take.TrimEnd('\n'), give.TrimEnd('\n'), open, close);
    }

    [Fact]
    public Task MonitorEnterExit_HoldsTheMonitorAroundATry_AndTheFixedProgramRuns()
        => VerifyPairShapeAndRun(LockField, "Monitor.Enter(_lock);", "Monitor.Exit(_lock);");

    private const string GateField = "    internal readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);";
    private const string GateTake = "        Gate.Wait();\n        try\n        {";
    private const string GateGive = "        }\n        finally\n        {\n            Gate.Release();\n        }";

    [Fact]
    public Task Semaphore_WaitsAndReleasesInAFinally_AndTheFixedProgramRuns()
        => VerifyPairShapeAndRun(GateField, "Gate.Wait();", "Gate.Release();");

    [Fact]
    public Task Semaphore_InAnAsyncReader_AwaitsWaitAsync_AndKeepsTheAwaitOfTheCommit() => VerifyFix(
        Ops(GateField, GateTake, GateGive, """
                public async Task MapAsync(IntervalNotifier notifier)
                {
                    while (true)
                    {
                        var seq = notifier.ReadBegin();
                        var pages = Lookup();
                        if ({|NTF010:notifier.ReadRetry(seq)|})
                            continue;
                        await Task.Yield();
                        Program(pages);
                        return;
                    }
                }
        """),
        Ops(GateField, GateTake, GateGive, """
                public async Task MapAsync(IntervalNotifier notifier)
                {
                    while (true)
                    {
                        var seq = notifier.ReadBegin();
                        var pages = Lookup();
                        await Gate.WaitAsync();
                        try
                        {
                            if (notifier.ReadRetry(seq))
                                continue;
                            await Task.Yield();
                            Program(pages);
                            return;
                        }
                        finally
                        {
                            Gate.Release();
                        }
                    }
                }
        """));

    [Fact]
    public Task ThreadingLock_EntersAndExits_AndTheFixedProgramRuns()
        => VerifyPairShapeAndRun("    private readonly Lock _gate = new Lock();", "_gate.Enter();", "_gate.Exit();");

    [Fact]
    public Task ReaderWriterLock_TakesTheWriteMode_AndTheFixedProgramRuns()
        => VerifyPairShapeAndRun("    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();",
                                 "_rw.EnterWriteLock();", "_rw.ExitWriteLock();");

    // ------------------------------------------------------------------ the shapes of the check

    [Fact]
    public Task NegatedCheck_WrapsItsBodyAndWhatFollows_ToTheEndOfTheMethod() => VerifyFix(
        LockOps("""
                public bool TryMap(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    var pages = Lookup();
                    if (!({|NTF010:notifier.ReadRetry(seq)|}))
                    {
                        Program(pages);
                        return true;
                    }

                    return false;
                }
        """),
        LockOps("""
                public bool TryMap(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    var pages = Lookup();
                    lock (_lock)
                    {
                        if (!(notifier.ReadRetry(seq)))
                        {
                            Program(pages);
                            return true;
                        }

                        return false;
                    }
                }
        """));

    [Fact]
    public Task GotoAgain_TheKernelsRetry_KeepsTheLabelOutside_AndLeavesTrailingLocalFunctions() => VerifyFix(
        LockOps("""
                public int Fault(IntervalNotifier notifier)
                {
                    ulong seq;
                    bool pages;
                again:
                    seq = notifier.ReadBegin();
                    pages = Lookup();
                    if ({|NTF010:notifier.ReadRetry(seq)|})
                        goto again;
                    Program(pages);
                    return Count();

                    static int Count() => 1;
                }
        """),
        LockOps("""
                public int Fault(IntervalNotifier notifier)
                {
                    ulong seq;
                    bool pages;
                again:
                    seq = notifier.ReadBegin();
                    pages = Lookup();
                    lock (_lock)
                    {
                        if (notifier.ReadRetry(seq))
                            goto again;
                        Program(pages);
                        return Count();
                    }

                    static int Count() => 1;
                }
        """));

    [Fact]
    public Task ForEachLoop_WhoseTurnsCarryNothingOut_IsWrapped() => VerifyFix(
        LockOps("""
                public void MapAll(IntervalNotifier notifier, bool[] pages)
                {
                    foreach (var page in pages)
                    {
                        var seq = notifier.ReadBegin();
                        if ({|NTF010:notifier.ReadRetry(seq)|})
                            continue;                             // skip a page invalidated meanwhile
                        Program(page);
                    }
                }
        """),
        LockOps("""
                public void MapAll(IntervalNotifier notifier, bool[] pages)
                {
                    foreach (var page in pages)
                    {
                        var seq = notifier.ReadBegin();
                        lock (_lock)
                        {
                            if (notifier.ReadRetry(seq))
                                continue;                             // skip a page invalidated meanwhile
                            Program(page);
                        }
                    }
                }
        """));

    [Fact]
    public Task StaticMain_InTheOpsType_TakesTheStaticLock() => VerifyFix(
        StaticMainOps.Replace("CHECK", """
                if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                s_mapped = true;
        """),
        StaticMainOps.Replace("CHECK", """
                lock (s_lock)
                {
                    if (notifier.ReadRetry(seq)) return;
                    s_mapped = true;
                }
        """),
        OutputKind.ConsoleApplication);

    /// <summary>An ops type with a static lock and a <c>Main</c> that reads (the check and the commit at <c>CHECK</c>).</summary>
    private const string StaticMainOps = """
        using IntervalNotifiers;

        public sealed class DeviceOps : IntervalNotifierOps
        {
            private static readonly object s_lock = new object();
            private static bool s_mapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (s_lock)
                {
                    notifier.SetSequence(currentSequence);
                    s_mapped = false;
                }

                return true;
            }

            private static void Main()
            {
                var notifier = new IntervalNotifier(new DeviceOps());
                notifier.Insert(new AddressSpace(), 0x1000, 0x1000);
                var seq = notifier.ReadBegin();
        CHECK
            }
        }
        """;

    [Fact]
    public Task ALocalHidingTheLock_IsWrittenThroughThis() => VerifyFix(
        LockOps("""
                public void Map(IntervalNotifier notifier, object _lock)
                {
                    var seq = notifier.ReadBegin();
                    if ({|NTF010:notifier.ReadRetry(seq)|})
                    {
                        return;
                    }

                    Program(_lock is not null);
                }
        """),
        LockOps("""
                public void Map(IntervalNotifier notifier, object _lock)
                {
                    var seq = notifier.ReadBegin();
                    lock (this._lock)
                    {
                        if (notifier.ReadRetry(seq))
                        {
                            return;
                        }

                        Program(_lock is not null);
                    }
                }
        """));

    [Fact]
    public Task Trivia_VerbatimStringsAndTabsStayAsTheyWere() => VerifyFix(
        LockOps("    public string Text = \"\";\n\n\tpublic void Log(IntervalNotifier notifier)\n\t{\n\t\tvar seq = notifier.ReadBegin();\n"
                + "\t\tif ({|NTF010:notifier.ReadRetry(seq)|}) return; // stale\n\t\tText = @\"mapped\nat line start\";\n\t\tProgram(true);\n\t}"),
        LockOps("    public string Text = \"\";\n\n\tpublic void Log(IntervalNotifier notifier)\n\t{\n\t\tvar seq = notifier.ReadBegin();\n"
                + "\t\tlock (_lock)\n\t\t{\n\t\t\tif (notifier.ReadRetry(seq)) return; // stale\n\t\t\tText = @\"mapped\nat line start\";\n\t\t\tProgram(true);\n\t\t}\n\t}"));

    [Fact]
    public Task CrLfLineEnds_AndARawStringsText_StayAsTheyWere()
    {
        const string q = "\"\"\"";
        var reader = "    public string Text = \"\";\n\n    public void Log(IntervalNotifier notifier)\n    {\n"
                     + "        var seq = notifier.ReadBegin();\n"
                     + "CHECK"
                     + "    }";
        var check = "        if ({|NTF010:notifier.ReadRetry(seq)|}) return;\n        Text = " + q + "\n            raw\n            " + q + ";\n"
                    + "        Program(Text.Length > 0);\n";
        var wrapped = "        lock (_lock)\n        {\n"
                      + "            if (notifier.ReadRetry(seq)) return;\n            Text = " + q + "\n            raw\n            " + q + ";\n"
                      + "            Program(Text.Length > 0);\n        }\n";
        return VerifyFix(LockOps(reader.Replace("CHECK", check)).Replace("\n", "\r\n"),
                         LockOps(reader.Replace("CHECK", wrapped)).Replace("\n", "\r\n"));
    }

    // ------------------------------------------------------------------ Fix All

    [Fact]
    public async Task FixAll_SeveralReadersInTwoFiles_AndTwoChecksInOneBlock_EachWrappedOnce()
    {
        const string second = """
            using IntervalNotifiers;

            public sealed partial class PartOps
            {
                public void MapTwice(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                    Commit();
                    if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                    Commit();
                }
            }
        """;
        const string secondFixed = """
            using IntervalNotifiers;

            public sealed partial class PartOps
            {
                public void MapTwice(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    lock (_lock)
                    {
                        if (notifier.ReadRetry(seq)) return;
                        Commit();
                        if (notifier.ReadRetry(seq)) return;
                        Commit();
                    }
                }
            }
        """;
        const string first = """
            using IntervalNotifiers;

            public sealed partial class PartOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();
                private int _commits;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    lock (_lock) { notifier.SetSequence(currentSequence); }
                    return true;
                }

                private void Commit() => _commits++;

                public void MapA(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
            READ_A
                }

                public void MapB(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
            READ_B
                }
            }
            """;
        static string Checked(string commit) => $$"""
                    if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                    {{commit}}
            """;
        static string Locked(string commit) => $$"""
                    lock (_lock)
                    {
                        if (notifier.ReadRetry(seq)) return;
                        {{commit}}
                    }
            """;
        var test = new VerifyRead.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor };
        test.TestState.Sources.Add(("/0/Test0.cs", first.Replace("READ_A", Checked("Commit();")).Replace("READ_B", Checked("_commits += 2;"))));
        test.TestState.Sources.Add(("/0/Test1.cs", second));
        test.FixedState.Sources.Add(("/0/Test0.cs", first.Replace("READ_A", Locked("Commit();")).Replace("READ_B", Locked("_commits += 2;"))));
        test.FixedState.Sources.Add(("/0/Test1.cs", secondFixed));
        await test.RunAsync();
    }

    [Fact]
    public async Task DotnetFormat_ADiagnosticWithoutAFixFirst_DoesNotSinkTheFixableOnes()
    {
        const string source = """
            using IntervalNotifiers;

            public sealed class Reader
            {
                public bool Map(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    return !notifier.ReadRetry(seq);          // no ops type lock: no fix, reported first
                }
            }

            public sealed class DeviceOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();
                public int Commits;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }

                    return true;
                }

                public bool TryMap(IntervalNotifier notifier)
                {
                    var seq = notifier.ReadBegin();
                    return !notifier.ReadRetry(seq);          // the commit is the caller's: no fix
                }

                public void Map(IntervalNotifier notifier)
                {
                    while (true)
                    {
                        var seq = notifier.ReadBegin();
                        if (notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        Commits++;
                        return;
                    }
                }
            }

            public sealed class GatedOps : IntervalNotifierOps
            {
                private readonly System.Threading.SemaphoreSlim _gate = new System.Threading.SemaphoreSlim(1, 1);
                public int Mapped;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    _gate.Wait();
                    try
                    {
                        notifier.SetSequence(currentSequence);
                        Mapped = 0;
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return true;
                }

                public bool TryMap(IntervalNotifier notifier, int pages)
                {
                    var seq = notifier.ReadBegin();
                    if (notifier.ReadRetry(seq))
                    {
                        return false;
                    }

                    Mapped = pages;
                    return true;
                }
            }
        """;
        var project = FixHarness.CreateProject(source);
        var before = (await FixHarness.DiagnosticsAsync(project)).Where(d => d.Id == "NTF010").ToArray();
        Assert.Equal(4, before.Length);
        Assert.Empty(before[0].Properties);

        foreach (var only in new[] { null, new[] { "NTF010" } })
        {
            var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, only);
            Assert.Empty(noFixAll);
            var text = (await FixHarness.TextsAsync(fixedProject))[0];
            var after = (await FixHarness.DiagnosticsAsync(fixedProject)).Where(d => d.Id == "NTF010").ToArray();
            Assert.True(after.Length == 2, string.Join("\n", after) + "\n" + text);
            Assert.Contains("                lock (_lock)\n                {\n                    if (notifier.ReadRetry(seq))", text);
            Assert.Contains("            _gate.Wait();\n            try\n            {\n                if (notifier.ReadRetry(seq))", text);
            Assert.Contains("                return true;\n            }\n            finally\n            {\n                _gate.Release();\n            }\n        }", text);
            var compilation = (await fixedProject.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    // ------------------------------------------------------------------ no fix

    [Fact]
    public Task NoFix_ReaderOutsideTheOpsType_AndTopLevelStatements_HaveNoLockToName() => VerifyNoFix(
        LockOps("").Replace("public sealed class DeviceOps", """
        var topNotifier = new IntervalNotifier(new DeviceOps());
        var topSeq = topNotifier.ReadBegin();
        if ({|NTF010:topNotifier.ReadRetry(topSeq)|}) return;
        Console.WriteLine("mapped");

        static class Runner
        {
            internal static void Map(IntervalNotifier notifier, DeviceOps ops)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                ops.Mapped = true;
            }
        }

        public sealed class DeviceOps
        """),
        OutputKind.ConsoleApplication);

    [Fact]
    public Task NoFix_TheCommitIsAfterTheLoop_OrTheAnswerIsReturned() => VerifyNoFix(LockOps("""
            public void Map(IntervalNotifier notifier)
            {
                bool pages;
                while (true)
                {
                    var seq = notifier.ReadBegin();
                    pages = Lookup();
                    if ({|NTF010:notifier.ReadRetry(seq)|})
                    {
                        continue;
                    }

                    break;
                }

                Program(pages);                           // the commit, after the loop: not the region's
            }

            public void MapWhenDone(IntervalNotifier notifier)
            {
                var done = false;
                var pages = false;
                while (!done)
                {
                    var seq = notifier.ReadBegin();
                    pages = Lookup();
                    if (!{|NTF010:notifier.ReadRetry(seq)|})
                    {
                        done = true;                          // work, but the commit is after the loop
                        continue;
                    }
                }

                Program(pages);
            }

            public bool IsCurrent(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return false;
                return true;
            }

            public bool Check(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                return !{|NTF010:notifier.ReadRetry(seq)|};
            }

            public void Inner(IntervalNotifier notifier, bool other)
            {
                var seq = notifier.ReadBegin();
                if (other)
                {
                    if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                    Program(true);
                }

                Program(false);                           // runs after the block, with what was read
            }
        """));

    [Fact]
    public Task NoFix_WhenTheRegionWouldWaitForAnInvalidationUnderTheLock() => VerifyNoFix(LockOps("""
            private ulong _next;

            public void Map(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                Program(true);
                Refresh(notifier);                        // ReadBegin under the lock would wait for the callback
            }

            private void Refresh(IntervalNotifier notifier) => Next(notifier);

            private void Next(IntervalNotifier notifier)
            {
                _next = notifier.ReadBegin();
                if (notifier.CheckRetry(_next)) _next = 0;
            }

            public void Teardown(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                notifier.Remove();
            }
        """));

    [Fact]
    public Task NoFix_AnAwaitUnderALockStatement_OrALocalUsedOutside_OrAnotherLockAlready() => VerifyNoFix(LockOps("""
            public async Task MapAsync(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return;
                await Task.Yield();                       // a lock statement cannot hold an await
                Program(true);
            }

            public int Count(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(seq)|}) return 0;
                var n = 1;
                Program(true);
                return Twice();

                int Twice() => 2 * n;                     // declared in the region, used by the local function after it
            }
        """));

    [Fact]
    public Task NoFix_TheDifferentLockCase_CarriesNoLock()
    {
        var test = new VerifyRead.Test
        {
            TestCode = DifferentLock,
            FixedCode = DifferentLock,
            MarkupOptions = MarkupOptions.UseFirstDescriptor,
            // The case is reported at the compilation's end (a non-local diagnostic of the fixable ID): the provider
            // is asked and must register nothing, which FixedCode == TestCode checks.
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        return test.RunAsync();
    }

    private const string DifferentLock = """
        using IntervalNotifiers;

        class PageNotifier : IntervalNotifier
        {
            public PageNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        sealed class PageOps : IntervalNotifierOps
        {
            internal static readonly object PageLock = new object();
            internal static readonly object StatsLock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (PageLock)
                {
                    ((PageNotifier)notifier).SetSequence(currentSequence);
                }

                return true;
            }
        }

        sealed class Mirror
        {
            internal PageNotifier Notifier = null!;
            internal bool Mapped;

            public void Map()
            {
                var seq = Notifier.ReadBegin();
                lock (PageOps.StatsLock)
                {
                    if ({|NTF010:Notifier.ReadRetry(seq)|}) return;
                    Mapped = true;
                }
            }
        }
        """;
}
