using System.Threading;

namespace ValidCode.Hunt.Partial;

public sealed class SplitNotifier : IntervalNotifier
{
    public SplitNotifier(SplitOps ops) : base(ops)
    {
    }

    public readonly Lock Gate = new();

    public int Pending;
}

public sealed class SplitFinish : NotifierFinish
{
    public SplitFinish(SplitNotifier target) => Target = target;

    public SplitNotifier Target { get; }

    public ulong Start;

    public ulong End;

    public bool Done;
}

public sealed partial class SplitOps
{
    private partial SplitFinish MakeFinish(SplitNotifier split, ulong start, ulong end)
    {
        split.Pending += 1;
        return new SplitFinish(split) { Start = start, End = end };
    }

    private partial void Invalidated(SplitNotifier split, ulong currentSequence)
    {
        using (split.Gate.EnterScope())
        {
            split.SetSequence(currentSequence);
        }
    }
}

public static class SplitReader
{
    public static int Pending(SplitNotifier split)
    {
        while (true)
        {
            var seq = split.ReadBegin();
            var pending = Volatile.Read(ref split.Pending);
            using (split.Gate.EnterScope())
            {
                if (!split.ReadRetry(seq))
                {
                    return pending;
                }
            }
        }
    }

    public static bool Stale(SplitNotifier split, ulong seq)
    {
        using var scope = split.Gate.EnterScope();
        return split.ReadRetry(seq);
    }

    public static bool StaleByEnterExit(SplitNotifier split, ulong seq)
    {
        split.Gate.Enter();
        try
        {
            return split.ReadRetry(seq);
        }
        finally
        {
            split.Gate.Exit();
        }
    }
}
