using System;
using System.Diagnostics.CodeAnalysis;

namespace IntervalNotifiers;

/// <summary>A fixed-capacity pool of finish objects.</summary>
public sealed class NotifierFinishPool<TFinish> where TFinish : NotifierFinish, new()
{
    /// <summary>Creates a pool.</summary>
    public NotifierFinishPool(int capacity) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Rents a finish, or returns false when the pool is empty.</summary>
    public bool TryRent([NotNullWhen(true)] out TFinish? finish) => throw new NotImplementedException("runtime: in progress");

    /// <summary>Returns a finish to the pool.</summary>
    public void Return(TFinish finish) => throw new NotImplementedException("runtime: in progress");
}
