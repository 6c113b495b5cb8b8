using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF004RemoveDeadInvalidateCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF004's "remove the dead Invalidate" never turns the warning into a silent bug: the dead method goes only when the
/// start provably does everything it does (its <c>SetSequence</c>, its device work, its writes). When the dead
/// <c>Invalidate</c> holds the type's only <c>SetSequence</c> (amdkfd's userptr eviction, as a tester ran it), or work
/// the start never does, no fix is offered and the warning stays.
/// </summary>
public class NTF004RemoveDeadInvalidateCodeFixTests
{
    private const string Key = NTF004RemoveDeadInvalidateCodeFix.RemoveDeadInvalidateKey;

    /// <summary>A device whose flushes the ops types below start or wait for.</summary>
    private const string Device = """

        public sealed class Fence
        {
            public void Wait() { }
        }

        public sealed class Device
        {
            public int Flushes;
            public Fence StartFlush(ulong start, ulong end) { Flushes++; return new Fence(); }
            public void FlushAndWait(ulong start, ulong end) => Flushes++;
        }
        """;

    /// <summary>
    /// One reader over the ops type <paramref name="ops"/> creates: it reads the sequence, an invalidation of its range
    /// runs, and it asks whether to retry (it must: its pages are gone).
    /// </summary>
    private static string Reader(string ops) => $$"""
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var gpu = new Device();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier({{ops}});
                notifier.Insert(space, 0x1000, 0x1000);
                var seq = notifier.ReadBegin();
                var range = new NotifierRange(0x1000, 0x2000);
                space.InvalidateRangeStart(range);
                space.InvalidateRangeEnd(range);
                return "retry: " + notifier.ReadRetry(seq) + ", flushes: " + gpu.Flushes;
            }
        }
        """;

    /// <summary>amdkfd's userptr eviction as the tester's driver wrote it: the only SetSequence is in the dead Invalidate.</summary>
    private const string KfdOps = """
        using System.Threading;
        using IntervalNotifiers;

        public sealed class KfdEvictFinish : NotifierFinish
        {
            public Fence? QueuesStopped;
        }

        public sealed class {|NTF004:KfdOps|} : IntervalNotifierOps
        {
            private readonly object _lock = new object();
            private readonly Device _gpu;
            public int Migrating;
            public int EvictedBos;

            public KfdOps(Device gpu) => _gpu = gpu;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                    EvictedBos++;
                }

                _gpu.FlushAndWait(range.Start, range.End);
                return true;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                if (Volatile.Read(ref Migrating) != 0 && !range.IsBlockable)
                {
                    return false;
                }

                finish = new KfdEvictFinish { QueuesStopped = _gpu.StartFlush(range.Start, range.End) };
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => ((KfdEvictFinish)finish).QueuesStopped!.Wait();
        }
        """;

    /// <summary>The generic fence ops type of several DRM drivers: its start sets the sequence and flushes on the slow path itself.</summary>
    private const string FenceOpsHead = """
        using System.Threading;
        using IntervalNotifiers;

        public class FenceFinish : NotifierFinish
        {
            public Fence? Fence;
        }

        public class {|NTF004:FenceOps|}<TFinish> : IntervalNotifierOps where TFinish : FenceFinish, new()
        {
            private readonly NotifierFinishPool<TFinish> _pool = new NotifierFinishPool<TFinish>(8);
            private readonly object _lock = new object();
            private readonly Device _gpu;
            public int SlowPath;

            public FenceOps(Device gpu) => _gpu = gpu;

        """;

    private const string FenceOpsDeadInvalidate = """
            // The single-pass version, from before the driver moved to two passes.
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                System.Diagnostics.Debug.Assert(range.End > range.Start);
                _gpu.FlushAndWait(range.Start, range.End);
                return true;
            }

        """;

