using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// NTF010's text pre-filter (a speed-up only; the rule's answer does not depend on it): a type whose files never spell
/// <c>ReadRetry</c> nor <c>SetSequence</c> has no NTF010 site (the calls of its private helpers matter only around such a
/// site), so nothing is registered for it.
/// </summary>
internal sealed class RetryLockTextFilter
{
    private readonly SourceNames _names;

    private RetryLockTextFilter(SourceNames names) => _names = names;

    public static RetryLockTextFilter For(Compilation compilation) => new(SourceNames.For(compilation));

    public bool MayHaveSites(INamedTypeSymbol type, CancellationToken cancellationToken)
        => _names.MayName(type, SourceNames.ReadRetry | SourceNames.SetSequence, cancellationToken);
}
