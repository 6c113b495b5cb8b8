using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>NTF010, case 1 (docs/rules/NTF010.md): a ReadRetry whose method runs the whole read side itself.</summary>
internal static class SelfContainedRetry
{
    /// <summary>
    /// Whether the sequence argument of <paramref name="readRetry"/> is a local of the same function that
    /// this function fills from <c>ReadBegin</c>: the function runs the whole read side itself, so no
    /// caller can be holding the lock for it.
    /// </summary>
    public static bool Is(NotifierTypes types, IInvocationOperation readRetry)
    {
        IOperation? argument = null;
        foreach (var candidate in readRetry.Arguments)
        {
            if (candidate.Parameter?.Ordinal == 0)
            {
                argument = candidate.Value;
            }
        }

        if (ReadSideOperations.StripConversions(argument) is not ILocalReferenceOperation reference)
        {
            return false;
        }

        var (declarator, references) = ReadSideOperations.LocalUses(ReadSideOperations.Root(readRetry), reference.Local);
        if (declarator is null || !ReferenceEquals(OperationFacts.FunctionOf(declarator), OperationFacts.FunctionOf(readRetry)))
        {
            return false;
        }

        if (ReadSideOperations.IsReadBeginCall(types, declarator.Initializer?.Value))
        {
            return true;
        }

        foreach (var other in references)
        {
            if (other.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, other)
                && ReadSideOperations.IsReadBeginCall(types, assignment.Value)
                && ReferenceEquals(OperationFacts.FunctionOf(assignment), OperationFacts.FunctionOf(readRetry)))
            {
                return true;
            }
        }

        return false;
    }
}
