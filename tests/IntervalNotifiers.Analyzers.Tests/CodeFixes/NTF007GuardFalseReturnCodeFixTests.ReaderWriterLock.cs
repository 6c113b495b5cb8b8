using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<
    IntervalNotifiers.Analyzers.CallbackFlowAnalyzer, IntervalNotifiers.CodeFixes.NTF007GuardFalseReturnCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF007 on a failed <c>ReaderWriterLockSlim</c> try (<c>TryEnterWriteLock</c>, <c>TryEnterReadLock</c>,
/// <c>TryEnterUpgradeableReadLock</c>, int or <c>TimeSpan</c> timeout), tested directly or kept in a local: on a
/// blockable range the fix takes the lock blocking; each fixed program runs while another thread holds the lock.
/// </summary>
public partial class NTF007GuardFalseReturnCodeFixTests
{
    /// <summary>Another thread holds the page table's write lock.</summary>
    private static readonly string WriterHolds = Held("ops.PageTable.EnterWriteLock();", "ops.PageTable.ExitWriteLock();");

    /// <summary>A driver whose page table is guarded by a ReaderWriterLockSlim; its Invalidate body is BODY.</summary>
    private const string PageTableOps = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        sealed class DeviceOps : IntervalNotifierOps
        {
            public readonly ReaderWriterLockSlim PageTable = new ReaderWriterLockSlim();
            public int Zapped;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
        BODY
            }
        }
        """;

    private static string PageTable(string body) => PageTableOps.Replace("BODY", body.TrimEnd('\n'));

    [Fact]
    public async Task FailedTryEnterWriteLock_TakesTheWriteLockWhenBlockable_AndKeepsTheComments()
    {
        const string body = """
                    // Atomic context: the page table may be held by a fault.
                    if (!PageTable.TryEnterWriteLock(0)) // contended
                    {
                        RETURN // the core retries
                    }

                    try
                    {
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                    }
                    finally
                    {
                        PageTable.ExitWriteLock();
                    }

                    return true;
            """;
        const string fixedIf = """
                    // Atomic context: the page table may be held by a fault.
                    if (range.IsBlockable)
                    {
                        PageTable.EnterWriteLock();
                    }
                    else if (!PageTable.TryEnterWriteLock(0)) // contended
                    {
                        RETURN // the core retries
                    }
            """;
        var source = PageTable(body.Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = PageTable(body.Replace("""
                    // Atomic context: the page table may be held by a fault.
                    if (!PageTable.TryEnterWriteLock(0)) // contended
                    {
                        RETURN // the core retries
                    }
            """, fixedIf).Replace("RETURN", "return false;"));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, WriterHolds));
    }

    /// <summary>Each try form and timeout: the blocking enter of the same mode on a blockable range; the fixed program runs.</summary>
    [Theory]
    [InlineData("TryEnterWriteLock(TimeSpan.Zero)", "EnterWriteLock", "ExitWriteLock")]
    [InlineData("TryEnterWriteLock(5)", "EnterWriteLock", "ExitWriteLock")]
    [InlineData("TryEnterUpgradeableReadLock(0)", "EnterUpgradeableReadLock", "ExitUpgradeableReadLock")]
    [InlineData("TryEnterReadLock(TimeSpan.FromMilliseconds(1))", "EnterReadLock", "ExitReadLock")]
    public async Task FailedReaderWriterTry_EachMode_TakesThatModeWhenBlockable(string tryEnter, string enter, string exit)
    {
        const string body = """
                    if (!PageTable.TRY)
                        RETURN
                    notifier.SetSequence(currentSequence);
                    Zapped++;
                    PageTable.EXIT();
                    return true;
            """;
        var source = PageTable(body.Replace("TRY", tryEnter).Replace("EXIT", exit).Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = PageTable(body.Replace("TRY", tryEnter).Replace("EXIT", exit).Replace("RETURN", "return false;")
            .Replace("if (!PageTable.", "if (range.IsBlockable)\n        {\n            PageTable." + enter + "();\n        }\n        else if (!PageTable."));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, WriterHolds));
    }

    /// <summary>The try's result kept in a local: its timeout becomes infinite on a blockable range.</summary>
    [Theory]
    [InlineData("var ok = PageTable.TryEnterWriteLock(0);", "var ok = PageTable.TryEnterWriteLock(range.IsBlockable ? Timeout.Infinite : 0);", "ExitWriteLock")]
    [InlineData("bool ok = PageTable.TryEnterUpgradeableReadLock(TimeSpan.Zero); // fault path may hold it",
                "bool ok = PageTable.TryEnterUpgradeableReadLock(range.IsBlockable ? Timeout.InfiniteTimeSpan : TimeSpan.Zero); // fault path may hold it",
                "ExitUpgradeableReadLock")]
    [InlineData("var ok = PageTable.TryEnterReadLock(2);", "var ok = PageTable.TryEnterReadLock(range.IsBlockable ? Timeout.Infinite : 2);", "ExitReadLock")]
    public async Task ReaderWriterTryResultInALocal_WaitsForeverWhenBlockable(string trying, string waiting, string exit)
    {
        const string body = """
                    TRY
                    if (!ok)
                    {
                        RETURN
                    }

                    try
                    {
                        notifier.SetSequence(currentSequence);
                        Zapped++;
                        return true;
                    }
                    finally
                    {
                        PageTable.EXIT();
                    }
            """;
        var source = PageTable(body.Replace("TRY", trying).Replace("EXIT", exit).Replace("RETURN", "{|NTF007:return false;|}"));
        var fixedSource = PageTable(body.Replace("TRY", waiting).Replace("EXIT", exit).Replace("RETURN", "return false;"));
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        Assert.Equal(HeldOutcome, FixHarness.Run(fixedSource, WriterHolds));
    }

    /// <summary>
    /// A driver nobody tuned the fix for: a two-pass start that unmaps the range from a page table under a
    /// <c>ReaderWriterLockSlim</c>, failing on contention; a fault handler holds the read lock while it looks pages up. After the
    /// fix the blockable range waits for the fault, then unmaps every page of the range once.
    /// </summary>
    [Fact]
    public async Task RealisticPageTableDriver_UnmapsAfterTheFaultLetsGo()
    {
        const string ops = """
            using System.Collections.Generic;
            using System.Threading;
            using IntervalNotifiers;

            sealed class DeviceOps : IntervalNotifierOps
            {
                private readonly ReaderWriterLockSlim _ptLock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
                private readonly Dictionary<ulong, ulong> _pte = new Dictionary<ulong, ulong>();
                public int Zapped;

                public DeviceOps()
                {
                    for (ulong page = 0x1000; page < 0x2000; page += 0x100)
                    {
                        _pte[page] = page | 1;
                    }
                }

                public int Mapped => _pte.Count;

                // The fault handler looks pages up under the read lock.
                public void BeginFault() => _ptLock.EnterReadLock();

                public void EndFault() => _ptLock.ExitReadLock();

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = null;
                    var locked = _ptLock.TryEnterWriteLock(0);
                    if (!locked)
                        RETURN

                    try
                    {
                        notifier.SetSequence(currentSequence);
                        for (var page = range.Start & ~0xFFUL; page < range.End; page += 0x100)
                        {
                            _pte.Remove(page);
                        }

                        Interlocked.Increment(ref Zapped);
                    }
                    finally
                    {
                        _ptLock.ExitWriteLock();
                    }

                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                }
            }
            """;
        var source = ops.Replace("RETURN", "{|NTF007:return false;|}");
        var fixedSource = ops.Replace("RETURN", "return false;")
            .Replace("_ptLock.TryEnterWriteLock(0)", "_ptLock.TryEnterWriteLock(range.IsBlockable ? Timeout.Infinite : 0)");
        await VerifyFix(source, fixedSource, NTF007GuardFalseReturnCodeFix.TakeLockKey);

        var driver = Held("ops.BeginFault();", "ops.EndFault();")
            .Replace("\", while held \" + whileHeld", "\", while held \" + whileHeld + \", mapped \" + ops.Mapped");
        Assert.Equal(HeldOutcome + ", mapped 0", FixHarness.Run(fixedSource, driver));
    }

    /// <summary>A try the fix cannot make blocking (it is passed to a helper first): no fix, and not the guard either.</summary>
    [Fact]
    public Task ReaderWriterTryThroughAHelper_NoFix() => VerifyFlow.NoCodeFixAsync(PageTable("""
                var ok = Enter(PageTable);
                if (!ok)
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                PageTable.ExitWriteLock();
                return true;
            }

            private static bool Enter(ReaderWriterLockSlim rw)
            {
                return rw.TryEnterWriteLock(0);
        """));
}
