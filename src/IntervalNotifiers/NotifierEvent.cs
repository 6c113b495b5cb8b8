namespace IntervalNotifiers;

/// <summary>
/// Why an address range is being invalidated (the kernel's <c>enum mmu_notifier_event</c>).
/// </summary>
public enum NotifierEvent
{
    /// <summary>The range is being unmapped (<c>MMU_NOTIFY_UNMAP</c>).</summary>
    Unmap,
    /// <summary>The page table entries are being cleared (<c>MMU_NOTIFY_CLEAR</c>).</summary>
    Clear,
    /// <summary>The protection of a whole VMA changes (<c>MMU_NOTIFY_PROTECTION_VMA</c>).</summary>
    ProtectionVma,
    /// <summary>The protection of a page changes (<c>MMU_NOTIFY_PROTECTION_PAGE</c>).</summary>
    ProtectionPage,
    /// <summary>The soft-dirty bit is being cleared (<c>MMU_NOTIFY_SOFT_DIRTY</c>).</summary>
    SoftDirty,
    /// <summary>The address space is being torn down (<c>MMU_NOTIFY_RELEASE</c>).</summary>
    Release,
    /// <summary>Pages are being migrated (<c>MMU_NOTIFY_MIGRATE</c>).</summary>
    Migrate,
    /// <summary>A device takes exclusive access to the range (<c>MMU_NOTIFY_EXCLUSIVE</c>).</summary>
    Exclusive,
}
