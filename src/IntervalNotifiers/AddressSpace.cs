using System;

namespace IntervalNotifiers;

/// <summary>An address space with its interval notifiers (the kernel's <c>mm_struct</c> + <c>mmu_notifier_subscriptions</c>).</summary>
public sealed class AddressSpace
{
    /// <summary>Creates an empty address space.</summary>
    public AddressSpace()
    {
    }

    /// <summary>Starts invalidating a range.</summary>
    public bool InvalidateRangeStart(in NotifierRange range) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Ends invalidating a range.</summary>
    public void InvalidateRangeEnd(in NotifierRange range) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Tears the address space down.</summary>
    public void Release() => throw new NotImplementedException("runtime: in progress");
}
