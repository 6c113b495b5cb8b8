using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010 (docs/rules/NTF010.md, "Which SetSequence lock applies"): the derived notifier types a call is tied to.
/// </summary>
internal static class SetSequenceTargets
{
    /// <summary>A notifier type derived from <c>IntervalNotifier</c> (not the base itself, not a type parameter), or null.</summary>
    public static INamedTypeSymbol? DerivedNotifierType(NotifierTypes types, ITypeSymbol? type)
        => type is INamedTypeSymbol named && types.IsNotifierType(named)
           && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, types.Notifier)
            ? named
            : null;

    /// <summary>
    /// The derived notifier types a SetSequence call is tied to: its receiver's static type, or, for a plain
    /// <c>IntervalNotifier</c> parameter or local, the types the method casts or matches it to.
    /// </summary>
    public static ImmutableArray<INamedTypeSymbol> Of(NotifierTypes types, IInvocationOperation invocation)
    {
        if (invocation.Instance is not { } receiver)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        if (DerivedNotifierType(types, receiver.Type) is { } direct)
        {
            return ImmutableArray.Create(direct);
        }

        var symbol = SymbolOf(receiver);
        if (symbol is null)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        var found = new List<INamedTypeSymbol>();
        void AddType(ITypeSymbol? type)
        {
            if (DerivedNotifierType(types, type) is { } derived && !found.Contains(derived, SymbolEqualityComparer.Default))
            {
                found.Add(derived);
            }
        }

        void AddPatternTypes(IOperation? pattern)
        {
            if (pattern is null)
            {
                return;
            }

            foreach (var operation in pattern.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IDeclarationPatternOperation declaration:
                        AddType(declaration.MatchedType);
                        break;
                    case ITypePatternOperation typePattern:
                        AddType(typePattern.MatchedType);
                        break;
                    case IRecursivePatternOperation recursive:
                        AddType(recursive.MatchedType);
                        break;
                }
            }
        }

        foreach (var operation in OperationTree.Of(invocation))
        {
            // The kind first (one call), then the one interface that kind has.
            switch (operation.Kind)
            {
                case OperationKind.Conversion when operation is IConversionOperation conversion && RefersTo(conversion.Operand, symbol):
                    AddType(conversion.Type);
                    break;
                case OperationKind.IsType when operation is IIsTypeOperation isType && RefersTo(isType.ValueOperand, symbol):
                    AddType(isType.TypeOperand);
                    break;
                case OperationKind.IsPattern when operation is IIsPatternOperation isPattern && RefersTo(isPattern.Value, symbol):
                    AddPatternTypes(isPattern.Pattern);
                    break;
                case OperationKind.SwitchExpression when operation is ISwitchExpressionOperation switchExpression
                                                         && RefersTo(switchExpression.Value, symbol):
                    foreach (var arm in switchExpression.Arms)
                    {
                        AddPatternTypes(arm.Pattern);
                    }

                    break;
                case OperationKind.Switch when operation is ISwitchOperation switchStatement && RefersTo(switchStatement.Value, symbol):
                    foreach (var section in switchStatement.Cases)
                    {
                        foreach (var clause in section.Clauses)
                        {
                            if (clause is IPatternCaseClauseOperation patternClause)
                            {
                                AddPatternTypes(patternClause.Pattern);
                            }
                        }
                    }

                    break;
            }
        }

        return found.ToImmutableArray();
    }

    private static ISymbol? SymbolOf(IOperation? operation) => ReadSideOperations.StripConversions(operation) switch
    {
        IParameterReferenceOperation parameter => parameter.Parameter,
        ILocalReferenceOperation local => local.Local,
        _ => null,
    };

    private static bool RefersTo(IOperation? operation, ISymbol symbol)
        => SymbolEqualityComparer.Default.Equals(SymbolOf(operation), symbol);
}
