using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>NTF010: a <c>ReadRetry</c> call under named locks, through a receiver of a derived notifier type.</summary>
internal sealed class ReadRetrySite
{
    public ReadRetrySite(Location location, INamedTypeSymbol notifierType, LockState locks)
    {
        Location = location;
        NotifierType = notifierType;
        Locks = locks;
    }

    public Location Location { get; }

    public INamedTypeSymbol NotifierType { get; }

    public LockState Locks { get; }
}
