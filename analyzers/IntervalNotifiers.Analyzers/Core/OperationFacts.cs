using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>Small facts about operations shared by the analyzers.</summary>
internal static class OperationFacts
{
    /// <summary>The operation without the conversions around it.</summary>
    public static IOperation StripConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> sits inside a lambda or local function of the body it belongs to
    /// (code that runs when, and where, its delegate or function is invoked).
    /// </summary>
    public static bool IsInsideFunction(IOperation operation) => FunctionOf(operation) is not null;

    /// <summary>The innermost lambda or local function that contains <paramref name="operation"/>, or null for the member itself.</summary>
    public static IOperation? FunctionOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> runs later, where the analysis cannot see: inside a lambda, or inside a
    /// local function that is made into a delegate somewhere in its method. A local function that is only called
    /// counts as part of its method.
    /// </summary>
    public static bool IsDeferred(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation:
                    return true;
                case ILocalFunctionOperation localFunction when IsReferencedAsDelegate(localFunction):
                    return true;
            }
        }

        return false;
    }

    private static bool IsReferencedAsDelegate(ILocalFunctionOperation localFunction)
    {
        var root = (IOperation)localFunction;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IMethodReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.Symbol.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
