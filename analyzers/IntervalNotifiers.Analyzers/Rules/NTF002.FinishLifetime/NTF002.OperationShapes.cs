using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>Shapes of operations that the NTF002 walks look through: conversions, conditionals, write targets.</summary>
internal static class OperationShapes
{
    /// <summary>The operation without the conversions and parentheses around it.</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>Climbs from a value through the operations that pass it on unchanged (conversions, ?:, ??).</summary>
    public static (IOperation? Consumer, IOperation Child) Climb(IOperation value)
    {
        var child = value;
        var parent = value.Parent;
        while (parent is not null)
        {
            switch (parent)
            {
                case IConversionOperation:
                case IParenthesizedOperation:
                case IDelegateCreationOperation:
                    break;
                case IConditionalOperation conditional when conditional.Condition != child:
                    break;
                case ICoalesceOperation:
                    break;
                case ISwitchExpressionArmOperation arm when arm.Value == child:
                    break;
                case ISwitchExpressionOperation switchExpression when switchExpression.Value != child:
                    break;
                case IArrayCreationOperation { IsImplicit: true }:
                case IArrayInitializerOperation { IsImplicit: true }:
                    // A params array: the consumer is the call.
                    break;
                default:
                    return (parent, child);
            }

            child = parent;
            parent = parent.Parent;
        }

        return (null, child);
    }

    /// <summary>Whether the reference is the target of a write (an assignment, a deconstruction, an <c>out</c> argument).</summary>
    public static bool IsWriteTarget(IOperation reference)
        => reference.Parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == reference,
            ICompoundAssignmentOperation assignment => assignment.Target == reference,
            ICoalesceAssignmentOperation assignment => assignment.Target == reference,
            IDeconstructionAssignmentOperation => true,
            IArgumentOperation { Parameter.RefKind: RefKind.Out } => true,
            _ => false,
        };

    /// <summary>Whether <paramref name="symbol"/> is declared inside the syntax of <paramref name="function"/>.</summary>
    public static bool IsDeclaredInside(ISymbol symbol, SyntaxNode function)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == function.SyntaxTree && function.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> names <paramref name="local"/> (or declares it: <c>out var x</c>).</summary>
    public static bool RefersTo(IOperation value, ILocalSymbol local)
        => Unwrap(value) switch
        {
            ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
            IDeclarationExpressionOperation declaration => declaration.Expression is ILocalReferenceOperation reference
                                                           && SymbolEqualityComparer.Default.Equals(reference.Local, local),
            _ => false,
        };

    public static string TypeName(ITypeSymbol? type) => type?.Name ?? "?";

    /// <summary>The callee as a message names it: <c>new Timer</c>, <c>Task.Run</c>.</summary>
    public static string CalleeName(IMethodSymbol method)
        => method.MethodKind == MethodKind.Constructor
            ? "new " + TypeName(method.ContainingType)
            : TypeName(method.ContainingType) + "." + method.Name;
}
