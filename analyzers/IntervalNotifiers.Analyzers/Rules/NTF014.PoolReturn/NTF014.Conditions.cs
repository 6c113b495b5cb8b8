using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>How NTF014 reads a condition (docs/rules/NTF014.md).</summary>
internal static class Conditions
{
    /// <summary>The test under any <c>!</c> and conversions, and whether an odd number of <c>!</c> negates it.</summary>
    public static IOperation Test(IOperation condition, out bool negated)
    {
        negated = false;
        var test = OperationFacts.StripConversions(condition);
        while (test is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            test = OperationFacts.StripConversions(not.Operand);
        }

        return test;
    }
}