    private const string FenceOpsTail = """
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                if (!_pool.TryRent(out var f))
                {
                    Interlocked.Increment(ref SlowPath);
                    _gpu.FlushAndWait(range.Start, range.End);
                    return true;
                }

                f.Fence = _gpu.StartFlush(range.Start, range.End);
                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (TFinish)finish;
                f.Fence!.Wait();
                f.Fence = null;
                _pool.Return(f);
            }
        }
        """;

    [Fact]
    public async Task GenericStartThatSetsTheSequenceAndFlushesItself_DeadInvalidateIsRemoved_AndReadersRetry()
    {
        var source = FenceOpsHead + FenceOpsDeadInvalidate + FenceOpsTail + Device;
        var fixedSource = (FenceOpsHead + FenceOpsTail + Device).Replace("{|NTF004:FenceOps|}", "FenceOps");
        await VerifyFix.CodeFixAsync(source, fixedSource, Key);

        Assert.Equal("retry: True, flushes: 1", FixHarness.Run(fixedSource, Reader("new FenceOps<FenceFinish>(gpu)")));
    }

    [Fact]
    public async Task DeadInvalidateHoldsTheOnlySetSequence_NoFix_TheWarningStaysOnTheMissedInvalidation()
    {
        var source = KfdOps + Device;
        await VerifyFix.NoCodeFixAsync(source, Key);

        // What the warning is about: the start never sets the sequence, so a reader whose pages were just
        // invalidated does not retry. Deleting the dead Invalidate would have left exactly this, unwarned.
        Assert.Equal("retry: False, flushes: 1", FixHarness.Run(source.Replace("{|NTF004:KfdOps|}", "KfdOps"), Reader("new KfdOps(gpu)")));
    }

