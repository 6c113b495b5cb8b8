// Valid code: read sides under every kind of lock NTF010 knows, each the same lock as the one its ops type
// holds around SetSequence: Monitor.Enter/Exit, SemaphoreSlim Wait/WaitAsync ... Release, and a lock
// statement on a System.Threading.Lock. (ReaderWriterLockSlim: see PartialOps.*.cs; lock on an object:
// SinglePassMirror.cs.)
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers;

namespace ValidCode.ReadSides;

public sealed class MonitorRange : IntervalNotifier
{
    public MonitorRange(MonitorOps ops) : base(ops)
    {
    }

    public readonly object Sync = new();

    public int Version;
}

public sealed class MonitorOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var r = (MonitorRange)notifier;
        var taken = false;
        try
        {
            if (range.IsBlockable)
            {
                Monitor.Enter(r.Sync, ref taken);
            }
            else
            {
                Monitor.TryEnter(r.Sync, ref taken);
                if (!taken)
                {
                    return false;
                }
            }

            r.SetSequence(currentSequence);
            r.Version++;
        }
        finally
        {
            if (taken)
            {
                Monitor.Exit(r.Sync);
            }
        }

        return true;
    }
}

public static class MonitorReader
{
    public static int Read(MonitorRange r)
    {
        while (true)
        {
            var sequence = r.ReadBegin();
            var version = Volatile.Read(ref r.Version);
            var taken = false;
            try
            {
                Monitor.Enter(r.Sync, ref taken);
                if (!r.ReadRetry(sequence))
                {
                    return version;
                }
            }
            finally
            {
                if (taken)
                {
                    Monitor.Exit(r.Sync);
                }
            }
        }
    }
}

public sealed class SemaphoreRange : IntervalNotifier
{
    public SemaphoreRange(SemaphoreOps ops) : base(ops)
    {
    }

    public readonly SemaphoreSlim Gate = new(1, 1);

    public long Pages;
}

public sealed class SemaphoreOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var r = (SemaphoreRange)notifier;
        if (!range.IsBlockable)
        {
            return false;
        }

        r.Gate.Wait();
        try
        {
            r.SetSequence(currentSequence);
            r.Pages = 0;
        }
        finally
        {
            r.Gate.Release();
        }

        return true;
    }
}

public static class SemaphoreReader
{
    public static async Task<bool> CommitAsync(SemaphoreRange r, long pages, CancellationToken cancellationToken)
    {
        var sequence = r.ReadBegin();
        await r.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (r.ReadRetry(sequence))
            {
                return false;
            }

            r.Pages = pages;
            return true;
        }
        finally
        {
            r.Gate.Release();
        }
    }

    public static bool Commit(SemaphoreRange r, long pages)
    {
        var sequence = r.ReadBegin();
        r.Gate.Wait();
        try
        {
            if (r.ReadRetry(sequence))
            {
                return false;
            }

            r.Pages = pages;
            return true;
        }
        finally
        {
            r.Gate.Release();
        }
    }
}

public sealed class LockRange : IntervalNotifier
{
    public LockRange(LockOps ops) : base(ops)
    {
    }

    public Lock Guard { get; } = new();

    public int Mapped;
}

public sealed class LockOps : IntervalNotifierOps
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var r = (LockRange)notifier;
        if (!range.IsBlockable)
        {
            return false;
        }

        lock (r.Guard)
        {
            r.SetSequence(currentSequence);
            r.Mapped = 0;
        }

        return true;
    }
}

public static class LockReader
{
    public static bool Map(LockRange r)
    {
        var sequence = r.ReadBegin();
        lock (r.Guard)
        {
            if (r.ReadRetry(sequence))
            {
                return false;
            }

            r.Mapped = 1;
            return true;
        }
    }

    /// <summary>The sequence handed to the caller, which checks it later (NTF009 leaves it alone).</summary>
    public static ulong BeginMap(LockRange r) => r.ReadBegin();

    public static bool EndMap(LockRange r, ulong sequence)
    {
        lock (r.Guard)
        {
            return !r.ReadRetry(sequence);
        }
    }
}
