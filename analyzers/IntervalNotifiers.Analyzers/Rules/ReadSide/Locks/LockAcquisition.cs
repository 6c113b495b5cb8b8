using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>An invocation that acquires <see cref="Key"/>, or (null key) looks like it acquires something unknown.</summary>
internal readonly struct LockAcquisition
{
    public LockAcquisition(IInvocationOperation invocation, LockKey? key)
    {
        Invocation = invocation;
        Key = key;
    }

    public IInvocationOperation Invocation { get; }

    public LockKey? Key { get; }
}
