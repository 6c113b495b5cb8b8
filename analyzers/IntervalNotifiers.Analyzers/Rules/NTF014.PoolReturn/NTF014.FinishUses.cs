using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.PoolReturn;

/// <summary>
/// NTF014's reading of one reference to a pooled finish (docs/rules/NTF014.md): either it leaves the finish where it
/// is (a read or write of one of its fields or properties, a null test or type test, a copy into a local that is
/// itself followed, an argument check), or it may hand the finish to code that returns it (any call that takes it,
/// a method of the finish written in source, a store, a capture, a reassignment). A use of the second kind ends the
/// obligation: the rule cannot prove that code leaks it (docs/contract.md#no-proof-no-diagnostic).
/// </summary>
internal static class FinishUses
{
    /// <summary>Whether <paramref name="reference"/> leaves the finish it names where it is (no hand-off).</summary>
    /// <param name="reference">A reference to the finish (the parameter, a rented local or a copy).</param>
    /// <param name="isCopy">Whether a local is a followed copy of the finish (a copy into it is not a hand-off).</param>
    public static bool KeepsTheFinish(IOperation reference, System.Func<ILocalSymbol, bool> isCopy)
    {
        if (OperationFacts.IsInsideFunction(reference))
        {
            return false; // a lambda or local function may run anywhere, later: it may return the finish
        }

        var child = reference;
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case null:
                return false;
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                return true; // f.Fence, f.Start = ...: the finish's own data
            case IInvocationOperation invocation when invocation.Instance == child:
                // A method of the finish written in source may return it to the pool; one from metadata
                // (GetType, ToString, the runtime's members) does not.
                return invocation.TargetMethod.DeclaringSyntaxReferences.IsEmpty
                       && invocation.TargetMethod.MethodKind != MethodKind.LocalFunction;
            case IBinaryOperation or IIsPatternOperation or IIsTypeOperation or IIsNullOperation:
                return true; // tests: finish is null, finish is PoolFinish pf (pf is followed as a copy)
            case INameOfOperation:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return isCopy(declarator.Symbol);
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                return assignment.Target is ILocalReferenceOperation local && isCopy(local.Local);
            case IArgumentOperation argument:
                return IsArgumentCheck(argument);
            default:
                return false;
        }
    }

    /// <summary>A finish-typed local, or the <c>out finish</c>/finish parameter, named by <paramref name="operation"/>.</summary>
    public static ISymbol? SymbolOf(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary><c>ArgumentNullException.ThrowIfNull(f)</c>, <c>Debug.Assert</c>'s message arguments: checks that keep nothing.</summary>
    private static bool IsArgumentCheck(IArgumentOperation argument)
    {
        if (argument.Parent is not IInvocationOperation { TargetMethod: { } method })
        {
            return false;
        }

        var type = method.ContainingType;
        return (method.Name == "ThrowIfNull" && type?.Name == "ArgumentNullException" && type.ContainingNamespace?.Name == "System")
               || (method.Name == "Assert" && type?.Name == "Debug" && type.ContainingNamespace?.Name == "Diagnostics");
    }
}