    [Fact]
    public async Task DotnetFormat_OnTheKfdAndFenceDrivers_RemovesOnlyTheHarmlessDeadInvalidate()
    {
        var kfd = (KfdOps + Device).Replace("{|NTF004:KfdOps|}", "KfdOps");
        var fence = (FenceOpsHead + FenceOpsDeadInvalidate + FenceOpsTail).Replace("{|NTF004:FenceOps|}", "FenceOps");
        var project = FixHarness.CreateProject(kfd, fence);
        Assert.Equal(2, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF004"));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project);
        Assert.Empty(noFixAll);
        var texts = await FixHarness.TextsAsync(fixedProject);
        Assert.Equal(kfd, texts[0]);
        Assert.DoesNotContain("public override bool Invalidate(", texts[1]);
        var left = Assert.Single((await FixHarness.DiagnosticsAsync(fixedProject)).Where(d => d.Id == "NTF004"));
        Assert.Contains("KfdOps", left.GetMessage());
    }

    /// <summary>
    /// An ops type <c>GpuOps</c> (reported) with <paramref name="members"/>, an <c>Invalidate</c> whose body is
    /// <paramref name="invalidate"/> (left out when null: the fixed code), and a start that runs <paramref name="start"/>
    /// before handing out a new finish; then the <c>Device</c>. Each line of a body is one string line, unindented.
    /// </summary>
    private static string Ops(string members, string? invalidate, string start, bool reported = true)
    {
        static string Indent(string code, string by)
            => string.Join("\n", code.Split('\n').Select(line => line.Length == 0 ? line : by + line));

        var dead = invalidate is null ? string.Empty : $$"""

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
            {{Indent(invalidate, "        ")}}
                }

            """;
        return $$"""
            using System;
            using IntervalNotifiers;

            sealed class {{(reported ? "{|NTF004:GpuOps|}" : "GpuOps")}} : IntervalNotifierOps
            {
            {{Indent(members, "    ")}}
            {{dead}}
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
            {{Indent(start, "        ")}}
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ + Device;
    }

    /// <summary>Checks that the fix removes exactly the dead <c>Invalidate</c> of <see cref="Ops"/>.</summary>
    private static Task VerifyRemoved(string members, string invalidate, string start)
        => VerifyFix.CodeFixAsync(Ops(members, invalidate, start), Ops(members, null, start, reported: false), Key);

    /// <summary>Checks that no fix is offered for the <see cref="Ops"/> type.</summary>
    private static Task VerifyNotOffered(string members, string invalidate, string start)
        => VerifyFix.NoCodeFixAsync(Ops(members, invalidate, start), Key);

    private const string SetSequence = "notifier.SetSequence(currentSequence);";

    [Fact]
    public Task DeadInvalidateThatOnlyReturnsTrue_IsRemoved()
        => VerifyRemoved("private readonly Device _gpu = new Device();", "return true;", "_gpu.FlushAndWait(range.Start, range.End);");

    [Fact]
    public Task DeadInvalidateWithLocalsThrowsAndASubsetOfTheStartsWork_IsRemoved() => VerifyRemoved("""
        private readonly Device _gpu = new Device();
        public int Evictions;
        """, """
        if (range.End <= range.Start)
        {
            throw new ArgumentException("empty range");
        }

        var length = Math.Max(range.End - range.Start, 4096UL);
        Evictions++;
        notifier.SetSequence(currentSequence);
        return length > 0;
        """, """
        notifier.SetSequence(currentSequence);
        Evictions++;
        _gpu.FlushAndWait(range.Start, range.End);
        """);

    [Fact]
    public Task StartThatSetsTheSequenceThroughAHelperAndALambda_DeadInvalidateIsRemoved() => VerifyRemoved("""
        private readonly object _lock = new object();
        private readonly Device _gpu = new Device();

        private void Publish(IntervalNotifier target, ulong sequence)
        {
            lock (_lock)
            {
                target.SetSequence(sequence);
            }
        }
        """, """
        lock (_lock)
        {
            notifier.SetSequence(currentSequence);
        }

        _gpu.FlushAndWait(range.Start, range.End);
        return true;
        """, """
        Publish(notifier, currentSequence);
        var start = range.Start;
        var end = range.End;
        Action flush = () => _gpu.FlushAndWait(start, end);
        flush();
        """);

    [Fact]
    public Task DeadInvalidateWaitsForAFlushTheStartNeverWaitsFor_NoFix() => VerifyNotOffered(
        "private readonly Device _gpu = new Device();",
        SetSequence + "\n_gpu.FlushAndWait(range.Start, range.End);\nreturn true;",
        SetSequence + "\n_gpu.StartFlush(range.Start, range.End);");

    [Fact]
    public Task DeadInvalidateFlushesAnotherDevice_NoFix() => VerifyNotOffered(
        "private readonly Device _primary = new Device();\nprivate readonly Device _secondary = new Device();",
        SetSequence + "\n_primary.FlushAndWait(range.Start, range.End);\n_secondary.FlushAndWait(range.Start, range.End);\nreturn true;",
        SetSequence + "\n_primary.FlushAndWait(range.Start, range.End);");

    [Fact]
    public Task DeadInvalidateUpdatesAFieldTheStartNeverWrites_NoFix() => VerifyNotOffered(
        "private sealed class ProcessInfo { public int EvictedBos; }\nprivate readonly ProcessInfo _info = new ProcessInfo();",
        SetSequence + "\n_info.EvictedBos++;\nreturn true;",
        SetSequence);

    [Fact]
    public Task StartSetsTheSequenceOfAnotherNotifier_NoFix() => VerifyNotOffered(
        "public IntervalNotifier? Shadow;",
        SetSequence + "\nreturn true;",
        "Shadow!.SetSequence(currentSequence);");

    [Fact]
    public Task DeadInvalidateCallsThroughALocal_CannotBeMatched_NoFix() => VerifyNotOffered(
        "private readonly Device[] _gpus = { new Device(), new Device() };",
        SetSequence + "\nforeach (var gpu in _gpus)\n{\n    gpu.FlushAndWait(range.Start, range.End);\n}\n\nreturn true;",
        SetSequence);

    [Fact]
    public Task DeadInvalidateWithACallThatDoesNotBind_NoFix() => VerifyNotOffered(
        "private readonly Device _gpu = new Device();",
        SetSequence + "\n_gpu.{|CS1061:FlushAndWiat|}(range.Start, range.End);\nreturn true;",
        SetSequence);

    [Fact]
    public Task StartSetsTheSequenceInAVirtualHookTheTypeOverrides_NoFix() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        abstract class TwoPassHooks : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                Publish(notifier, currentSequence);
                finish = new NotifierFinish();
                return true;
            }

            protected virtual void Publish(IntervalNotifier notifier, ulong sequence) => notifier.SetSequence(sequence);

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        sealed class {|NTF004:QuietOps|} : TwoPassHooks
        {
            // The hook that runs sets nothing: the dead Invalidate holds the only SetSequence this type runs.
            protected override void Publish(IntervalNotifier notifier, ulong sequence) { }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, Key);

    /// <summary>A two-pass base whose start sets the sequence, and (after it) a type whose start never does.</summary>
    private const string TwoPassBase = """
        using IntervalNotifiers;

        abstract class TwoPassBase : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }

        """;

    private const string UserptrOps = """

        sealed class {|NTF004:UserptrOps|} : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """;

    [Fact]
    public Task FixAll_RemovesTheHarmlessDeadInvalidates_AndLeavesTheOneWithTheOnlySetSequence() => VerifyLeavingMarked(TwoPassBase + """
        sealed class {|NTF004:GpuOps|} : TwoPassBase
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }

