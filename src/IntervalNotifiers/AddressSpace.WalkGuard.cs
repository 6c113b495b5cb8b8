using System;
using System.Runtime.CompilerServices;

namespace IntervalNotifiers;

// Which walks run on this thread: the stand-in for the kernel's lockdep map __mmu_notifier_invalidate_range_start_map,
// which mmu_interval_read_begin and mmu_interval_notifier_remove take so that lockdep reports a call from inside an
// invalidate callback (a deadlock). Here such a call throws instead (docs/rules/NTF011.md). Each walk also remembers
// its range, so that a contract violation found outside the walk's own code (SetSequence) is reported with it, and
// the ranges its callbacks started, so that a callback ends only those (in the kernel each range is its caller's
// on-stack struct mmu_notifier_range, so an end always names its own start).
public sealed partial class AddressSpace
{
    /// <summary>
    /// The walks running on this thread; null until the thread's first walk. One thread-static reference, read once
    /// per range start or end: every other step of the bookkeeping goes through the object (a thread-static access
    /// costs a call on some platforms, an object field does not).
    /// </summary>
    [ThreadStatic]
    private static ThreadWalks? t_walks;

    /// <summary>The walks of this thread, created by its first range start (one small allocation per thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ThreadWalks WalksOfThisThread() => t_walks ?? CreateWalksOfThisThread();

    private static ThreadWalks CreateWalksOfThisThread() => t_walks = new ThreadWalks();

    /// <summary>Finds the innermost walk of this address space on this thread, at any depth.</summary>
    private bool TryFindWalkOnThisThread(out ThreadWalks? walks, out int index)
    {
        walks = t_walks;
        index = -1;
        return walks != null && walks.TryFind(this, out index);
    }

    /// <summary>Whether a walk of this address space (callbacks included) runs on this thread, at any depth.</summary>
    private bool IsWalkingOnThisThread() => TryFindWalkOnThisThread(out _, out _);

    private void ThrowIfInsideWalk(string member, string why)
    {
        if (IsWalkingOnThisThread())
        {
            throw new InvalidOperationException(
                $"{member} was called from a callback of an invalidation of the same address space ({why}): " +
                "this would deadlock. Call it outside the ops callbacks.");
        }
    }

    /// <summary>
    /// The walks running on one thread, outermost first (walks nest when a callback invalidates a range of this or
    /// another address space). Walks nest strictly, so this is a stack.
    /// </summary>
    private sealed class ThreadWalks
    {
        private WalkFrame[] _frames = new WalkFrame[4];
        private int _depth;

        /// <summary>Whether no walk runs on the thread.</summary>
        public bool IsEmpty => _depth == 0;

        /// <summary>Makes room for one more walk, so that <see cref="Enter"/> cannot fail after the walk has changed
        /// the address space (allocates only when walks nest deeper than ever before on this thread).</summary>
        public void EnsureRoomForOneMore()
        {
            if (_depth == _frames.Length)
            {
                Array.Resize(ref _frames, _frames.Length * 2);
            }
        }

        /// <summary>Records that a walk of <paramref name="space"/> over <paramref name="range"/> runs on the thread
        /// (room ensured beforehand).</summary>
        public void Enter(AddressSpace space, in NotifierRange range)
        {
            ref WalkFrame frame = ref _frames[_depth];
            frame.Space = space;
            frame.Range = range;
            frame.OwnedRanges = 0;
            _depth++;
        }

        /// <summary>Undoes the innermost <see cref="Enter"/>.</summary>
        /// <returns>How many ranges the walk's callbacks started and left active (they end them themselves when they
        /// follow the contract: usually 0).</returns>
        public int Exit()
        {
            ref WalkFrame frame = ref _frames[--_depth];
            int leftOver = frame.OwnedRanges;
            frame = default;
            return leftOver;
        }

        /// <summary>Finds the innermost walk of <paramref name="space"/>.</summary>
        public bool TryFind(AddressSpace space, out int index)
        {
            for (int i = _depth - 1; i >= 0; i--)
            {
                if (_frames[i].Space == space)
                {
                    index = i;
                    return true;
                }
            }

            index = -1;
            return false;
        }

        /// <summary>The walk <see cref="TryFind"/> found (valid until the next <see cref="EnsureRoomForOneMore"/>).</summary>
        public ref WalkFrame At(int index) => ref _frames[index];
    }

    /// <summary>
    /// One walk running on a thread: its address space, its range, and the ranges of the same address space that its
    /// callbacks started and have not ended yet (the identity that lets <see cref="InvalidateRangeEnd"/> tell a
    /// callback's legitimate end of its own nested range from a stray end of the walk's range or of someone else's).
    /// </summary>
    private struct WalkFrame
    {
        /// <summary>The address space walked; null for "no walk".</summary>
        public AddressSpace? Space;

        /// <summary>The range of the walk (what its callbacks receive).</summary>
        public NotifierRange Range;

        /// <summary>Active ranges of <see cref="Space"/> that callbacks of this walk started and still own.</summary>
        public int OwnedRanges;
    }
}
