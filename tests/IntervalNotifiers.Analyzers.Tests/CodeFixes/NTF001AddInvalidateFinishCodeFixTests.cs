using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF001AddInvalidateFinishCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF001's "add InvalidateFinish" leaves a program that works or fails loudly: the fixed code is compiled with the
/// real runtime and its invalidations are run.
/// </summary>
public class NTF001AddInvalidateFinishCodeFixTests
{
    /// <summary>Runs five invalidations over the notifier, then rents what the pool has left.</summary>
    private const string Driver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new DeviceOps();
                var space = new AddressSpace();
                var notifier = new IntervalNotifier(ops);
                notifier.Insert(space, 0x1000, 0x1000);
                for (var i = 0; i < 5; i++)
                {
                    var range = new NotifierRange(0x1000, 0x2000);
                    space.InvalidateRangeStart(range);
                    space.InvalidateRangeEnd(range);
                }

                var rented = 0;
                while (rented < 10 && ops.Pool.TryRent(out _))
                {
                    rented++;
                }

                return "rented " + rented + " of 2, " + ops.Started + " starts";
            }
        }
        """;

    /// <summary>
    /// A program that makes <c>ops</c> with <paramref name="create"/>, runs <paramref name="rounds"/> invalidations over
    /// its notifier, each inside a catch of <c>NotImplementedException</c>, then rents what the pool
    /// <paramref name="pool"/> has left: "N loud (last message), rented R of <paramref name="capacity"/>", then
    /// <paramref name="tail"/> (an expression appended to the result).
    /// </summary>
    private static string LoudDriver(string create, string pool, int capacity, int rounds = 5, string tail = "\"\"") => $$"""
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = {{create}};
                var space = new AddressSpace();
                new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                var loud = 0;
                string? said = null;
                for (var i = 0; i < {{rounds}}; i++)
                {
                    var range = new NotifierRange(0x1000, 0x2000);
                    try
                    {
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    }
                    catch (System.NotImplementedException e)
                    {
                        loud++;
                        said = e.Message;
                    }
                }

                var rented = 0;
                while (rented < 10 && {{pool}}.TryRent(out _))
                {
                    rented++;
                }

                return loud + " loud (" + said + "), rented " + rented + " of {{capacity}}" + {{tail}};
            }
        }
        """;

    /// <summary>
    /// <paramref name="source"/> without its <c>{|NTF001:...|}</c> markup, with the loud pooled <c>InvalidateFinish</c>
    /// the fix adds right after the start, which ends in <c>finish = <paramref name="handedOut"/>; return true;</c>.
    /// </summary>
    private static string WithLoudPooledFinish(string source, string handedOut, string message, string pool, string finishType)
    {
        var end = $"        finish = {handedOut};\n        return true;\n    }}\n";
        Assert.Contains(end, source);
        return Regex.Replace(source, @"\{\|NTF001:(\w+)\|\}", "$1").Replace(end, end + $$"""

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    try
                    {
                        throw new System.NotImplementedException("{{message}}");
                    }
                    finally
                    {
                        {{pool}}.Return(({{finishType}})finish);
                    }
                }

            """);
    }

    [Fact]
    public async Task PooledStart_ATokenFinish_TheNewFinishThrowsNamingWhatToWrite_AndStillGivesTheTokenBack()
    {
        // The finish carries nothing, yet the finish pass may have work to wait for (kept by the ops type itself):
        // a token does not prove the finish pass is empty. Loud, and the pool stays whole.
        const string source = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    if (!this.Pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    finish = f;
                    return true;
                }
            }
            """;
        const string message = "DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish "
                               + "(FlushFinish carries nothing: wait for what DeviceOps itself keeps); the finish is returned to 'Pool' below";
        var fixedSource = WithLoudPooledFinish(source, "f", message, "Pool", "FlushFinish");
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        // Every invalidation is loud, and every token went back: the pool is whole.
        Assert.Equal("5 loud (" + message + "), rented 2 of 2", FixHarness.Run(fixedSource, LoudDriver("new DeviceOps()", "ops.Pool", 2)));
    }

    [Fact]
    public async Task PooledStart_AFinishThatCarriesState_TheNewFinishThrowsNamingWhatToWrite_AndStillGivesItBack()
    {
        // The start fills the finish (a ticket) for the finish pass, which only the user can write: loud, pool whole.
        const string source = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
                public int Ticket;
            }

            sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    if (!this.Pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    f.Ticket = 1;
                    finish = f;
                    return true;
                }
            }
            """;
        const string message = "DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish (it carries Ticket); "
                               + "the finish is returned to 'Pool' below";
        var fixedSource = WithLoudPooledFinish(source, "f", message, "Pool", "FlushFinish");
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        Assert.Equal("5 loud (" + message + "), rented 2 of 2", FixHarness.Run(fixedSource, LoudDriver("new DeviceOps()", "ops.Pool", 2)));
    }

    [Fact]
    public async Task StartWithoutPool_TheNewFinishThrowsNamingWhatToWrite_SoTheFirstInvalidationFailsLoudly()
    {
        const string source = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    finish = new FlushFinish();
                    return true;
                }
            }
            """;
        const string fixedSource = """
            using IntervalNotifiers;

            sealed class FlushFinish : NotifierFinish
            {
            }

            sealed class DeviceOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Started;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    Started++;
                    finish = new FlushFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    throw new System.NotImplementedException("DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
                }
            }
            """;
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        var outcome = FixHarness.Run(fixedSource, Driver);
        Assert.StartsWith("threw NotImplementedException: DeviceOps.InvalidateFinish: wait for the work", outcome);
    }

    [Fact]
    public Task StartRentingFromTwoPools_GetsTheThrowingBody() => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
        }

        sealed class {|NTF001:DeviceOps|} : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _fast = new NotifierFinishPool<FlushFinish>(2);
            private readonly NotifierFinishPool<FlushFinish> _slow = new NotifierFinishPool<FlushFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_fast.TryRent(out var f) || _slow.TryRent(out f))
                {
                    finish = f;
                    return true;
                }

                finish = null;
                return true;
            }
        }
        """, """
        using IntervalNotifiers;

        sealed class FlushFinish : NotifierFinish
        {
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<FlushFinish> _fast = new NotifierFinishPool<FlushFinish>(2);
            private readonly NotifierFinishPool<FlushFinish> _slow = new NotifierFinishPool<FlushFinish>(2);

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                if (_fast.TryRent(out var f) || _slow.TryRent(out f))
                {
                    finish = f;
                    return true;
                }

                finish = null;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                throw new System.NotImplementedException("DeviceOps.InvalidateFinish: wait for the work InvalidateStart started for this finish, then return the finish to its pool if it came from one");
            }
        }
        """, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

    /// <summary>
    /// An IOMMU TLB-shootdown driver (arm-smmu-v3-sva-like): the start queues a TLB invalidation on the device's command
    /// queue and hands out an empty token from a pool; the work to wait for (CMD_SYNC) is kept by the ops type.
    /// </summary>
    private const string TlbShootdown = """
        using System.Collections.Generic;
        using System.Threading;
        using IntervalNotifiers;

        public sealed class TlbSyncToken : NotifierFinish
        {
        }

        /// <summary>An issued invalidation leaves the device's TLB only when Sync waits for it.</summary>
        public sealed class CommandQueue
        {
            private readonly List<ulong> _issued = new List<ulong>();
            private readonly object _qlock = new object();

            public void IssueTlbInvalidate(ulong start, ulong end)
            {
                lock (_qlock) _issued.Add(start);
            }

            public void Sync()
            {
                lock (_qlock) _issued.Clear();
            }
        }

        public sealed class {|NTF001:SvaOps|} : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<TlbSyncToken> _tokens = new NotifierFinishPool<TlbSyncToken>(4);
            private readonly CommandQueue _cmdq;
            private readonly object _bondLock = new object();
            public int SlowPath;

            public SvaOps(CommandQueue cmdq) => _cmdq = cmdq;

            public NotifierFinishPool<TlbSyncToken> Tokens => _tokens;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                lock (_bondLock)
                {
                    notifier.SetSequence(currentSequence);
                }

                _cmdq.IssueTlbInvalidate(range.Start, range.End);
                if (!_tokens.TryRent(out var token))
                {
                    Interlocked.Increment(ref SlowPath);
                    _cmdq.Sync();
                    return true;
                }

                finish = token;
                return true;
            }
        }
        """;

    [Fact]
    public async Task TlbShootdown_APooledTokenWhoseWorkTheOpsTypeKeeps_FailsLoudlyNamingTheFallback_AndTheTokenGoesBack()
    {
        // Before: a body that only returned the token left every invalidation's TLB entries on the device, silently.
        const string message = "SvaOps.InvalidateFinish: wait for the work InvalidateStart started for this finish "
                               + "(TlbSyncToken carries nothing: wait for what SvaOps itself keeps, e.g. what the start does "
                               + "when '_tokens' is empty: _cmdq.Sync()); the finish is returned to '_tokens' below";
        var fixedSource = WithLoudPooledFinish(TlbShootdown, "token", message, "_tokens", "TlbSyncToken");
        await VerifyFix.CodeFixAsync(TlbShootdown, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        // Every invalidation fails loudly instead of leaving stale TLB entries, and every token is back in its pool
        // (no start fell back to its slow path for want of a token).
        var driver = LoudDriver("new SvaOps(new CommandQueue())", "ops.Tokens", 4, rounds: 6, tail: "\", slow path \" + ops.SlowPath");
        Assert.Equal("6 loud (" + message + "), rented 4 of 4, slow path 0", FixHarness.Run(fixedSource, driver));
    }

    [Fact]
    public Task PooledToken_TheFallbackAfterTheRentingIf_IsNamedInTheMessage()
    {
        // Only the call on the fallback path (after the if that hands out the token) on what the type keeps is named:
        // not Fence, which every path runs, nor the counter's Interlocked call. It is named as one line.
        const string source = """
            using IntervalNotifiers;

            sealed class Token : NotifierFinish { }

            sealed class {|NTF001:DmaOps|} : IntervalNotifierOps
            {
                private readonly NotifierFinishPool<Token> _pool = new NotifierFinishPool<Token>(2);
                private int _fenced;

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    Fence(range.Start);
                    if (_pool.TryRent(out var t))
                    {
                        finish = t;
                        return true;
                    }

                    System.Threading.Interlocked.Increment(ref _fenced);
                    this.WaitForFences(
                        range.Start);
                    finish = null;
                    return true;
                }

                private void Fence(ulong start) { }

                private void WaitForFences(ulong start) { }
            }
            """;
        const string message = "DmaOps.InvalidateFinish: wait for the work InvalidateStart started for this finish (Token carries nothing: "
                               + "wait for what DmaOps itself keeps, e.g. what the start does when '_pool' is empty: "
                               + "this.WaitForFences(range.Start)); the finish is returned to '_pool' below";
        return VerifyFix.CodeFixAsync(source, WithLoudPooledFinish(source, "null", message, "_pool", "Token"),
                                      NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);
    }

    /// <summary>An etnaviv-like userptr driver, partial: its start does the whole invalidation and never hands out a finish.</summary>
    private const string EtnaUserptr = """
        using System.Threading;
        using IntervalNotifiers;

        public sealed partial class {|NTF001:EtnaOps|} : IntervalNotifierOps
        {
            private readonly object _mmuLock = new object();
            public int Flushed;

            public object MmuLock => _mmuLock;
        }

        public sealed partial class EtnaOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                if (range.IsBlockable)
                {
                    Monitor.Enter(_mmuLock);
                }
                else if (!Monitor.TryEnter(_mmuLock))
                {
                    finish = null;
                    return false;
                }

                try
                {
                    notifier.SetSequence(currentSequence);
                    Flushed++;   // flush and wait: done here
                }
                finally
                {
                    Monitor.Exit(_mmuLock);
                }

                finish = null;
                return true;
            }
        }
        """;

    private const string EtnaUserptrFixed = """
        using System.Threading;
        using IntervalNotifiers;

        public sealed partial class EtnaOps : IntervalNotifierOps
        {
            private readonly object _mmuLock = new object();
            public int Flushed;

            public object MmuLock => _mmuLock;
        }

        public sealed partial class EtnaOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.IsBlockable)
                {
                    Monitor.Enter(_mmuLock);
                }
                else if (!Monitor.TryEnter(_mmuLock))
                {
                    return false;
                }

                try
                {
                    notifier.SetSequence(currentSequence);
                    Flushed++;   // flush and wait: done here
                }
                finally
                {
                    Monitor.Exit(_mmuLock);
                }

                return true;
            }
        }
        """;

    [Fact]
    public async Task StartThatNeverHandsOutAFinish_IsOfferedOnlyTheTurnIntoInvalidateFix()
    {
        // An InvalidateFinish would never run: no "add InvalidateFinish" (a dead, throwing method) is offered at all.
        await VerifyFix.NoCodeFixAsync(EtnaUserptr, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);
        await VerifyFix.CodeFixAsync(EtnaUserptr, EtnaUserptrFixed, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DotnetFormat_TurnsTheNeverHandingOutStartIntoInvalidate_AndGivesThePooledTokenALoudFinish(bool tokenFirst)
    {
        // dotnet format takes the key of the first action of the first NTF001, whichever type that is, and Fix All
        // applies it to every NTF001 that offers it, and each other one's own first action.
        var tlb = TlbShootdown.Replace("{|NTF001:SvaOps|}", "SvaOps");
        var etna = EtnaUserptr.Replace("{|NTF001:EtnaOps|}", "EtnaOps");
        var project = FixHarness.CreateProject(tokenFirst ? new[] { tlb, etna } : new[] { etna, tlb });
        Assert.Equal(2, (await FixHarness.DiagnosticsAsync(project)).Count(d => d.Id == "NTF001"));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, new[] { "NTF001" });
        Assert.Empty(noFixAll);
        Assert.DoesNotContain(await FixHarness.DiagnosticsAsync(fixedProject), d => d.Id == "NTF001");
        var texts = await FixHarness.TextsAsync(fixedProject);
        var (tlbFixed, etnaFixed) = tokenFirst ? (texts[0], texts[1]) : (texts[1], texts[0]);
        Assert.Equal(EtnaUserptrFixed, etnaFixed);
        Assert.Contains("throw new System.NotImplementedException(\"SvaOps.InvalidateFinish: wait for the work", tlbFixed);
        Assert.Contains("_tokens.Return((TlbSyncToken)finish);", tlbFixed);

        const string driver = """
            using IntervalNotifiers;

            public static class Program
            {
                public static string Run()
                {
                    var etna = new EtnaOps();
                    var sva = new SvaOps(new CommandQueue());
                    var space = new AddressSpace();
                    var etnaNotifier = new IntervalNotifier(etna);
                    etnaNotifier.Insert(space, 0x1000, 0x1000);
                    new IntervalNotifier(sva).Insert(space, 0x8000, 0x1000);
                    var seq = etnaNotifier.ReadBegin();
                    var range = new NotifierRange(0x1000, 0x2000);
                    space.InvalidateRangeStart(range);
                    space.InvalidateRangeEnd(range);
                    var loud = "silent";
                    try
                    {
                        var other = new NotifierRange(0x8000, 0x9000);
                        space.InvalidateRangeStart(other);
                        space.InvalidateRangeEnd(other);
                    }
                    catch (System.NotImplementedException e)
                    {
                        loud = e.Message.Substring(0, e.Message.IndexOf(':'));
                    }

                    var tokens = 0;
                    while (tokens < 10 && sva.Tokens.TryRent(out _))
                    {
                        tokens++;
                    }

                    return "etna flushed " + etna.Flushed + ", retry " + etnaNotifier.CheckRetry(seq) + ", " + loud + ", tokens " + tokens + " of 4";
                }
            }
            """;
        Assert.Equal("etna flushed 1, retry True, SvaOps.InvalidateFinish, tokens 4 of 4",
                     FixHarness.Run(tlbFixed, etnaFixed, driver));
    }

    /// <summary>
    /// An i915-userptr-like ops type (realistic code): a two-pass start under a <c>ReaderWriterLockSlim</c> that hands
    /// out a finish built by a constructor, and the second pass written without <c>override</c> (CS0114 only): the
    /// runtime never calls it. <c>FINISH</c> stands for the user's finish method.
    /// </summary>
    private const string I915Userptr = """
        using System.Threading;
        using IntervalNotifiers;

        sealed class Fence
        {
            public bool Signaled;

            public void Wait() => Signaled = true;
        }

        sealed class I915UserptrFinish : NotifierFinish
        {
            public I915UserptrFinish(Fence fence) => Fence = fence;

            public Fence Fence { get; }
        }

        sealed class {|NTF001:I915UserptrOps|} : IntervalNotifierOps
        {
            private readonly ReaderWriterLockSlim _notifierLock = new ReaderWriterLockSlim();
            public int Waited;

            public override bool InvalidateStart(IntervalNotifier mni, in NotifierRange range, ulong cur_seq,
                                                 out NotifierFinish? finish)
            {
                finish = null;
                if (!range.IsBlockable)
                {
                    return false;
                }

                _notifierLock.EnterWriteLock();
                try
                {
                    mni.SetSequence(cur_seq);
                }
                finally
                {
                    _notifierLock.ExitWriteLock();
                }

                finish = new I915UserptrFinish(new Fence());
                return true;
            }

            /// <summary>Second pass: wait for the GPU to be done with the pages.</summary>
            FINISH
        }

        public static class Program
        {
            public static string Run()
            {
                var ops = new I915UserptrOps();
                var space = new AddressSpace();
                new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                for (var i = 0; i < 3; i++)
                {
                    var range = new NotifierRange(0x1000, 0x2000);
                    space.InvalidateRangeStart(range);
                    space.InvalidateRangeEnd(range);
                }

                return ops.Waited + " waited";
            }
        }
        """;

    /// <summary>The user's finish methods that can become the override, and what each becomes.</summary>
    public static TheoryData<string, string> OverridableFinishes => new()
    {
        // i915 as written: public, the right signature, 'override' forgotten (CS0114)
        {
            """
            public void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (I915UserptrFinish)finish;
                    f.Fence.Wait();
                    Waited++;
                }
            """,
            """
            public override void InvalidateFinish(NotifierFinish finish)
                {
                    var f = (I915UserptrFinish)finish;
                    f.Fence.Wait();
                    Waited++;
                }
            """
        },
        // 'new' to silence the warning, and a parameter renamed
        {
            "public new void InvalidateFinish(NotifierFinish f) { ((I915UserptrFinish)f).Fence.Wait(); Waited++; }",
            "public override void InvalidateFinish(NotifierFinish f) { ((I915UserptrFinish)f).Fence.Wait(); Waited++; }"
        },
        // no accessibility (private), expression-bodied
        {
            "void InvalidateFinish(NotifierFinish finish) => Waited += ((I915UserptrFinish)finish).Fence is null ? 0 : 1;",
            "public override void InvalidateFinish(NotifierFinish finish) => Waited += ((I915UserptrFinish)finish).Fence is null ? 0 : 1;"
        },
        // internal, with an 'in' the callback does not have
        {
            "internal void InvalidateFinish(in NotifierFinish finish) { Waited++; }",
            "public override void InvalidateFinish(NotifierFinish finish) { Waited++; }"
        },
    };

    [Theory]
    [MemberData(nameof(OverridableFinishes))]
    public async Task AFinishWrittenWithoutOverride_BecomesTheOverride_ItsBodyKept_AndTheProgramRunsIt(string written, string fixedMethod)
    {
        // Before: the fix added a second 'override InvalidateFinish' with the same signature, CS0111.
        var source = I915Userptr.Replace("FINISH", written);
        var fixedSource = I915Userptr.Replace("{|NTF001:I915UserptrOps|}", "I915UserptrOps").Replace("FINISH", fixedMethod);
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        Assert.Equal("3 waited", FixHarness.Run(fixedSource));
        var left = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource));
        Assert.True(left.IsEmpty, string.Join("\n", left));
    }

    [Fact]
    public async Task AVirtualFinishWithoutOverride_OverriddenBelow_BecomesTheOverride_AndTheDerivedFinishStillRuns()
    {
        // The user's 'virtual' (a new slot that hides the callback) is overridden by a derived driver: both types get
        // NTF001; making the base's method the override fixes both, and the derived override then overrides it.
        var source = I915Userptr.Replace("sealed class {|NTF001:I915UserptrOps|}", "class {|NTF001:I915UserptrOps|}")
                                .Replace("FINISH", "public virtual void InvalidateFinish(NotifierFinish finish) { Waited++; }")
                                .Replace("var ops = new I915UserptrOps();", "var ops = new I915GenOps();")
                                + """

            sealed class {|NTF001:I915GenOps|} : I915UserptrOps
            {
                public override void InvalidateFinish(NotifierFinish finish)
                {
                    base.InvalidateFinish(finish);
                    Waited += 10;
                }
            }
            """;
        var fixedSource = source.Replace("{|NTF001:I915UserptrOps|}", "I915UserptrOps").Replace("{|NTF001:I915GenOps|}", "I915GenOps")
                                .Replace("public virtual void InvalidateFinish", "public override void InvalidateFinish");
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF001AddInvalidateFinishCodeFix.AddInvalidateFinishKey);

        Assert.Equal("33 waited", FixHarness.Run(fixedSource));
        Assert.Empty(await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(fixedSource)));
    }

    [Fact]
    public async Task DotnetFormat_OnTheI915Shape_MakesTheUsersFinishTheOverride_AndTheProgramCompilesAndRuns()
    {
        var source = I915Userptr.Replace("{|NTF001:I915UserptrOps|}", "I915UserptrOps")
                                .Replace("FINISH", "public void InvalidateFinish(NotifierFinish finish) { ((I915UserptrFinish)finish).Fence.Wait(); Waited++; }");
        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(FixHarness.CreateProject(source));
        Assert.Empty(noFixAll);
        var text = Assert.Single(await FixHarness.TextsAsync(fixedProject));
        Assert.Single(Regex.Matches(text, "void InvalidateFinish\\("));
        Assert.Contains("public override void InvalidateFinish(NotifierFinish finish) { ((I915UserptrFinish)finish).Fence.Wait(); Waited++; }", text);
        Assert.Equal("3 waited", FixHarness.Run(text));
        Assert.Empty(await FixHarness.DiagnosticsAsync(fixedProject));
    }

    /// <summary>Members named InvalidateFinish that cannot become the override: no "add InvalidateFinish" (it would clash).</summary>
    public static TheoryData<string> ClashingFinishes => new()
    {
        // the finish's own type as the parameter: another signature
        "public void InvalidateFinish(I915UserptrFinish finish) { finish.Fence.Wait(); Waited++; }",
        // static
        "public static void InvalidateFinish(NotifierFinish finish) { }",
        // generic
        "public void InvalidateFinish<T>(NotifierFinish finish) { Waited++; }",
        // returns a value
        "public bool InvalidateFinish(NotifierFinish finish) { Waited++; return true; }",
        // by ref
        "public void InvalidateFinish(ref NotifierFinish finish) { Waited++; }",
        // a property
        "public int InvalidateFinish => Waited;",
        // two overloads: the user decides which one is the callback
        "public void InvalidateFinish(NotifierFinish finish) { Waited++; } public void InvalidateFinish(NotifierFinish finish, int why) { }",
    };

    [Theory]
    [MemberData(nameof(ClashingFinishes))]
    public Task AMemberNamedInvalidateFinish_ThatCannotBecomeTheOverride_GetsNoAddInvalidateFinishFix(string member)
        => VerifyFix.NoCodeFixAsync(I915Userptr.Replace("FINISH", member));

    [Fact]
    public Task AFinishWithoutOverride_InAnAbstractBase_GetsNoAddInvalidateFinishFix_ThatWouldNotCompile()
        // An override in the derived type would find the base's non-virtual method (CS0506).
        => VerifyFix.NoCodeFixAsync(I915Userptr.Replace("FINISH", "")
                                               .Replace("sealed class {|NTF001:I915UserptrOps|} : IntervalNotifierOps",
                                                        """
                                                        abstract class UserptrBase : IntervalNotifierOps
                                                        {
                                                            public void InvalidateFinish(NotifierFinish finish) { }
                                                        }

                                                        sealed class {|NTF001:I915UserptrOps|} : UserptrBase
                                                        """));

    [Fact]
    public Task AFinishWhoseMethodGroupIsUsed_KeepsItsIn_SoNoFix()
        // Dropping 'in' would break the delegate made from it: the user decides.
        => VerifyFix.NoCodeFixAsync(I915Userptr.Replace("FINISH", """
            public void InvalidateFinish(in NotifierFinish finish) { Waited++; }

                public InFinish AsDelegate() => InvalidateFinish;

                public delegate void InFinish(in NotifierFinish finish);
            """));

    [Fact]
    public async Task AStartThatNeverHandsOutAFinish_BesideAnInvalidateWithoutOverride_IsNotTurnedIntoASecondInvalidate()
    {
        // Turning the start into Invalidate would clash with the user's Invalidate (CS0111): not offered; the loud
        // InvalidateFinish is (it clashes with nothing).
        var source = EtnaUserptr.Replace("public object MmuLock => _mmuLock;", """
            public object MmuLock => _mmuLock;

                public bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
            """);
        await VerifyFix.NoCodeFixAsync(source, NTF001AddInvalidateFinishCodeFix.StartToInvalidateKey);
        var (fixedProject, _) = await FixHarness.FormatLikeDotnetFormatAsync(
            FixHarness.CreateProject(source.Replace("{|NTF001:EtnaOps|}", "EtnaOps")), new[] { "NTF001" });
        var text = Assert.Single(await FixHarness.TextsAsync(fixedProject));
        Assert.Contains("public override void InvalidateFinish(NotifierFinish finish)", text);
        Assert.Contains("NotImplementedException", text);
        Assert.Single(Regex.Matches(text, "bool Invalidate\\("));
    }
}
