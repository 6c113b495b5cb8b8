using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

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
    /// In one walk of <paramref name="root"/> (the root of a member's tree; its walk is shared, <see cref="Walks.OfTree"/>): the declarator of <paramref name="local"/> (null for a pattern variable,
    /// say) and the references to it.
    /// </summary>
    public static (IVariableDeclaratorOperation? Declarator, List<ILocalReferenceOperation> References) LocalUses(IOperation root, ILocalSymbol local)
    {
        IVariableDeclaratorOperation? declarator = null;
        var references = new List<ILocalReferenceOperation>();
        foreach (var operation in Walks.OfTree(root))
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
}
