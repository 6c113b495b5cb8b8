using System;

namespace IntervalNotifiers;

/// <summary>An interval notifier (the kernel's <c>struct mmu_interval_notifier</c>).</summary>
public class IntervalNotifier
{
    /// <summary>Creates a notifier with the given callbacks.</summary>
    public IntervalNotifier(IntervalNotifierOps ops) => Ops = ops ?? throw new ArgumentNullException(nameof(ops));

    /// <summary>The callbacks.</summary>
    public IntervalNotifierOps Ops { get; }

    /// <summary>The address space the notifier is inserted in, or null.</summary>
    public AddressSpace? AddressSpace => throw new NotImplementedException("runtime: in progress");

    /// <summary>First address (inclusive).</summary>
    public ulong Start => throw new NotImplementedException("runtime: in progress");

    /// <summary>Last address (inclusive).</summary>
    public ulong Last => throw new NotImplementedException("runtime: in progress");

    /// <summary>Inserts the notifier.</summary>
    public void Insert(AddressSpace space, ulong start, ulong length) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Removes the notifier.</summary>
    public void Remove() => throw new NotImplementedException("runtime: in progress");

    /// <summary>Begins a read-side critical section.</summary>
    public ulong ReadBegin() => throw new NotImplementedException("runtime: in progress");

    /// <summary>Whether the read must be retried.</summary>
    public bool ReadRetry(ulong sequence) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Lock-free retry hint.</summary>
    public bool CheckRetry(ulong sequence) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Sets the sequence from an invalidate callback.</summary>
    public void SetSequence(ulong currentSequence) => throw new NotImplementedException("runtime: in progress");
}
