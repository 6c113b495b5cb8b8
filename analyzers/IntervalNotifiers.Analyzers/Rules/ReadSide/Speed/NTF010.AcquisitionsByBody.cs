using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// NTF010's lock acquisitions gathered per type instead of by walking each body (a speed-up only): the operation actions
/// keep the calls that <see cref="LockRegions.MayAcquire"/> (a name test), and the type's end groups their acquisitions
/// by the member body they sit in, so that a site meets those of its own body.
/// </summary>
internal static class AcquisitionsByBody
{
    /// <summary>The acquisitions of <paramref name="mayAcquire"/> by the member body (root operation) they sit in; null when none.</summary>
    public static Dictionary<IOperation, List<LockAcquisition>>? Group(List<IInvocationOperation>? mayAcquire, LockRegions regions)
    {
        Dictionary<IOperation, List<LockAcquisition>>? byBody = null;
        if (mayAcquire is null)
        {
            return null;
        }

        foreach (var invocation in mayAcquire)
        {
            if (regions.Classify(invocation) is not { } acquisition)
            {
                continue;
            }

            byBody ??= new Dictionary<IOperation, List<LockAcquisition>>(OperationIdentity.Instance);
            var body = ReadSideOperations.Root(invocation);
            if (!byBody.TryGetValue(body, out var list))
            {
                byBody[body] = list = new List<LockAcquisition>();
            }

            list.Add(acquisition);
        }

        return byBody;
    }

    /// <summary>The acquisitions of the body <paramref name="site"/> sits in.</summary>
    public static IReadOnlyList<LockAcquisition> Of(Dictionary<IOperation, List<LockAcquisition>>? byBody, IOperation site)
        => byBody is not null && byBody.TryGetValue(ReadSideOperations.Root(site), out var list)
            ? list
            : System.Array.Empty<LockAcquisition>();
}
