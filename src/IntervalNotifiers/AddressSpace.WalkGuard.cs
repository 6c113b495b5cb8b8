using System;

namespace IntervalNotifiers;

// Which walks run on this thread: the stand-in for the kernel's lockdep map __mmu_notifier_invalidate_range_start_map,
// which mmu_interval_read_begin and mmu_interval_notifier_remove take so that lockdep reports a call from inside an
// invalidate callback (a deadlock). Here such a call throws instead. See docs/rules/NTF011.md.
public sealed partial class AddressSpace
{
    /// <summary>The address space whose walk (callbacks included) runs on this thread, innermost.</summary>
    [ThreadStatic]
    private static AddressSpace? t_walking;

    /// <summary>
    /// The outer walks of this thread when walks nest (a callback that invalidates a range of this or another address
    /// space), outermost first; allocated by the first nested walk of a thread only.
    /// </summary>
    [ThreadStatic]
    private static AddressSpace?[]? t_outerWalks;

    /// <summary>How many entries of <see cref="t_outerWalks"/> are in use.</summary>
    [ThreadStatic]
    private static int t_outerWalkCount;

    private static void EnsureOuterWalkCapacity()
    {
        AddressSpace?[]? stack = t_outerWalks;
        if (stack == null || t_outerWalkCount == stack.Length)
        {
            Array.Resize(ref stack, stack == null ? 4 : stack.Length * 2);
            t_outerWalks = stack;
        }
    }

    /// <summary>Records that a walk of this address space runs on this thread (capacity ensured beforehand).</summary>
    private void EnterWalk()
    {
        AddressSpace? outer = t_walking;
        if (outer != null)
        {
            t_outerWalks![t_outerWalkCount++] = outer;
        }

        t_walking = this;
    }

    /// <summary>Undoes the innermost <see cref="EnterWalk"/> of this thread (walks nest strictly).</summary>
    private static void ExitWalk()
    {
        int count = t_outerWalkCount;
        if (count == 0)
        {
            t_walking = null;
            return;
        }

        AddressSpace?[] stack = t_outerWalks!;
        t_walking = stack[--count];
        stack[count] = null;
        t_outerWalkCount = count;
    }

    /// <summary>Whether a walk of this address space (callbacks included) runs on this thread, at any depth.</summary>
    private bool IsWalkingOnThisThread()
    {
        if (t_walking == this)
        {
            return true;
        }

        AddressSpace?[]? stack = t_outerWalks;
        for (int i = t_outerWalkCount - 1; i >= 0; i--)
        {
            if (stack![i] == this)
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfInsideWalk(string member, string why)
    {
        if (IsWalkingOnThisThread())
        {
            throw new InvalidOperationException(
                $"{member} was called from a callback of an invalidation of the same address space ({why}): " +
                "this would deadlock. Call it outside the ops callbacks.");
        }
    }
}
