using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
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
    /// Every operation of the tree <paramref name="operation"/> belongs to (its whole member body), in the order of
    /// <see cref="MethodBody.Walk"/>: the read side's per-site questions, without <c>DescendantsAndSelf</c>'s nested
    /// iterators. Walked afresh each time: keeping each walk for the compilation's life cost more in collections than
    /// the walks themselves (bench/README.md, "Issue 13, first pass").
    /// </summary>
    public static IOperation[] TreeOf(IOperation operation) => MethodBody.Walk(ImmutableArray.Create(Root(operation)));

    /// <summary>
    /// In one walk of <paramref name="root"/> (the root of a member's tree): the declarator of <paramref name="local"/> (null for a pattern variable,
    /// say) and the references to it.
    /// </summary>
    public static (IVariableDeclaratorOperation? Declarator, List<ILocalReferenceOperation> References) LocalUses(IOperation root, ILocalSymbol local)
    {
        _ = TryLocalUses(root, local, static _ => false, out var declarator, out var references);
        return (declarator, references);
    }

    /// <summary>
    /// <see cref="LocalUses"/>, stopping at the first reference for which <paramref name="stopAt"/> is true: false then, and
    /// <paramref name="declarator"/> and <paramref name="references"/> hold only what the walk saw before it.
    /// </summary>
    public static bool TryLocalUses(IOperation root, ILocalSymbol local, System.Func<ILocalReferenceOperation, bool> stopAt,
                                    out IVariableDeclaratorOperation? declarator, out List<ILocalReferenceOperation> references)
    {
        declarator = null;
        references = new List<ILocalReferenceOperation>();
        foreach (var operation in OperationTree.Of(root))
        {
            switch (operation.Kind)
            {
                case OperationKind.LocalReference when operation is ILocalReferenceOperation reference
                                                       && SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    if (stopAt(reference))
                    {
                        return false;
                    }

                    references.Add(reference);
                    break;
                case OperationKind.VariableDeclarator when declarator is null && operation is IVariableDeclaratorOperation candidate
                                                           && SymbolEqualityComparer.Default.Equals(candidate.Symbol, local):
                    declarator = candidate;
                    break;
            }
        }

        return true;
    }
}
