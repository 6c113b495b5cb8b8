using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF008AddSetSequenceCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF008's fix (docs/rules/NTF008.md, "How to fix"): the SetSequence it adds goes under the driver lock the ops type
/// holds around SetSequence and ReadRetry, taken the way the type takes it (a <c>lock</c> statement, Monitor,
/// SemaphoreSlim, <c>Lock.EnterScope()</c>, a ReaderWriterLockSlim's write mode), or plainly where the return already
/// holds that lock. Where the lock cannot be named there is no fix. The fixed programs are run: an invalidation that
/// takes the early return is seen by a reader's ReadRetry, and cannot finish while a reader commits under the lock.
/// </summary>
public partial class NTF008AddSetSequenceCodeFixTests
{
    private static Task VerifyFix(string source, string fixedSource, params string[] others)
    {
        var test = new VerifyFix.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor }; // {|NTF008:...|} also matches its CompilationEnd twin
        test.TestState.Sources.Add(("/0/Test0.cs", source));
        test.FixedState.Sources.Add(("/0/Test0.cs", fixedSource));
        for (var i = 0; i < others.Length; i += 2)
        {
            test.TestState.Sources.Add(($"/0/Test{i / 2 + 1}.cs", others[i]));
            test.FixedState.Sources.Add(($"/0/Test{i / 2 + 1}.cs", others[i + 1]));
        }

        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });
        return test.RunAsync();
    }

    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    /// <summary>How a driver takes its lock: the field, and the lines that take and give it back at a given indentation.</summary>
    private sealed record Shape(string Field, string Take, string Give, string? ReaderTake = null, string? ReaderGive = null)
    {
        public string TakeAt(string indent, bool reader = false) => Indent(reader ? ReaderTake ?? Take : Take, indent);

        public string GiveAt(string indent, bool reader = false) => Indent(reader ? ReaderGive ?? Give : Give, indent);

        private static string Indent(string lines, string indent)
            => string.Join("\n", lines.Split('\n').Select(line => indent + line));
    }

    private static readonly Shape LockStatement = new("private readonly object _lock = new object();", "lock (_lock)\n{", "}");

    private static readonly Shape MonitorPair = new("private readonly object _lock = new object();",
        "Monitor.Enter(_lock);\ntry\n{", "}\nfinally\n{\n    Monitor.Exit(_lock);\n}");

    private static readonly Shape Semaphore = new("internal readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);",
        "Gate.Wait();\ntry\n{", "}\nfinally\n{\n    Gate.Release();\n}");

    private static readonly Shape Scope = new("private readonly Lock _gate = new Lock();", "using (_gate.EnterScope())\n{", "}");

    private static readonly Shape ReaderWriter = new("private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();",
        "_rw.EnterWriteLock();\ntry\n{", "}\nfinally\n{\n    _rw.ExitWriteLock();\n}",
        "_rw.EnterReadLock();\ntry\n{", "}\nfinally\n{\n    _rw.ExitReadLock();\n}");

    /// <summary>
    /// An ops type whose callback returns early when nothing is mapped (<paramref name="early"/>: the body of that
    /// <c>if</c>, at the callback's inner indentation) and else sets the sequence under the lock; its reader checks
    /// ReadRetry and commits under the same lock. <paramref name="callback"/>, when given, replaces the callback's body;
    /// <paramref name="members"/> follow the fields.
    /// </summary>
    private static string Ops(Shape shape, string early, string? callback = null, string members = "") => """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public sealed class DeviceOps : IntervalNotifierOps
        {
            FIELD
            public bool Mapped;MEMBERS
            public int Retries;
            public Action? BeforeCheck;
            public Action? DuringCommit;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        CALLBACK
            }

            public void Map(IntervalNotifier notifier)
            {
                while (true)
                {
                    var seq = notifier.ReadBegin();
                    BeforeCheck?.Invoke();
        READERTAKE
                        if (notifier.ReadRetry(seq))
                        {
                            Retries++;
                            continue;
                        }

                        DuringCommit?.Invoke();
                        Mapped = true;
                        return;
        READERGIVE
                }
            }
        }
        """.Replace("FIELD", shape.Field)
           .Replace("MEMBERS", members)
           .Replace("CALLBACK", callback ?? EarlyReturnCallback(shape, early))
           .Replace("READERTAKE", shape.TakeAt("            ", reader: true))
           .Replace("READERGIVE", shape.GiveAt("            ", reader: true));

    private static string EarlyReturnCallback(Shape shape, string early) => $$"""
                if (!Mapped)
                {
        {{early}}
                }

        {{shape.TakeAt("        ")}}
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
        {{shape.GiveAt("        ")}}

                return true;
        """;

    private const string Early = "            {|NTF008:return true;|}";

    /// <summary>The early return after <paramref name="inserted"/> (lines at the <c>if</c> body's indentation).</summary>
    private static string After(string inserted) => inserted + "\n            return true;";

    private static string Unmarked(string source) => source.Replace("{|NTF008:", string.Empty).Replace(";|}", ";");

    /// <summary>
    /// Maps once. An invalidation runs to its end between the reader's ReadBegin and its check (it takes the early
    /// return: nothing is mapped yet), and another starts during the commit (also before anything is mapped); every
    /// wait bounded. A correct program retries once (the first invalidation set the sequence) and the second
    /// invalidation waits for the lock the commit holds.
    /// </summary>
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
                void Invalidate()
                {
                    var range = new NotifierRange(0x1000, 0x2000);
                    space.InvalidateRangeStart(range);
                    space.InvalidateRangeEnd(range);
                }

                ops.BeforeCheck = () =>
                {
                    ops.BeforeCheck = null;
                    Invalidate();
                };
                Task? invalidation = null;
                var finishedDuringCommit = false;
                ops.DuringCommit = () =>
                {
                    ops.DuringCommit = null;
                    invalidation = Task.Run(Invalidate);
                    finishedDuringCommit = invalidation.Wait(CommitWait);
                };
                ops.Map(notifier);
                if (invalidation is null || !invalidation.Wait(5000))
                {
                    return "no invalidation, or it hung";
                }

                return "retries: " + ops.Retries + ", invalidation finished during the commit: " + finishedDuringCommit;
            }
        }
        """;

    /// <summary>
    /// Without the lock, nothing holds the second invalidation back: the driver may wait long for it (it returns as soon
    /// as the invalidation is done). With the lock, it cannot finish during the commit however long the driver waits: a
    /// short wait keeps the test fast without making the outcome depend on timing.
    /// </summary>
    private static readonly string UnlockedDriver = Driver.Replace("invalidation.Wait(CommitWait)", "invalidation.Wait(10000)");
    private static readonly string LockedDriver = Driver.Replace("invalidation.Wait(CommitWait)", "invalidation.Wait(300)");

    private const string Correct = "retries: 1, invalidation finished during the commit: False";

    /// <summary>
    /// The early return of <paramref name="shape"/>'s driver is fixed with <paramref name="inserted"/>; the unfixed program
    /// misses the invalidation, a plain SetSequence before the return (this fix's output before the lock was taken into
    /// account) lets the invalidation finish during a commit, and the fixed program is correct.
    /// </summary>
    private static async Task VerifyEarlyReturnAndRun(Shape shape, string inserted, string members = "", Func<string, string>? edit = null)
    {
        edit ??= text => text;
        var source = edit(Ops(shape, Early, members: members));
        var fixedSource = edit(Ops(shape, After(inserted), members: members));
        await VerifyFix(source, fixedSource);

        Assert.Equal("retries: 0, invalidation finished during the commit: True", FixHarness.Run(Unmarked(source), UnlockedDriver));
        var plain = edit(Ops(shape, After("            notifier.SetSequence(currentSequence);"), members: members));
        Assert.Equal("retries: 1, invalidation finished during the commit: True", FixHarness.Run(plain, UnlockedDriver));
        Assert.Equal(Correct, FixHarness.Run(fixedSource, LockedDriver));
    }

    private const string SetUnderLock = """
                    lock (_lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }
        """;

    /// <summary>The new call held by <paramref name="acquire"/> and a <c>finally</c> that runs <paramref name="release"/>, at the early return's indentation.</summary>
    private static string Held(string acquire, string release) => $$"""
                    {{acquire}}
                    try
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    finally
                    {
                        {{release}}
                    }
        """;

    // ------------------------------------------------------------------ an early return before the lock is taken

    [Fact]
    public Task LockStatement_EarlyReturn_TakesTheLock_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(LockStatement, SetUnderLock);

    [Fact]
    public Task Semaphore_EarlyReturn_WaitsAndReleasesInAFinally_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(Semaphore, Held("Gate.Wait();", "Gate.Release();"));

    [Fact]
    public Task Monitor_EarlyReturn_EntersAndExitsAroundATry_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(MonitorPair, Held("Monitor.Enter(_lock);", "Monitor.Exit(_lock);"));

    [Fact]
    public Task ThreadingLockScope_EarlyReturn_UsesAScope_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(Scope, """
                    using (_gate.EnterScope())
                    {
                        notifier.SetSequence(currentSequence);
                    }
        """);

    /// <summary>A <c>System.Threading.Lock</c> the type holds with Enter/Exit, not through a scope: the same pair.</summary>
    [Fact]
    public Task ThreadingLockEnterExit_EarlyReturn_EntersAndExitsAroundATry_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            new Shape("private readonly Lock _gate = new Lock();", "_gate.Enter();\ntry\n{", "}\nfinally\n{\n    _gate.Exit();\n}"),
            Held("_gate.Enter();", "_gate.Exit();"));

    [Fact]
    public Task ReaderWriterLock_EarlyReturn_TakesTheWriteMode_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(ReaderWriter, Held("_rw.EnterWriteLock();", "_rw.ExitWriteLock();"));

    // ------------------------------------------------------------------ a return inside the region: no second lock

    /// <summary>The callback takes the lock first and returns early inside it: the fix adds a plain call there.</summary>
    private static Task VerifyInsideTheRegion(Shape shape)
    {
        string Callback(string early) => $$"""
            {{shape.TakeAt("        ")}}
                        if (!Mapped)
                        {
            {{early}}
                        }

                        notifier.SetSequence(currentSequence);
                        Mapped = false;
            {{shape.GiveAt("        ")}}

                    return true;
            """;
        return VerifyFix(
            Ops(shape, string.Empty, Callback("                {|NTF008:return true;|}")),
            Ops(shape, string.Empty, Callback("                notifier.SetSequence(currentSequence);\n                return true;")));
    }

    [Fact]
    public Task InsideTheRegion_LockStatement_AddsAPlainCall() => VerifyInsideTheRegion(LockStatement);

    [Fact]
    public Task InsideTheRegion_Semaphore_AddsAPlainCall_NeverASecondWait() => VerifyInsideTheRegion(Semaphore);

    [Fact]
    public Task InsideTheRegion_Monitor_AddsAPlainCall() => VerifyInsideTheRegion(MonitorPair);

    [Fact]
    public Task InsideTheRegion_ThreadingLockScope_AddsAPlainCall() => VerifyInsideTheRegion(Scope);

    [Fact]
    public Task InsideTheRegion_ReaderWriterLock_AddsAPlainCall_NeverARecursiveEnter() => VerifyInsideTheRegion(ReaderWriter);

    // ------------------------------------------------------------------ where the discipline is read from

    [Fact]
    public Task TheReadersLock_NamesIt_WhenTheOtherSetSequenceHoldsNone() => VerifyFix(
        Ops(Semaphore, string.Empty, """
                if (!Mapped)
                {
                    {|NTF008:return true;|}
                }

                notifier.SetSequence(currentSequence);
                Mapped = false;
                return true;
        """),
        Ops(Semaphore, string.Empty, """
                if (!Mapped)
                {
        HELD
                    return true;
                }

                notifier.SetSequence(currentSequence);
                Mapped = false;
                return true;
        """.Replace("HELD", Held("Gate.Wait();", "Gate.Release();"))));

    /// <summary>The start returns early; the type's Invalidate sets the sequence under the lock, through a private helper.</summary>
    [Fact]
    public Task TheOtherCallback_ThroughAHelper_NamesTheLock() => VerifyFix(
        Ops(LockStatement, string.Empty, Helper("            {|NTF008:return true;|}")),
        Ops(LockStatement, string.Empty, Helper("""
                        lock (_lock)
                        {
                            notifier.SetSequence(currentSequence);
                        }
                        return true;
            """)));

    private static string Helper(string early) => """
                lock (_lock)
                {
                    Unmap(notifier, currentSequence);
                }

                return true;
            }

            private void Unmap(IntervalNotifier notifier, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                Mapped = false;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                if (!Mapped)
                {
        EARLY
                }

                return Invalidate(notifier, range, currentSequence);
        """.Replace("EARLY", early);

    /// <summary>A local of the lock's name hides the field at the return: the lock is written through <c>this.</c>.</summary>
    [Fact]
    public Task ALocalHidingTheLock_IsWrittenThroughThis() => VerifyFix(
        Ops(LockStatement, string.Empty, """
                var _lock = "not the lock";
                if (_lock.Length == 0 || !Mapped)
                {
                    {|NTF008:return true;|}
                }

                lock (this._lock)
                {
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
                }

                return true;
        """),
        Ops(LockStatement, string.Empty, """
                var _lock = "not the lock";
                if (_lock.Length == 0 || !Mapped)
                {
                    lock (this._lock)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    return true;
                }

                lock (this._lock)
                {
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
                }

                return true;
        """));

    // ------------------------------------------------------------------ a lock of the notifier, through the callback's cast

    private const string GpuNotifier = """
        using IntervalNotifiers;

        public sealed class GpuNotifier : IntervalNotifier
        {
            public GpuNotifier(IntervalNotifierOps ops) : base(ops) { }

            public readonly object Lock = new object();
            public int MappedPages;
        }

        """;

    private static string GpuOps(string early) => GpuNotifier + """
        public sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var gpu = (GpuNotifier)notifier;
                if (gpu.MappedPages == 0)
                {
        EARLY
                }

                lock (gpu.Lock)
                {
                    notifier.SetSequence(currentSequence);
                    gpu.MappedPages = 0;
                }

                return true;
            }
        }
        """.Replace("EARLY", early);

    /// <summary>The rule page's own example: the lock is the notifier's, reached through the local the callback casts it to.</summary>
    [Fact]
    public Task TheNotifiersLock_ThroughTheCastLocal_IsTaken() => VerifyFix(
        GpuOps(Early),
        GpuOps(After(SetUnderLock.Replace("lock (_lock)", "lock (gpu.Lock)"))));

    /// <summary>
    /// The kernel's xe userptr: the lock belongs to the VM the notifier points to, and the callback reaches it through
    /// a local (<c>var vm = uptr.Vm;</c>, never written again): the early return takes it through that same local.
    /// </summary>
    private static string XeOps(string early, string readerLock = "uptr.Vm.NotifierLock") => """
        using IntervalNotifiers;

        public sealed class XeVm
        {
            public readonly object NotifierLock = new object();
        }

        public sealed class XeUserptr : IntervalNotifier
        {
            public XeUserptr(XeVm vm, IntervalNotifierOps ops) : base(ops) => Vm = vm;
            public XeVm Vm { get; }
            public int MappedPages;
            public bool NeedsRepin;
        }

        public sealed class XeOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var uptr = (XeUserptr)notifier;
                var vm = uptr.Vm;
                if (uptr.MappedPages == 0)
                {
        EARLY
                }

                lock (vm.NotifierLock)
                {
                    notifier.SetSequence(currentSequence);
                    uptr.NeedsRepin = true;
                }

                return true;
            }

            public static void Map(XeUserptr uptr)
            {
                while (true)
                {
                    var seq = uptr.ReadBegin();
                    lock (READER)
                    {
                        if (uptr.ReadRetry(seq))
                        {
                            continue;
                        }

                        uptr.MappedPages = 1;
                        return;
                    }
                }
            }
        }
        """.Replace("EARLY", early).Replace("READER", readerLock);

    [Fact]
    public Task TheLock_ThroughALocalTheCallbackTakesItThrough_IsTakenThroughThatLocal() => VerifyFix(
        XeOps("            {|NTF008:return true;|}"),
        XeOps("""
                    lock (vm.NotifierLock)
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    return true;
        """));

    /// <summary>
    /// test_hmm's shape: the callback zaps the device in a region of its lock and returns true after it. The sequence is
    /// set inside that same region (a second region after it would let a reader pass ReadRetry between the zap and the
    /// sequence's update and map a page the device just dropped).
    /// </summary>
    private static string ZapThenReturn(string region, string give) => """
        using System.Threading;
        using IntervalNotifiers;

        public sealed class MirrorOps : IntervalNotifierOps
        {
            internal readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
            private readonly object _lock = new object();
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Owner == this)
                {
                    TAKE
                    try
                    {
                        notifier.SetSequence(currentSequence);
                    }
                    finally
                    {
                        GIVE
                    }

                    return true;
                }

                REGION

                RETURN
            }

            public void Map(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                TAKE
                try
                {
                    if (!notifier.ReadRetry(seq))
                    {
                        Zapped--;
                    }
                }
                finally
                {
                    GIVE
                }
            }
        }
        """.Replace("REGION", region).Replace("GIVE", give);

    private static string ZapShape(string take, string give, string zap, string ret)
        => ZapThenReturn(zap, give).Replace("TAKE", take).Replace("RETURN", ret);

    [Fact]
    public Task AReturnAfterTheZapRegion_SetsTheSequenceInsideThatRegion_Semaphore() => VerifyFix(
        ZapShape("Gate.Wait();", "Gate.Release();", """
        Gate.Wait();
                try
                {
                    Zapped++;
                }
                finally
                {
                    Gate.Release();
                }
        """, "{|NTF008:return true;|}"),
        ZapShape("Gate.Wait();", "Gate.Release();", """
        Gate.Wait();
                try
                {
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                }
                finally
                {
                    Gate.Release();
                }
        """, "return true;"));

    [Fact]
    public Task AReturnAfterTheZapRegion_SetsTheSequenceInsideThatRegion_LockStatement() => VerifyFix(
        ZapShape("Monitor.Enter(_lock);", "Monitor.Exit(_lock);", """
        lock (_lock)
                {
                    Zapped++;
                }
        """, "{|NTF008:return true;|}"),
        ZapShape("Monitor.Enter(_lock);", "Monitor.Exit(_lock);", """
        lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                }
        """, "return true;"));

    /// <summary>A reader elsewhere of the notifier type the callback casts to: its lock, as <c>gpu.Lock</c>.</summary>
    private static string NeverSetOps(string early) => """
        using IntervalNotifiers;

        public sealed class GpuOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var gpu = (GpuNotifier)notifier;
                gpu.MappedPages = 0;
        EARLY
            }
        }
        """.Replace("EARLY", early);

    private static string GpuReader(string gate, string take) => """
        public static class GpuReader
        {
            GATE
            public static void Map(GpuNotifier notifier)
            {
                while (true)
                {
                    var seq = notifier.ReadBegin();
                    lock (TAKE)
                    {
                        if (notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        notifier.MappedPages = 1;
                        return;
                    }
                }
            }
        }
        """.Replace("GATE", gate).Replace("TAKE", take);

    private static Task VerifyNeverSet(string reader, string fixedEarly)
    {
        var test = new VerifyFix.Test { MarkupOptions = MarkupOptions.UseFirstDescriptor };
        test.TestState.Sources.Add(("/0/Test0.cs", NeverSetOps("        {|NTF008:return true;|}")));
        test.TestState.Sources.Add(("/0/Test1.cs", GpuNotifier + reader));
        test.FixedState.Sources.Add(("/0/Test0.cs", NeverSetOps(fixedEarly)));
        test.FixedState.Sources.Add(("/0/Test1.cs", GpuNotifier + reader));
        test.DisabledDiagnostics.AddRange(new[] { "NTF006", "NTF007" });

        // The never-called trigger is reported at compilation end (docs/rules/NTF008.md): fixed from the build, not the lightbulb.
        test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }

    [Fact]
    public Task NeverCalled_TheReaderElsewhereHoldsTheNotifiersLock_TheCallbackTakesIt() => VerifyNeverSet(
        GpuReader(string.Empty, "notifier.Lock"), """
                lock (gpu.Lock)
                {
                    notifier.SetSequence(currentSequence);
                }
                return true;
        """);

    /// <summary>The reader's lock is a private static of the reader's class: the callback cannot name it, so no fix (a plain call would race with the check).</summary>
    [Fact]
    public Task NoFix_NeverCalled_TheReaderElsewhereHoldsALockTheCallbackCannotName() => VerifyNeverSet(
        GpuReader("private static readonly object Gate = new object();\n", "Gate"), "        {|NTF008:return true;|}");

    // ------------------------------------------------------------------ Fix All

    [Fact]
    public Task FixAll_TwoReturnsInOneCallback_AndTwoTypesWithTheirOwnLocks()
    {
        const string second = """
            using System.Threading;
            using IntervalNotifiers;

            public sealed class OtherOps : IntervalNotifierOps
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private bool _idle;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong seq)
                {
                    if (_idle)
                        {|NTF008:return true;|}
                    _gate.Wait();
                    try
                    {
                        notifier.SetSequence(seq);
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return true;
                }
            }
            """;
        var secondFixed = second.Replace("""
                    if (_idle)
                        {|NTF008:return true;|}
            """, """
                    if (_idle)
                    {
                        _gate.Wait();
                        try
                        {
                            notifier.SetSequence(seq);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                        return true;
                    }
            """);
        Assert.NotEqual(second, secondFixed);
        string Callback(string first, string second) => $$"""
                if (range.Start == 0)
                {
            {{first}}
                }

                if (!Mapped)
                {
            {{second}}
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
                }

                return true;
            """;
        return VerifyFix(
            Ops(LockStatement, string.Empty, Callback(Early, Early)),
            Ops(LockStatement, string.Empty, Callback(After(SetUnderLock), After(SetUnderLock))),
            second, secondFixed);
    }

    // ------------------------------------------------------------------ no lock to name: no fix, unless no lock at all

    private const string Other = "\n    private readonly object _other = new object();";

    /// <summary>The reader holds <c>_lock</c>, the callback sets the sequence under <c>_other</c>.</summary>
    [Fact]
    public Task NoFix_TwoLocks_OneAroundSetSequenceAndAnotherAroundTheReader() => VerifyNoFix(
        Ops(LockStatement, Early, EarlyReturnCallback(new Shape(string.Empty, "lock (_other)\n{", "}"), Early), members: Other));

    /// <summary>A lock taken by a helper whose body does not say which: the analysis cannot name it.</summary>
    [Fact]
    public Task NoFix_TheLockIsTakenThroughAHelper() => VerifyNoFix(Ops(
        new Shape("private readonly object _lock = new object();", "using (AcquireDeviceLock())\n{", "}"), Early, members: """

            private IDisposable AcquireDeviceLock() => new Releaser(_lock);

            private sealed class Releaser : IDisposable
            {
                private readonly object _held;

                public Releaser(object held)
                {
                    _held = held;
                    Monitor.Enter(held);
                }

                public void Dispose() => Monitor.Exit(_held);
            }
        """));

    /// <summary>The return holds another lock: taking the driver lock inside it could deadlock against the other order.</summary>
    [Fact]
    public Task NoFix_TheReturnHoldsAnotherLock() => VerifyNoFix(
        Ops(LockStatement, string.Empty, """
                lock (_other)
                {
                    if (!Mapped)
                    {
                        {|NTF008:return true;|}
                    }
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
                }

                return true;
        """, members: Other));

    /// <summary>
    /// The return comes after the lock is taken and before the try that gives it back: it holds the lock (and leaks
    /// it), so the lock must not be taken again (a second Wait on the semaphore would never end): no fix.
    /// </summary>
    [Theory]
    [InlineData("if (!Gate.Wait(0))\n        {\n            return false;\n        }")]
    [InlineData("if (range.IsBlockable)\n        {\n            Gate.Wait();\n        }\n        else if (!Gate.Wait(0))\n        {\n            return false;\n        }")]
    [InlineData("Gate.Wait();")]
    public Task NoFix_TheReturnComesBetweenTheLocksAcquisitionAndItsTry(string take) => VerifyNoFix(
        Ops(Semaphore, string.Empty, """
                TAKE

                if (!Mapped)
                {
                    {|NTF008:return true;|}
                }

                try
                {
                    notifier.SetSequence(currentSequence);
                    Mapped = false;
                }
                finally
                {
                    Gate.Release();
                }

                return true;
        """.Replace("TAKE", take)));

    /// <summary>No lock around any SetSequence or ReadRetry of the type: nothing to break, a plain call.</summary>
    private const string NoLockOps = """
        using IntervalNotifiers;

        public sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly object _unrelated = new object();
            public bool Mapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (!Mapped)
                {
                    {|NTF008:return true;|}
                }

                notifier.SetSequence(currentSequence);
                lock (_unrelated)
                {
                    Mapped = false;
                }

                return true;
            }

            public bool Check(IntervalNotifier notifier, ulong seq) => notifier.ReadRetry(seq);
        }
        """;

    [Fact]
    public Task NoLockAnywhere_APlainCall() => VerifyFix(
        NoLockOps,
        NoLockOps.Replace("{|NTF008:return true;|}", "notifier.SetSequence(currentSequence);\n            return true;"));
}
