namespace ValidCode.Hunt.Partial;

public sealed partial class SplitOps
{
    public override void InvalidateFinish(NotifierFinish finish)
    {
        var f = (SplitFinish)finish;
        Drain(f);
    }

    private static void Drain(SplitFinish f)
    {
        f.Target.Pending -= 1;
        f.Done = true;
    }
}
