using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// The driver lock is a member of another object the ops type keeps for good (amdxdna's <c>_xdna.NotifierLock</c>: a
/// SemaphoreSlim property of the device, reached through a readonly field of the ops type). The two-pass start takes
/// it around its zap, then returns true; the finish (and the sync fallback) set the sequence under it. The fix sets the
/// sequence in the start's zap region (docs/rules/NTF008.md, "Code fix"), and the fixed program makes a reader that
/// checks between the two passes retry. When the holder may change, or the callback reaches the lock through two
/// holders, the lock is not provably the readers': no fix.
/// </summary>
public partial class NTF008AddSetSequenceCodeFixTests
{
    private const string XdnaTypes = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        public sealed class XdnaDev
        {
            public SemaphoreSlim NotifierLock { get; } = new(1, 1);
            public readonly ManualResetEventSlim Stopped = new(true);
            public readonly ManualResetEventSlim InFinish = new(false);
        }

        public sealed class XdnaUmap : IntervalNotifier
        {
            public XdnaUmap(IntervalNotifierOps ops) : base(ops) { }
            public bool Invalid;
        }

        public sealed class XdnaFinish : NotifierFinish
        {
            public XdnaUmap? Mapp;
            public ulong Seq;
        }

        """;

    /// <summary>amdxdna's start and finish; <paramref name="zap"/> is the start's region, <paramref name="ret"/> its last return.</summary>
    private static string XdnaOps(string zap, string ret, string holder = "private readonly XdnaDev _xdna;", string extra = "") => XdnaTypes + """
        public sealed class XdnaOps : IntervalNotifierOps
        {
            HOLDER
            private readonly NotifierFinishPool<XdnaFinish> _finishes = new(4);EXTRA

            public XdnaOps(XdnaDev xdna) => _xdna = xdna;

            public override bool InvalidateStart(IntervalNotifier mni, in NotifierRange range, ulong currentSequence,
                                                 out NotifierFinish? finish)
            {
                var mapp = (XdnaUmap)mni;
                finish = null;
                if (!_finishes.TryRent(out var f))
                {
                    return InvalidateSync(mapp, currentSequence);
                }

                finish = f;
                f.Mapp = mapp;
                f.Seq = currentSequence;

        ZAP

                if (!range.IsBlockable)
                {
                    return false;
                }

                RET
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (XdnaFinish)finish;
                try
                {
                    _xdna.InFinish.Set();
                    _xdna.Stopped.Wait(5000);
                    _xdna.NotifierLock.Wait();
                    try
                    {
                        f.Mapp!.SetSequence(f.Seq);
                    }
                    finally
                    {
                        _xdna.NotifierLock.Release();
                    }
                }
                finally
                {
                    f.Mapp = null;
                    _finishes.Return(f);
                }
            }

            private bool InvalidateSync(XdnaUmap mapp, ulong currentSequence)
            {
                _xdna.NotifierLock.Wait();
                try
                {
                    mapp.Invalid = true;
                    mapp.SetSequence(currentSequence);
                }
                finally
                {
                    _xdna.NotifierLock.Release();
                }

                return true;
            }
        }

        public sealed class XdnaReader
        {
            private readonly XdnaDev _xdna;
            private readonly XdnaUmap _mapp;
            public int Retries;
            public Action? BeforeCheck;
            public Action? AfterRetry;

            public XdnaReader(XdnaDev xdna, XdnaUmap mapp) { _xdna = xdna; _mapp = mapp; }

