// Valid code: a start and finish that move the finish around in tuples, structs, records, refs and sequences,
// all of them locals of the pass; what outlives the pass is data copied out of the finish.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers;

namespace ValidCode.LocalShapes;

public sealed class MigrateFinish : NotifierFinish
{
    public readonly ManualResetEventSlim Copied = new(false);
    public int Pages;
}

public readonly record struct MigrateStats(int Pages, bool Copied);

public struct MigrateStep
{
    public MigrateFinish? Finish;
    public int Pages;
}

public sealed class MigrateOps : IntervalNotifierOps
{
    private readonly object _lock = new();
    private readonly List<MigrateStats> _history = new();

    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                         out NotifierFinish? finish)
    {
        lock (_lock)
        {
            notifier.SetSequence(currentSequence);
        }

        var migrate = new MigrateFinish { Pages = (int)((range.End - range.Start) >> 12) };
        var (created, pages) = (migrate, migrate.Pages);
        MigrateStep step = default;
        step.Finish = created;
        step.Pages = pages;
        ThreadPool.QueueUserWorkItem(static done => ((ManualResetEventSlim)done!).Set(), step.Finish.Copied);
        finish = migrate;
        return true;
    }

    public override void InvalidateFinish(NotifierFinish finish)
    {
        var migrate = (MigrateFinish)finish;
        MigrateFinish? current = null;
        ref var slot = ref current;
        slot = migrate;
        foreach (var pending in Unfinished(migrate).ToList())
        {
            pending.Copied.Wait();
        }

        var stats = new MigrateStats(current!.Pages, current.Copied.IsSet);
        lock (_lock)
        {
            _history.Add(stats);
        }
    }

    private static IEnumerable<MigrateFinish> Unfinished(MigrateFinish finish)
    {
        if (!finish.Copied.IsSet)
        {
            yield return finish;
        }
    }
}
