using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF011 (docs/rules/NTF011.md): <c>Remove()</c> called from an ops callback or one of its helpers.</summary>
public sealed partial class CallbackCallsAnalyzer
{
    private static void AnalyzeRemove(SymbolAnalysisContext context, TypeBodies bodies, MethodBody body,
                                      IInvocationOperation invocation)
    {
        var membership = bodies.MembershipOf(body.Owner);
        if (membership != CallbackKind.None)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF011, ReportLocation(invocation.Syntax),
                                                       CallbackName(membership)));
        }
    }

    private static string CallbackName(CallbackKind membership)
    {
        if ((membership & CallbackKind.InvalidateStart) != 0)
        {
            return NotifierTypes.NameOf(CallbackKind.InvalidateStart);
        }

        if ((membership & CallbackKind.Invalidate) != 0)
        {
            return NotifierTypes.NameOf(CallbackKind.Invalidate);
        }

        return NotifierTypes.NameOf(CallbackKind.InvalidateFinish);
    }
}
