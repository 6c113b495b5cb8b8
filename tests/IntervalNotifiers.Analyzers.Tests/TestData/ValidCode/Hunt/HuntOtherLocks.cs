// Valid code (hunt): drivers whose notifier lock is none of the lock types NTF010 names: a SpinLock (i915-style
// spinlock), a named Mutex, and a custom async lock taken with 'using (await ...)'. The rule cannot name them,
// so it must stay silent; each reader holds the same lock as its callback.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.OtherLocks;

public sealed class SpinRange : IntervalNotifier
{
    public SpinRange(SpinOps ops) : base(ops)
    {
    }

    public SpinLock Lock = new(enableThreadOwnerTracking: false);

    public int Pages;
}

public sealed class SpinOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var spin = (SpinRange)notifier;
        var taken = false;
        try
        {
            spin.Lock.Enter(ref taken);
            spin.SetSequence(currentSequence);
            spin.Pages = 0;
        }
        finally
        {
            if (taken)
            {
                spin.Lock.Exit();
            }
        }

        return true;
    }
}

public static class SpinReader
{
    public static int Read(SpinRange spin)
    {
        while (true)
        {
            var seq = spin.ReadBegin();
            var pages = spin.Pages;
            var taken = false;
            try
            {
                spin.Lock.Enter(ref taken);
                if (!spin.ReadRetry(seq))
                {
                    return pages;
                }
            }
            finally
            {
                if (taken)
                {
                    spin.Lock.Exit();
                }
            }
        }
    }
}

public sealed class MutexRange : IntervalNotifier
{
    public MutexRange(MutexOps ops) : base(ops)
    {
    }

    public readonly Mutex Mutex = new();
}

public sealed class MutexOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var m = (MutexRange)notifier;
        if (!m.Mutex.WaitOne(range.IsBlockable ? Timeout.Infinite : 0))
        {
            return false;
        }

        try
        {
            m.SetSequence(currentSequence);
        }
        finally
        {
            m.Mutex.ReleaseMutex();
        }

        return true;
    }
}

public static class MutexReader
{
    public static bool Valid(MutexRange m, ulong seq)
    {
        m.Mutex.WaitOne();
        try
        {
            return !m.ReadRetry(seq);
        }
        finally
        {
            m.Mutex.ReleaseMutex();
        }
    }

    public static bool Fault(MutexRange m)
    {
        var seq = m.ReadBegin();
        m.Mutex.WaitOne();
        try
        {
            return !m.ReadRetry(seq);
        }
        finally
        {
            m.Mutex.ReleaseMutex();
        }
    }
}

public sealed class AsyncLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> LockAsync()
    {
        await _semaphore.WaitAsync().ConfigureAwait(false);
        return new Releaser(_semaphore);
    }

    public IDisposable Lock()
    {
        _semaphore.Wait();
        return new Releaser(_semaphore);
    }

    private sealed class Releaser : IDisposable
    {
        private readonly SemaphoreSlim _semaphore;

        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

        public void Dispose() => _semaphore.Release();
    }
}

public sealed class AsyncLockRange : IntervalNotifier
{
    public AsyncLockRange(AsyncLockOps ops) : base(ops)
    {
    }

    public AsyncLock Lock { get; } = new();
}

public sealed class AsyncLockOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        var r = (AsyncLockRange)notifier;
        using (r.Lock.Lock())
        {
            r.SetSequence(currentSequence);
        }

        return true;
    }
}

public static class AsyncLockReader
{
    public static async Task<bool> FaultAsync(AsyncLockRange r)
    {
        var seq = r.ReadBegin();
        using (await r.Lock.LockAsync().ConfigureAwait(false))
        {
            return !r.ReadRetry(seq);
        }
    }
}
