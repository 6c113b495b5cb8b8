// Valid code (hunt): nouveau's SVM notifier. An exclusive-access invalidation that nouveau started itself
// (owner = the drm device) returns true at once, before any sequence update; every other event takes the svm
// mutex (a SemaphoreSlim), sets the sequence and zaps the GPU mappings. The fault path reads the sequence
// and retries under the same mutex, asynchronously.
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.Nouveau;

public sealed class NouveauDrm
{
    public readonly SemaphoreSlim SvmMutex = new(1, 1);
}

public sealed class NouveauSvmmRange : IntervalNotifier
{
    public NouveauSvmmRange(NouveauSvmmOps ops, NouveauDrm drm) : base(ops) => Drm = drm;

    public NouveauDrm Drm { get; }

    public int Zaps;

    public bool Mapped;
}

public sealed class NouveauSvmmOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var svmm = (NouveauSvmmRange)notifier;

        // Exclusive access that we requested ourselves: nothing to zap.
        if (range.Event == NotifierEvent.Exclusive && range.Owner == svmm.Drm)
        {
            return true;
        }

        if (range.IsBlockable)
        {
            svmm.Drm.SvmMutex.Wait();
        }
        else if (!svmm.Drm.SvmMutex.Wait(0))
        {
            return false;
        }

        try
        {
            svmm.SetSequence(currentSequence);
            svmm.Zaps += range.Event switch
            {
                NotifierEvent.Unmap or NotifierEvent.Release => 2,
                NotifierEvent.ProtectionVma or NotifierEvent.ProtectionPage => 1,
                _ => 1,
            };
            svmm.Mapped = false;
        }
        finally
        {
            svmm.Drm.SvmMutex.Release();
        }

        return true;
    }
}

public static class NouveauSvmFault
{
    public static async Task<int> FaultAsync(NouveauSvmmRange svmm, CancellationToken cancellationToken)
    {
        for (var tries = 0; ; tries++)
        {
            var seq = svmm.ReadBegin();
            await Task.Yield();
            await svmm.Drm.SvmMutex.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (svmm.ReadRetry(seq))
                {
                    continue;
                }

                svmm.Mapped = true;
                return tries;
            }
            finally
            {
                svmm.Drm.SvmMutex.Release();
            }
        }
    }
}
