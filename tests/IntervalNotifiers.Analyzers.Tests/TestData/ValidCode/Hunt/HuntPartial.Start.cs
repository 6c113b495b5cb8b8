// Valid code (hunt): a partial ops type split over three files. The start is here, the finish and the shared
// helpers in the others; two helpers are C# 9 partial methods with implementations in another part (one makes
// the finish, one sets the sequence under the lock).
namespace ValidCode.Hunt.Partial;

public sealed partial class SplitOps : NotifierOpsBase
{
    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        var split = (SplitNotifier)notifier;
        if (!range.IsBlockable)
        {
            finish = null;
            return false;
        }

        Invalidated(split, currentSequence);
        finish = MakeFinish(split, range.Start, range.End);
        return true;
    }

    private partial SplitFinish MakeFinish(SplitNotifier split, ulong start, ulong end);

    private partial void Invalidated(SplitNotifier split, ulong currentSequence);
}
