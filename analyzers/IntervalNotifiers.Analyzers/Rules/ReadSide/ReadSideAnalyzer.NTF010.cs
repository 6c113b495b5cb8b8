using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF010 (docs/rules/NTF010.md): ReadRetry outside any lock (judged per type, <see cref="TypeRetrySites"/>), or under
/// another lock than the one the ops type holds around SetSequence (judged over the compilation,
/// <see cref="RetryLockSites"/>).
/// </summary>
public sealed partial class ReadSideAnalyzer
{
    /// <summary>The compilation's NTF010 state: the lock regions and sites of every type, reported together at compilation end.</summary>
    private sealed class RetryLocks
    {
        private readonly NotifierTypes _types;
        private readonly LockRegions _regions;
        private readonly RetryLockSites _sites = new();
        private readonly RetryLockTextFilter _filter;
        private readonly LockAliases _aliases;

        public RetryLocks(Compilation compilation, NotifierTypes types)
        {
            _types = types;
            _regions = new LockRegions(types.Notifier);
            _filter = RetryLockTextFilter.For(compilation);
            _aliases = new LockAliases(compilation);
        }

        /// <summary>The compilation-end report: ReadRetry calls under another lock than their ops type's.</summary>
        public void ReportDifferentLocks(CompilationAnalysisContext end) => _sites.ReportDifferentLocks(end, _aliases, _types.Notifier);

        /// <summary>
        /// The collector of <paramref name="type"/>'s ReadRetry and SetSequence sites (its invocations, method references and
        /// symbol end go to it), or null when the type's text rules every site out.
        /// </summary>
        public TypeRetrySites? SitesOf(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
            => _filter.MayHaveSites(type, cancellationToken) ? new TypeRetrySites(type, _types, _regions, _sites) : null;
    }
}
