using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.ReadSide;

/// <summary>Operation-tree helpers of the read-side rules (NTF009, NTF010).</summary>
internal static class ReadSideOperations
{
    /// <summary>Whether <paramref name="method"/> is the runtime's <c>IntervalNotifier.&lt;name&gt;</c> (any overload).</summary>
    public static bool IsNotifierMethod(NotifierTypes types, IMethodSymbol? method, string name)
        => method is not null && method.Name == name
           && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, types.Notifier);

    /// <summary>Whether <paramref name="operation"/> (conversions stripped) is a call of <c>ReadBegin</c>.</summary>
    public static bool IsReadBeginCall(NotifierTypes types, IOperation? operation)
        => StripConversions(operation) is IInvocationOperation invocation
           && IsNotifierMethod(types, invocation.TargetMethod, "ReadBegin");

    /// <summary><see cref="OperationFacts.StripConversions"/> for an operation that may be missing.</summary>
    public static IOperation? StripConversions(IOperation? operation)
        => operation is null ? null : OperationFacts.StripConversions(operation);

    /// <summary>The root of <paramref name="operation"/>'s tree: the whole member body.</summary>
    public static IOperation Root(IOperation operation)
    {
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root;
    }

    /// <summary>
    /// In one walk of <paramref name="root"/>: the declarator of <paramref name="local"/> (null for a pattern variable,
    /// say) and the references to it.
    /// </summary>
    public static (IVariableDeclaratorOperation? Declarator, List<ILocalReferenceOperation> References) LocalUses(IOperation root, ILocalSymbol local)
    {
        IVariableDeclaratorOperation? declarator = null;
        var references = new List<ILocalReferenceOperation>();
        foreach (var operation in root.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    references.Add(reference);
                    break;
                case IVariableDeclaratorOperation candidate when declarator is null
                                                                 && SymbolEqualityComparer.Default.Equals(candidate.Symbol, local):
                    declarator = candidate;
                    break;
            }
        }

        return (declarator, references);
    }

    /// <summary>
    /// Whether the sequence argument of <paramref name="readRetry"/> is a local of the same function that
    /// this function fills from <c>ReadBegin</c>: the function runs the whole read side itself, so no
    /// caller can be holding the lock for it.
    /// </summary>
    public static bool IsSelfContainedRetry(NotifierTypes types, IInvocationOperation readRetry)
    {
        IOperation? argument = null;
        foreach (var candidate in readRetry.Arguments)
        {
            if (candidate.Parameter?.Ordinal == 0)
            {
                argument = candidate.Value;
            }
        }

        if (StripConversions(argument) is not ILocalReferenceOperation reference)
        {
            return false;
        }

        var (declarator, references) = LocalUses(Root(readRetry), reference.Local);
        if (declarator is null || !ReferenceEquals(OperationFacts.FunctionOf(declarator), OperationFacts.FunctionOf(readRetry)))
        {
            return false;
        }

        if (IsReadBeginCall(types, declarator.Initializer?.Value))
        {
            return true;
        }

        foreach (var other in references)
        {
            if (other.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, other)
                && IsReadBeginCall(types, assignment.Value)
                && ReferenceEquals(OperationFacts.FunctionOf(assignment), OperationFacts.FunctionOf(readRetry)))
            {
                return true;
            }
        }

        return false;
    }
}
