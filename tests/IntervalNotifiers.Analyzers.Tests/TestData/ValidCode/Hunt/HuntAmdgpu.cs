// Valid code (hunt): an amdgpu/i915-style single-pass notifier. The callback takes the device's notifier lock
// (a property of the device), sets the sequence and waits for the buffer's fences; the command-submission path
// reads the sequence first, gets the user pages, and checks for a retry in a helper it calls under the same
// lock (as amdgpu_cs_submit calls the get-pages-done helper with the notifier lock held).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode.Hunt.Amdgpu
{
    public sealed class AmdgpuDevice
    {
        private readonly object _notifierLock = new object();

        public object NotifierLock => _notifierLock;

        public TimeSpan FenceTimeout { get; set; } = TimeSpan.FromSeconds(1);
    }

    public sealed class AmdgpuBo : IntervalNotifier
    {
        public AmdgpuBo(AmdgpuDevice device) : base(AmdgpuHmmOps.Instance)
        {
            Device = device;
        }

        public AmdgpuDevice Device { get; }

        public Task Fence = Task.CompletedTask;

        public ulong[] UserPages = Array.Empty<ulong>();

        public ulong Generation;
    }

    public sealed class AmdgpuHmmOps : NotifierOpsBase
    {
        public static readonly AmdgpuHmmOps Instance = new AmdgpuHmmOps();

        private AmdgpuHmmOps()
        {
        }

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            var bo = (AmdgpuBo)notifier;
            if (!range.IsBlockable)
            {
                return false;
            }

            lock (bo.Device.NotifierLock)
            {
                bo.SetSequence(currentSequence);
                bo.Generation = checked(bo.Generation + 1);
            }

            var timedOut = !bo.Fence.Wait(bo.Device.FenceTimeout);
            if (timedOut)
            {
                Console.Error.WriteLine("amdgpu: fence wait timed out");
            }

            return true;
        }
    }

    public sealed class AmdgpuCs
    {
        private readonly AmdgpuDevice _device;

        public AmdgpuCs(AmdgpuDevice device) => _device = device;

        public bool Submit(AmdgpuBo bo, Func<AmdgpuBo, ulong[]> getUserPages)
        {
            for (var attempt = 0; attempt < 16; attempt++)
            {
                ulong seq = bo.ReadBegin();
                var pages = getUserPages(bo);
                lock (_device.NotifierLock)
                {
                    if (!GetUserPagesDone(bo, seq))
                    {
                        continue;
                    }

                    bo.UserPages = pages;
                    return true;
                }
            }

            return false;
        }

        /// <summary>Called with the notifier lock held: true when the pages are still valid.</summary>
        private static bool GetUserPagesDone(AmdgpuBo bo, ulong seq) => !bo.ReadRetry(seq);
    }
}