        sealed class {|NTF004:NicOps|} : TwoPassBase
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
        }

        """ + UserptrOps, TwoPassBase + """
        sealed class GpuOps : TwoPassBase
        {
        }

        sealed class NicOps : TwoPassBase
        {
        }

        """ + UserptrOps, Key);

    /// <summary>Applies the fix; markup in <paramref name="fixedSource"/> marks what stays reported.</summary>
    private static Task VerifyLeavingMarked(string source, string fixedSource, string key)
    {
        var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = key };
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync(CancellationToken.None);
    }

    private const string PartialStart = """
        using IntervalNotifiers;

        sealed partial class {|NTF004:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                SEQUENCE
                finish = new NotifierFinish();
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """;

    private const string PartialDeadInvalidate = """
        using IntervalNotifiers;

        sealed partial class GpuOps
        {
            public int Generation;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """;

    [Fact]
    public async Task PartialType_StartInAnotherFileSetsTheSequence_DeadInvalidateIsRemoved()
    {
        var start = PartialStart.Replace("SEQUENCE", "notifier.SetSequence(currentSequence);");
        var test = new VerifyFix.Test { CodeActionEquivalenceKey = Key };
        test.TestState.Sources.Add(("/0/Test0.cs", start));
        test.TestState.Sources.Add(("/0/Test1.cs", PartialDeadInvalidate));
        test.FixedState.Sources.Add(("/0/Test0.cs", start.Replace("{|NTF004:GpuOps|}", "GpuOps")));
        test.FixedState.Sources.Add(("/0/Test1.cs", """
            using IntervalNotifiers;

            sealed partial class GpuOps
            {
                public int Generation;
            }
            """));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task PartialType_StartInAnotherFileNeverSetsTheSequence_NoFix()
    {
        var start = PartialStart.Replace("SEQUENCE", "Generation++;");
        var test = new VerifyFix.Test { CodeActionEquivalenceKey = Key };
        test.TestState.Sources.Add(("/0/Test0.cs", start));
        test.TestState.Sources.Add(("/0/Test1.cs", PartialDeadInvalidate));
        test.FixedState.Sources.Add(("/0/Test0.cs", start));
        test.FixedState.Sources.Add(("/0/Test1.cs", PartialDeadInvalidate));
        await test.RunAsync(CancellationToken.None);
    }
}
