using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF011 (docs/rules/NTF011.md): <c>Remove()</c> reached from an ops callback, directly or through source methods
/// (found by <see cref="AnalyzeCallFromCallback"/>).
/// </summary>
public sealed partial class CallbackCallsAnalyzer
{
    private static void ReportRemove(SymbolAnalysisContext context, IInvocationOperation invocation, CallbackKind membership)
        => context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF011, ReportLocation(invocation.Syntax),
                                                      CallbackName(membership)));
}
