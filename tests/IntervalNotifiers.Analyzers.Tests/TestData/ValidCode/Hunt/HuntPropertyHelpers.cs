// Valid code (hunt): private properties used by the callbacks as helpers: a getter that makes the finish for
// the start, and one that reads the derived notifier's lock.
namespace ValidCode.Hunt.PropertyHelpers;

public sealed class PropRange : IntervalNotifier
{
    public PropRange(PropOps ops) : base(ops)
    {
    }

    public readonly object Lock = new();
}

public sealed class PropFinish : NotifierFinish
{
    public int Engine;
}

public sealed class PropOps : NotifierOpsBase
{
    private int _engine;

    private PropFinish Fresh => new() { Engine = _engine++ };

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        lock (((PropRange)notifier).Lock)
        {
            notifier.SetSequence(currentSequence);
        }

        finish = Fresh;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish) => ((PropFinish)finish).Engine = -1;
}
