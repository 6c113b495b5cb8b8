using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// The locals of <c>InvalidateFinish</c> that hold the finish it was given (the casts, type tests and copies that the
/// walk in <c>NTF014.FinishReturnWalk.cs</c> treats as the finish itself).
/// </summary>
internal sealed partial class FinishReturnWalk
{
    /// <summary>Locals that hold the finish: <c>var f = (PoolFinish)finish;</c>, <c>finish is PoolFinish f</c>, and copies of those.</summary>
    private void CollectCopies(IOperation[] operations)
    {
        bool added;
        do
        {
            added = false;
            foreach (var operation in operations)
            {
                ILocalSymbol? local = null;
                IOperation? value = null;
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator:
                        (local, value) = (declarator.Symbol, initial);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        (local, value) = (target.Local, assignment.Value);
                        break;
                    case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } declaration
                        when IsPatternAround(declaration) is { } pattern:
                        (local, value) = (declared, pattern.Value);
                        break;
                    case IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol declared } recursive
                        when IsPatternAround(recursive) is { } pattern:
                        (local, value) = (declared, pattern.Value);
                        break;
                }

                if (local is not null && value is not null && !_finish.Contains(local)
                    && FinishUses.SymbolOf(OperationFacts.StripConversions(value)) is { } source && _finish.Contains(source))
                {
                    _finish.Add(local);
                    added = true;
                }
            }
        }
        while (added);
    }

    /// <summary>The <c>is</c> test a top-level pattern (or one under <c>not</c>) belongs to: <c>finish is not PoolFinish f</c>.</summary>
    private static IIsPatternOperation? IsPatternAround(IPatternOperation pattern)
    {
        var parent = pattern.Parent;
        while (parent is INegatedPatternOperation)
        {
            parent = parent.Parent;
        }

        return parent as IIsPatternOperation;
    }

    private bool IsCopy(ILocalSymbol local) => _finish.Contains(local);
}
