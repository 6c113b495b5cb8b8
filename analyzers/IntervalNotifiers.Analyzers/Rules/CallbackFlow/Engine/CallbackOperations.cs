using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The operations of one callback body, with what the pre-filters look at picked out in one pass: the returns of
/// the callback itself (not of its lambdas and local functions), the invocations, the writes that may hand out a
/// finish, and whether the body has errors or a <c>goto</c>. The rules and their pre-filters read this, never the
/// body again.
/// </summary>
internal sealed class CallbackOperations
{
    public CallbackOperations(IReadOnlyList<IOperation> all)
    {
        All = all;
        foreach (var operation in all)
        {
            switch (operation)
            {
                case IInvalidOperation:
                    HasInvalid = true;
                    break;
                case IBranchOperation { BranchKind: BranchKind.GoTo }:
                    HasGoto = true;
                    break;
                case IReturnOperation returnOperation when !OperationFacts.IsInsideFunction(returnOperation):
                    Returns.Add(returnOperation);
                    break;
                case IInvocationOperation invocation:
                    Invocations.Add(invocation);
                    break;
                case ISimpleAssignmentOperation or IArgumentOperation or ICoalesceAssignmentOperation or IDeconstructionAssignmentOperation:
                    Writes.Add(operation);
                    break;
            }
        }
    }

    public IReadOnlyList<IOperation> All { get; }

    public bool HasInvalid { get; }

    public bool HasGoto { get; }

    public List<IReturnOperation> Returns { get; } = new();

    public List<IInvocationOperation> Invocations { get; } = new();

    public List<IOperation> Writes { get; } = new();

    /// <summary>Whether a return of the callback could yield the constant <paramref name="expected"/>.</summary>
    public bool MayReturnConstant(bool expected)
    {
        foreach (var returnOperation in Returns)
        {
            if (ReturnSites.MayYieldConstant(returnOperation, expected))
            {
                return true;
            }
        }

        return false;
    }
}
