using System.Threading;
using IntervalNotifiers;

namespace MultiDevice.Driver;

/// <summary>
/// One device's mirror of a range of the address space: the device's page tables map the range
/// (the "shadow PTEs" of a GPU's userptr or SVM range). Derived from <see cref="IntervalNotifier"/>
/// to carry the driver state, as a C driver embeds <c>struct mmu_interval_notifier</c>.
/// </summary>
public sealed class DeviceMirror : IntervalNotifier
{
    /// <summary>Creates a mirror of a range on <paramref name="device"/>; insert it to watch the range.</summary>
    public DeviceMirror(IntervalNotifierOps ops, SimulatedDevice device)
        : base(ops)
    {
        Device = device;
    }

    /// <summary>The device whose page tables mirror the range.</summary>
    public SimulatedDevice Device { get; }

    /// <summary>
    /// The driver lock: the invalidate callbacks hold it around <see cref="IntervalNotifier.SetSequence"/>,
    /// and <see cref="Populate"/> holds it around <see cref="IntervalNotifier.ReadRetry"/>.
    /// </summary>
    public Lock DriverLock { get; } = new();

    /// <summary>Whether the device's page tables map the range (guarded by <see cref="DriverLock"/>).</summary>
    public bool IsMapped { get; set; }

    /// <summary>
    /// The read side (the kernel's <c>mmu_interval_read_begin</c> / <c>read_retry</c> loop): look the
    /// pages up, then program the device under the driver lock unless an invalidation ran meanwhile.
    /// Never call it while holding <see cref="DriverLock"/>: <see cref="IntervalNotifier.ReadBegin"/> may wait
    /// for an invalidation whose callback takes that lock.
    /// </summary>
    public void Populate()
    {
        while (true)
        {
            ulong sequence = ReadBegin();

            // Here a real driver faults the pages in and pins them (hmm_range_fault); it may sleep.

            lock (DriverLock)
            {
                if (ReadRetry(sequence))
                {
                    continue; // an invalidation ran meanwhile: the pages looked up may be stale
                }

                IsMapped = true; // program the device's page tables
                return;
            }
        }
    }
}