            public void Map()
            {
                while (true)
                {
                    var seq = _mapp.ReadBegin();
                    BeforeCheck?.Invoke();
                    _xdna.NotifierLock.Wait();
                    try
                    {
                        if (_mapp.ReadRetry(seq))
                        {
                            Retries++;
                            AfterRetry?.Invoke();
                            continue;
                        }

                        _mapp.Invalid = false;
                        return;
                    }
                    finally
                    {
                        _xdna.NotifierLock.Release();
                    }
                }
            }
        }
        """.Replace("HOLDER", holder).Replace("EXTRA", extra).Replace("ZAP", zap).Replace("RET", ret);

    private static string XdnaZap(string first = "", string holder = "_xdna") => """
                HOLDER.NotifierLock.Wait();
                try
                {
        FIRST            mapp.Invalid = true;
                }
                finally
                {
                    HOLDER.NotifierLock.Release();
                }
        """.Replace("FIRST", first).Replace("HOLDER", holder);

    private const string XdnaSet = "            mni.SetSequence(currentSequence);\n";

    /// <summary>
    /// A reader begins, then an invalidation runs its start and stops in its finish (the device has not stopped yet);
    /// the reader checks then. A correct program retries (the sequence moved in the start), lets the finish go on, and
    /// maps after the invalidation's end. Every wait bounded.
    /// </summary>
    private const string XdnaDriver = """
        using System.Threading.Tasks;
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var xdna = new XdnaDev();
                var ops = new XdnaOps(xdna);
                var space = new AddressSpace();
                var mapp = new XdnaUmap(ops);
                mapp.Insert(space, 0x1000, 0x1000);
                var reader = new XdnaReader(xdna, mapp);
                Task? invalidation = null;
                reader.BeforeCheck = () =>
                {
                    reader.BeforeCheck = null;
                    xdna.Stopped.Reset();
                    invalidation = Task.Run(() =>
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    });
                    xdna.InFinish.Wait(5000);
                };
                reader.AfterRetry = () => xdna.Stopped.Set();
                reader.Map();
                xdna.Stopped.Set();
                if (invalidation is null || !invalidation.Wait(5000))
                {
                    return "no invalidation, or it hung";
                }

                return "retries: " + reader.Retries;
            }
        }
        """;

    /// <summary>amdxdna's shape: the start's region gets the call; the unfixed program commits between the passes, the fixed one retries.</summary>
    [Fact]
    public async Task TheLockOfAnObjectTheOpsTypeKeeps_TheStartsZapRegionGetsTheCall_AndTheFixedProgramRetries()
    {
        var source = XdnaOps(XdnaZap(), "{|NTF008:return true;|}");
        var fixedSource = XdnaOps(XdnaZap(XdnaSet), "return true;");
        await VerifyFix(source, fixedSource);

        Assert.Equal("retries: 0", FixHarness.Run(Unmarked(source), XdnaDriver));
        Assert.Equal("retries: 1", FixHarness.Run(fixedSource, XdnaDriver));
    }

    /// <summary>The holder is a get-only auto-property, or a property returning the readonly field: kept for good too.</summary>
    [Theory]
    [InlineData("private XdnaDev _xdna { get; }")]
    [InlineData("private readonly XdnaDev _dev;\n    private XdnaDev _xdna => _dev;")]
    public Task TheHolderIsAGetOnlyProperty_TheZapRegionGetsTheCall(string holder)
    {
        var edit = holder.Contains("_dev;") ? (System.Func<string, string>)(text => text.Replace("=> _xdna = xdna;", "=> _dev = xdna;")) : text => text;
        return VerifyFix(edit(XdnaOps(XdnaZap(), "{|NTF008:return true;|}", holder)), edit(XdnaOps(XdnaZap(XdnaSet), "return true;", holder)));
    }

    /// <summary>
    /// A start that takes no lock before its return: the fix takes the lock through the holder, around a try/finally.
    /// </summary>
    [Fact]
    public async Task TheLockOfAnObjectTheOpsTypeKeeps_NoRegionBeforeTheReturn_IsTakenThroughTheHolder_AndTheFixedProgramRetries()
    {
        var source = XdnaOps("        mapp.Invalid = true;", "{|NTF008:return true;|}");
        var fixedSource = source.Replace("\n\n        {|NTF008:return true;|}", "\n" + """
                    _xdna.NotifierLock.Wait();
                    try
                    {
                        mni.SetSequence(currentSequence);
                    }
                    finally
                    {
                        _xdna.NotifierLock.Release();
                    }

                    return true;
            """);
        await VerifyFix(source, fixedSource);
        Assert.Equal("retries: 1", FixHarness.Run(fixedSource, XdnaDriver));
    }

    /// <summary>The holder field can be replaced: the lock the start would take is not provably the readers'. No fix.</summary>
    [Fact]
    public Task NoFix_TheHolderCanBeReplaced() => VerifyNoFix(
        XdnaOps(XdnaZap(), "{|NTF008:return true;|}", "private XdnaDev _xdna;",
                "\n    public void Rebind(XdnaDev other) => _xdna = other;"));

    /// <summary>The callback reaches a lock of the same member through two holders: which one the readers hold is not known. No fix.</summary>
    [Fact]
    public Task NoFix_TheCallbackReachesTheLockThroughTwoHolders() => VerifyNoFix(
        XdnaOps(XdnaZap(holder: "_other"), "{|NTF008:return true;|}", "private readonly XdnaDev _xdna;\n    private readonly XdnaDev _other = new XdnaDev();"));
}
