// Valid code: a partial ops type split across files, the start in this one, the finish in
// PartialOps.Finish.cs. The type as a whole defines both halves.
using IntervalNotifiers;

namespace ValidCode.Partial;

public sealed class HmmMirror : IntervalNotifier
{
    public HmmMirror(HmmMirrorOps ops) : base(ops)
    {
    }

    public readonly System.Threading.ReaderWriterLockSlim TableLock = new();

    public int Valid;
}

public sealed class HmmFinish : NotifierFinish
{
    public ulong Pages;
}

public sealed partial class HmmMirrorOps : IntervalNotifierOps
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var mirror = (HmmMirror)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        mirror.TableLock.EnterWriteLock();
        try
        {
            mirror.SetSequence(currentSequence);
            mirror.Valid = 0;
        }
        finally
        {
            mirror.TableLock.ExitWriteLock();
        }

        finish = new HmmFinish { Pages = (range.End - range.Start) >> 12 };
        return true;
    }
}
