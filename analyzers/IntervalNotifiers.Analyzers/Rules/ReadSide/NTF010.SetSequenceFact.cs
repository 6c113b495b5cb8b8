using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>NTF010: a <c>SetSequence</c> call: the notifier types it may set, the type it sits in, the locks held there.</summary>
internal sealed class SetSequenceFact
{
    public SetSequenceFact(ImmutableArray<INamedTypeSymbol> notifierTypes, INamedTypeSymbol? opsType, LockState locks)
    {
        NotifierTypes = notifierTypes;
        OpsType = opsType;
        Locks = locks;
    }

    /// <summary>The derived notifier types the call is tied to; empty when none could be found (ties to every type).</summary>
    public ImmutableArray<INamedTypeSymbol> NotifierTypes { get; }

    public INamedTypeSymbol? OpsType { get; }

    public LockState Locks { get; }
}
