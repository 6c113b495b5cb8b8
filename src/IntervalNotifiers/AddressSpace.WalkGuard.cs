using System;

namespace IntervalNotifiers;

// Which walks run on this thread: the stand-in for the kernel's lockdep map __mmu_notifier_invalidate_range_start_map,
// which mmu_interval_read_begin and mmu_interval_notifier_remove take so that lockdep reports a call from inside an
// invalidate callback (a deadlock). Here such a call throws instead (docs/rules/NTF011.md). Each walk also remembers
// its range, so that a contract violation found outside the walk's own code (SetSequence) is reported with it, and
// the ranges its callbacks started, so that a callback ends only those (in the kernel each range is its caller's
// on-stack struct mmu_notifier_range, so an end always names its own start).
public sealed partial class AddressSpace
{
    /// <summary>The innermost walk (callbacks included) running on this thread; <c>Space</c> is null when none.</summary>
    [ThreadStatic]
    private static WalkFrame t_walk;

    /// <summary>
    /// The outer walks of this thread when walks nest (a callback that invalidates a range of this or another address
    /// space), outermost first; allocated by the first nested walk of a thread only.
    /// </summary>
    [ThreadStatic]
    private static WalkFrame[]? t_outerWalks;

    /// <summary>How many entries of <see cref="t_outerWalks"/> are in use.</summary>
    [ThreadStatic]
    private static int t_outerWalkCount;

    private static void EnsureOuterWalkCapacity()
    {
        WalkFrame[]? stack = t_outerWalks;
        if (stack == null || t_outerWalkCount == stack.Length)
        {
            Array.Resize(ref stack, stack == null ? 4 : stack.Length * 2);
            t_outerWalks = stack;
        }
    }

    /// <summary>Records that a walk of this address space over <paramref name="range"/> runs on this thread (capacity
    /// ensured beforehand).</summary>
    private void EnterWalk(in NotifierRange range)
    {
        if (t_walk.Space != null)
        {
            t_outerWalks![t_outerWalkCount++] = t_walk;
        }

        t_walk.Space = this;
        t_walk.Range = range;
        t_walk.OwnedRanges = 0;
    }

    /// <summary>Undoes the innermost <see cref="EnterWalk"/> of this thread (walks nest strictly).</summary>
    /// <returns>How many ranges the walk's callbacks started and left active (they end it themselves when they follow
    /// the contract: usually 0).</returns>
    private static int ExitWalk()
    {
        int leftOver = t_walk.OwnedRanges;
        int count = t_outerWalkCount;
        if (count == 0)
        {
            t_walk = default;
            return leftOver;
        }

        WalkFrame[] stack = t_outerWalks!;
        t_walk = stack[--count];
        stack[count] = default;
        t_outerWalkCount = count;
        return leftOver;
    }

    /// <summary>
    /// Finds the innermost walk of this address space on this thread, at any depth: -1 for the innermost walk of
    /// the thread, an index into <see cref="t_outerWalks"/> for an outer one.
    /// </summary>
    private bool TryFindWalkOnThisThread(out int index)
    {
        index = -1;
        if (t_walk.Space == this)
        {
            return true;
        }

        WalkFrame[]? stack = t_outerWalks;
        for (int i = t_outerWalkCount - 1; i >= 0; i--)
        {
            if (stack![i].Space == this)
            {
                index = i;
                return true;
            }
        }

        return false;
    }

    /// <summary>The walk <see cref="TryFindWalkOnThisThread"/> found.</summary>
    private static ref WalkFrame WalkAt(int index) => ref (index < 0 ? ref t_walk : ref t_outerWalks![index]);

    /// <summary>Whether a walk of this address space (callbacks included) runs on this thread, at any depth.</summary>
    private bool IsWalkingOnThisThread() => TryFindWalkOnThisThread(out _);

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
