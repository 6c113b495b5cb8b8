using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// What NTF011 and NTF013 share: a call made in an ops callback (or in a helper that is part of one,
/// docs/contract.md#helpers-count-as-the-callback) that is, or reaches through source methods of any type, a runtime
/// method that waits for the invalidation in progress (docs/contract.md#calls-followed-through-source).
/// </summary>
public sealed partial class CallbackCallsAnalyzer
{
    /// <summary>
    /// Reports <paramref name="invocation"/> (not deferred, in an ops type) when it calls <c>Remove</c> or
    /// <c>ReadBegin</c>, or a followed source method that reaches one of them, from a callback. A call of a method
    /// that is itself judged as part of a callback (a callback, an in-callback helper) is not reported: the offending
    /// line inside it is (docs/contract.md#counting-and-place).
    /// </summary>
    private static void AnalyzeCallFromCallback(SymbolAnalysisContext context, TypeBodies bodies, MethodBody body,
                                                IInvocationOperation invocation)
    {
        var types = bodies.Types;
        var targets = SourceCalls.TargetOf(types, invocation.TargetMethod);
        IMethodSymbol? callee = null;
        if (targets == CallTargets.None)
        {
            callee = SourceCalls.FollowedTarget(invocation);
            if (callee is null || bodies.MembershipOf(callee) != CallbackKind.None)
            {
                return;
            }
        }

        var membership = bodies.MembershipOf(body.Owner);
        if (membership == CallbackKind.None)
        {
            return;
        }

        if (callee is not null)
        {
            targets = CallSummaries.For(context.Compilation, types).Reach(callee, context.CancellationToken);
        }

        if ((targets & CallTargets.Remove) != 0)
        {
            ReportRemove(context, invocation, membership);
        }

        if ((targets & CallTargets.ReadBegin) != 0)
        {
            ReportReadBegin(context, invocation, membership);
        }
    }

    /// <summary>The callback a diagnostic names: the start before <c>Invalidate</c> before the finish.</summary>
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
