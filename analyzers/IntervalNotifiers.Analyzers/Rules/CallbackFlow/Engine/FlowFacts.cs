using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>The small facts about operations and symbols that the callback path rules share (written once here).</summary>
internal static class FlowFacts
{
    public static bool IsBool(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_Boolean;

    /// <summary>Whether <paramref name="value"/> is the constant <paramref name="expected"/>.</summary>
    public static bool IsConstant(IOperation? value, bool expected)
        => value is not null && value.ConstantValue.HasValue && value.ConstantValue.Value is bool b && b == expected;

    /// <summary>Whether <paramref name="operation"/> is the constant <c>null</c> (or <c>default</c> of a reference type).</summary>
    public static bool IsNullConstant(IOperation operation)
        => operation.ConstantValue.HasValue && operation.ConstantValue.Value is null;

    /// <summary>Whether <paramref name="operation"/> (through conversions) reads <paramref name="parameter"/>.</summary>
    public static bool IsParameter(IOperation? operation, IParameterSymbol? parameter)
        => operation is not null && parameter is not null
           && OperationFacts.StripConversions(operation) is IParameterReferenceOperation reference
           && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

    /// <summary>Whether <paramref name="reference"/> reads <paramref name="property"/> (of any construction of its type).</summary>
    public static bool IsProperty(IPropertyReferenceOperation reference, IPropertySymbol? property)
        => property is not null && SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, property);

    /// <summary>Whether <paramref name="type"/> is the BCL type <c>System.Threading.<paramref name="name"/></c>.</summary>
    public static bool IsThreadingType(ITypeSymbol? type, string name)
        => type is { ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } && type.Name == name;
}
