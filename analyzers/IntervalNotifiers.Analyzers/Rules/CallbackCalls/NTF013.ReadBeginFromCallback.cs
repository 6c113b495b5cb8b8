using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF013 (docs/rules/NTF013.md): <c>ReadBegin()</c> reached from an ops callback, directly or through source methods
/// (found by <see cref="AnalyzeCallFromCallback"/>). <c>CheckRetry</c> and <c>ReadRetry</c> never wait and are not
/// targets.
/// </summary>
public sealed partial class CallbackCallsAnalyzer
{
    private static void ReportReadBegin(SymbolAnalysisContext context, IInvocationOperation invocation, CallbackKind membership)
        => context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF013, ReportLocation(invocation.Syntax),
                                                      CallbackName(membership)));
}
