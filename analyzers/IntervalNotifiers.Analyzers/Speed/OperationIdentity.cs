using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// Operations compared by reference: the driver hands every analyzer the same operation trees, so an operation is
/// a cheap key for what is computed about it once per compilation (a body's walk, a function's lock acquisitions).
/// </summary>
internal sealed class OperationIdentity : IEqualityComparer<IOperation>
{
    public static readonly OperationIdentity Instance = new();

    public bool Equals(IOperation? x, IOperation? y) => ReferenceEquals(x, y);

    public int GetHashCode(IOperation obj) => RuntimeHelpers.GetHashCode(obj);
}
