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
    private static void RegisterReadRetryLock(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        var regions = new LockRegions(types.Notifier);
        var sites = new RetryLockSites();
        var aliases = new LockAliases(start.Compilation);
        var filter = RetryLockTextFilter.For(start.Compilation);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol type || !filter.MayHaveSites(type, symbolStart.CancellationToken))
            {
                return;
            }

            var typeSites = new TypeRetrySites(type, types, regions, sites);
            symbolStart.RegisterOperationAction(typeSites.OnInvocation, OperationKind.Invocation);
            symbolStart.RegisterOperationAction(typeSites.OnMethodReference, OperationKind.MethodReference);
            symbolStart.RegisterSymbolEndAction(typeSites.OnEnd);
        }, SymbolKind.NamedType);
        start.RegisterCompilationEndAction(end => sites.ReportDifferentLocks(end, aliases, types.Notifier));
    }
}
