using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF006 on the operation tree, without a control-flow graph: a proof that <see cref="FinishOnFalseReturnFlow"/> would
/// report nothing, for structured code (a speed-up only; when it cannot prove it, the graph decides, and a test checks
/// on every test input and on generated callbacks that it never proves what the flow contradicts).
/// </summary>
/// <remarks>
/// The flow reports a return of a constant <c>false</c> where the finish's set of values holds "non-null". The tree
/// follows the statements in order with an upper bound of that set, two bits: "non-null" and "unknown" (from which a
/// null test or <c>TryRent</c> may make "non-null"). A write of the finish sets them from the value written (null:
/// neither; a call: unknown; <c>new</c>: non-null; anything else: both), an <c>out</c>/<c>ref</c> argument to
/// "unknown", a condition that may refine (a null test, a pattern, <c>TryRent</c>) turns "unknown" into both. Where
/// paths join the bits are united; a loop, a catch or a finally starts with its entry's bits and every bit a write
/// inside it may set. A return is safe when "non-null" is clear there or its value cannot be the constant
/// <c>false</c>. A <c>goto</c> leaves the question to the graph; a catch with an exception filter is a catch (its filter
/// is inside the catch clause whose writes the bound adds).
/// </remarks>
internal sealed class FinishOnFalseReturnTree : TreeFlow<byte>
{
    private const byte NonNull = 1;
    private const byte Unknown = 2;
    private const byte Both = NonNull | Unknown;

    private readonly NotifierTypes _types;
    private readonly IParameterSymbol _finish;

    private FinishOnFalseReturnTree(NotifierTypes types, IParameterSymbol finish)
    {
        _types = types;
        _finish = finish;
    }

    /// <summary>Whether the operation tree proves that no return of the start can be reported by NTF006.</summary>
    public static bool ProvesSilent(NotifierTypes types, MethodBody body, CallbackOperations operations, IParameterSymbol finish)
        => new FinishOnFalseReturnTree(types, finish).Run(body, operations, entry: 0); // an out parameter starts unassigned: null

    protected override byte Never => 0;

    protected override byte Join(byte a, byte b) => (byte)(a | b);

    protected override void Return(IReturnOperation returnOperation, byte bits)
    {
        if (returnOperation.ReturnedValue is not { } value)
        {
            return;
        }

        bits = Writes(value) ? Both : Region(bits, value);
        if ((bits & NonNull) != 0 && ReturnSites.MayYieldConstant(returnOperation, false))
        {
            GiveUp();
        }
    }

    protected override (byte WhenTrue, byte WhenFalse) Branch(byte bits, IOperation condition)
    {
        var after = Region(bits, condition);
        return (after, after);
    }

    /// <summary>
    /// An upper bound of the bits anywhere in or after <paramref name="operation"/> entered with <paramref name="bits"/>:
    /// what its writes may add, and "non-null" where a branch inside may refine an "unknown".
    /// </summary>
    protected override byte Region(byte bits, IOperation operation)
    {
        bits = (byte)(bits | SetsAnywhere(operation));
        return (bits & Unknown) != 0 && MayRefine(operation) ? Both : bits;
    }

    /// <summary>
    /// The bits after the statement or expression <paramref name="operation"/>: a plain write of the finish at its top
    /// (<c>finish = value;</c>) replaces them; any other write adds what it may set.
    /// </summary>
    protected override byte Evaluate(byte bits, IOperation operation)
    {
        var top = operation is IExpressionStatementOperation statement ? statement.Operation : operation;
        if (top is ISimpleAssignmentOperation assignment && FlowFacts.IsParameter(assignment.Target, _finish)
            && !Writes(assignment.Value) && !MayRefine(assignment.Value))
        {
            return ValueBits(assignment.Value);
        }

        return Region(bits, operation);
    }

    /// <summary>Every bit a write of the finish inside <paramref name="operation"/> may set (no lambda or local function can write an out parameter).</summary>
    private byte SetsAnywhere(IOperation operation)
    {
        // Without DescendantsAndSelf's iterator (speed only): the bits of the operation and of each of its operands.
        var bits = SetsHere(operation);
        foreach (var child in operation.ChildOperations)
        {
            bits |= SetsAnywhere(child);
        }

        return bits;
    }

    /// <summary>The bits that <paramref name="op"/> itself may set, when it writes the finish.</summary>
    private byte SetsHere(IOperation op) => op switch
    {
        ISimpleAssignmentOperation assignment when FlowFacts.IsParameter(assignment.Target, _finish) => ValueBits(assignment.Value),
        ICoalesceAssignmentOperation coalesce when FlowFacts.IsParameter(coalesce.Target, _finish) => Both,
        IDeconstructionAssignmentOperation deconstruction
            when deconstruction.Target.DescendantsAndSelf().Any(t => FlowFacts.IsParameter(t, _finish)) => Both,
        IArgumentOperation argument when FlowFacts.IsParameter(argument.Value, _finish)
            => argument.Parameter?.RefKind is RefKind.Out or RefKind.Ref ? Unknown : (byte)0,
        _ => 0,
    };

    /// <summary>Whether <paramref name="operation"/> writes the finish anywhere.</summary>
    private bool Writes(IOperation operation) => SetsAnywhere(operation) != 0 || ContainsWriteOfFinish(operation);

    private bool ContainsWriteOfFinish(IOperation operation)
    {
        if (operation is IAssignmentOperation assignment && FlowFacts.IsParameter(assignment.Target, _finish))
        {
            return true;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (ContainsWriteOfFinish(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The bits a value written to the finish may give it: null (or default) none; a call "unknown" (the flow tracks no
    /// call's result); <c>new</c> "non-null"; anything else (a local, a conditional, a capture) both.
    /// </summary>
    private static byte ValueBits(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        if (FlowFacts.IsNullConstant(value) || value is IDefaultValueOperation { ConstantValue.HasValue: true })
        {
            return 0;
        }

        return value switch
        {
            IInvocationOperation => Unknown,
            IObjectCreationOperation or ITypeParameterObjectCreationOperation => NonNull,
            _ => Both,
        };
    }

    /// <summary>
    /// Whether a branch inside <paramref name="operation"/> may refine a value of the finish (the flow refines on a
    /// <c>TryRent</c>, a comparison with null, and a pattern).
    /// </summary>
    private bool MayRefine(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation when _types.PoolTryRent is not null
                                                      && NotifierTypes.Is(invocation.TargetMethod, _types.PoolTryRent):
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals }:
            case IIsPatternOperation:
            case IPatternOperation:
            case ICaseClauseOperation:
                return true;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (MayRefine(child))
            {
                return true;
            }
        }

        return false;
    }
}
