using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The operations of one callback body, with what the pre-filters look at picked out: the returns of the callback
/// itself (not of its lambdas and local functions), the invocations, the writes that may hand out a finish, and
/// whether the body has errors or a <c>goto</c>. The rules and their pre-filters read this, never the body again.
/// </summary>
/// <remarks>
/// Speed only: the constructor's one pass picks out what every callback needs (errors, <c>goto</c>, returns), by
/// <see cref="IOperation.Kind"/> rather than by interface tests; the invocations and the writes, which only some rules
/// read, are picked out on first use; <see cref="MayReturnConstant"/> is answered once per value. The answers are the
/// same as a fresh pass over <see cref="All"/> each time (the operation tree never changes).
/// </remarks>
internal sealed class CallbackOperations
{
    private static readonly IOperation[] NoOperations = new IOperation[0];

    private readonly IOperation[] _all;
    private List<IInvocationOperation>? _invocations;
    private List<IOperation>? _writes;
    private List<IOperation>? _localWrites;
    private bool? _mayReturnTrue;
    private bool? _mayReturnFalse;

    public CallbackOperations(IReadOnlyList<IOperation> all)
    {
        _all = all as IOperation[] ?? ToArray(all);
        foreach (var operation in _all)
        {
            switch (operation.Kind)
            {
                case OperationKind.Invalid:
                    HasInvalid = true;
                    break;
                case OperationKind.Branch when ((IBranchOperation)operation).BranchKind == BranchKind.GoTo:
                    HasGoto = true;
                    break;
                case OperationKind.Return or OperationKind.YieldReturn or OperationKind.YieldBreak
                    when operation is IReturnOperation returnOperation && !OperationFacts.IsInsideFunction(returnOperation):
                    Returns.Add(returnOperation);
                    break;
            }
        }
    }

    /// <summary>Every operation of the body (the shared walk: never write to it).</summary>
    public IOperation[] All => _all;

    public bool HasInvalid { get; }

    public bool HasGoto { get; }

    public List<IReturnOperation> Returns { get; } = new();

    /// <summary>Every invocation, in walk order.</summary>
    public List<IInvocationOperation> Invocations
        => _invocations ??= Pick<IInvocationOperation>(_all, static operation => operation.Kind == OperationKind.Invocation);

    /// <summary>Every simple, coalesce and deconstruction assignment and every argument, in walk order.</summary>
    public List<IOperation> Writes => _writes ??= Pick<IOperation>(_all, IsWrite);

    /// <summary>
    /// Every operation that may write a local, in walk order: variable declarators, simple and compound assignments to a
    /// local, deconstruction assignments, and <c>out</c> and <c>ref</c> arguments. A rule that looks for the writes of its
    /// locals reads these instead of every operation of the body.
    /// </summary>
    public List<IOperation> LocalWrites => _localWrites ??= Pick<IOperation>(_all, IsLocalWrite);

    /// <summary>Whether a return of the callback could yield the constant <paramref name="expected"/>.</summary>
    public bool MayReturnConstant(bool expected)
    {
        if (expected)
        {
            return _mayReturnTrue ??= AnyReturnMayYield(true);
        }

        return _mayReturnFalse ??= AnyReturnMayYield(false);
    }

    private bool AnyReturnMayYield(bool expected)
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

    /// <summary>The operations of <paramref name="all"/> that <paramref name="picks"/> accepts, in walk order.</summary>
    private static List<T> Pick<T>(IOperation[] all, System.Func<IOperation, bool> picks)
        where T : class, IOperation
    {
        var picked = new List<T>();
        foreach (var operation in all)
        {
            if (picks(operation))
            {
                picked.Add((T)operation);
            }
        }

        return picked;
    }

    private static bool IsWrite(IOperation operation)
        => operation.Kind is OperationKind.SimpleAssignment or OperationKind.Argument or OperationKind.CoalesceAssignment
               or OperationKind.DeconstructionAssignment;

    private static bool IsLocalWrite(IOperation operation) => operation.Kind switch
    {
        OperationKind.VariableDeclarator or OperationKind.DeconstructionAssignment => true,
        OperationKind.SimpleAssignment => ((ISimpleAssignmentOperation)operation).Target.Kind == OperationKind.LocalReference,
        OperationKind.CompoundAssignment => ((ICompoundAssignmentOperation)operation).Target.Kind == OperationKind.LocalReference,
        OperationKind.Argument => ((IArgumentOperation)operation).Parameter?.RefKind is RefKind.Out or RefKind.Ref,
        _ => false,
    };

    private static IOperation[] ToArray(IReadOnlyList<IOperation> all)
    {
        if (all.Count == 0)
        {
            return NoOperations;
        }

        var array = new IOperation[all.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = all[i];
        }

        return array;
    }
}
