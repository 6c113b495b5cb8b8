using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Infrastructure;

/// <summary>Small facts about operations shared by the analyzers.</summary>
internal static class OperationFacts
{
    /// <summary>
    /// Whether <paramref name="operation"/> sits inside a lambda or local function of the body it belongs to
    /// (code that runs when, and where, its delegate or function is invoked).
    /// </summary>
    public static bool IsInsideFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }
}
