using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF009 (docs/rules/NTF009.md): what becomes of a <c>ReadBegin()</c> result. It is unchecked when it is discarded, or kept in a
/// local (or simple copies of it) that is only written, compared, formatted or discarded inside the method.
/// Any other use (a field, a return, an argument of any call, a capture, a ref) may check it elsewhere.
/// </summary>
internal static class UncheckedReadBegin
{
    public static bool IsUnchecked(IInvocationOperation readBegin)
    {
        var value = ValueOf(readBegin);
        switch (value.Parent)
        {
            case IExpressionStatementOperation:
                return true;

            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, value)
                                                            && assignment.Parent is IExpressionStatementOperation:
                return assignment.Target switch
                {
                    IDiscardOperation => true,
                    ILocalReferenceOperation local => IsUncheckedLocal(local.Local, ReadSideOperations.Root(readBegin),
                                                                       new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)),
                    _ => false,
                };

            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return IsUncheckedLocal(declarator.Symbol, ReadSideOperations.Root(readBegin),
                                        new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default));

            default:
                return false;
        }
    }

    /// <summary>The operation that carries the value: the call, through conversions and a null-conditional access.</summary>
    private static IOperation ValueOf(IOperation operation)
    {
        var value = operation;
        while (true)
        {
            switch (value.Parent)
            {
                case IConversionOperation conversion:
                    value = conversion;
                    continue;
                case IConditionalAccessOperation access when ReferenceEquals(access.WhenNotNull, value):
                    value = access;
                    continue;
                default:
                    return value;
            }
        }
    }

    private static bool IsUncheckedLocal(ILocalSymbol local, IOperation root, HashSet<ILocalSymbol> visited)
    {
        if (local.IsRef || !visited.Add(local))
        {
            return !local.IsRef; // a cycle of copies adds nothing
        }

        // One walk of the member's tree. A reference whose value plainly leaves the method (an argument, a return, a
        // field: whatever the other references are, the local is then checked) settles the answer at once: in a checked
        // read side that is the ReadRetry(seq) after the ReadBegin, so the walk stops there. The other references are
        // judged after the walk, with the declarator's function.
        if (!ReadSideOperations.TryLocalUses(root, local, static reference => !IsWrite(reference) && ReadOf(reference, out _) == Read.Leaves,
                                             out var declarator, out var references)
            || declarator is null)
        {
            return false;
        }

        var function = OperationFacts.FunctionOf(declarator);
        foreach (var reference in references)
        {
            if (!ReferenceEquals(OperationFacts.FunctionOf(reference), function))
            {
                return false; // captured by a lambda or a local function
            }

            if (IsWrite(reference))
            {
                continue; // a write, not a read
            }

            if (!IsLocalRead(reference, root, visited))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWrite(ILocalReferenceOperation reference)
        => reference.Parent is ISimpleAssignmentOperation write && ReferenceEquals(write.Target, reference);

    /// <summary>What a read of the local does with the value: only inside the method, copied to another local, or out of it.</summary>
    private enum Read
    {
        Inside,
        Copied,
        Leaves,
    }

    private static Read ReadOf(IOperation reference, out ILocalSymbol? copy)
    {
        copy = null;
        var value = ValueOf(reference);
        switch (value.Parent)
        {
            case IBinaryOperation binary when IsComparison(binary.OperatorKind):
            case IIsPatternOperation pattern when ReferenceEquals(pattern.Value, value):
            case IInterpolationOperation:
                return Read.Inside;

            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, value)
                                                            && assignment.Parent is IExpressionStatementOperation:
                switch (assignment.Target)
                {
                    case IDiscardOperation:
                        return Read.Inside;
                    case ILocalReferenceOperation target:
                        copy = target.Local;
                        return Read.Copied;
                    default:
                        return Read.Leaves;
                }

            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                copy = declarator.Symbol;
                return Read.Copied;

            default:
                return Read.Leaves;
        }
    }

    /// <summary>Whether a read of the local uses the value only inside the method, never checking it.</summary>
    private static bool IsLocalRead(IOperation reference, IOperation root, HashSet<ILocalSymbol> visited)
        => ReadOf(reference, out var copy) switch
        {
            Read.Inside => true,
            Read.Copied => IsUncheckedLocal(copy!, root, visited),
            _ => false,
        };

    private static bool IsComparison(BinaryOperatorKind kind)
        => kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan
            or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
}
