using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>NTF007: how <see cref="BlockableFlow"/> reads a bool value on one path (the values of locals, operators, patterns and waits).</summary>
internal sealed partial class BlockableFlow
{
    private static byte Not(byte value) => (byte)((value & Opaque) | ((value & False) != 0 ? True : 0) | ((value & True) != 0 ? False : 0));

    private static byte Combine(BinaryOperatorKind kind, byte left, byte right)
    {
        if (((left | right) & Opaque) != 0)
        {
            return Unknown | Opaque;
        }

        byte result = 0;
        for (var l = 0; l < 2; l++)
        {
            if ((left & (l == 1 ? True : False)) == 0)
            {
                continue;
            }

            for (var r = 0; r < 2; r++)
            {
                if ((right & (r == 1 ? True : False)) == 0)
                {
                    continue;
                }

                bool? value = kind switch
                {
                    BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => l == 1 && r == 1,
                    BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => l == 1 || r == 1,
                    BinaryOperatorKind.Equals => l == r,
                    BinaryOperatorKind.NotEquals or BinaryOperatorKind.ExclusiveOr => l != r,
                    _ => null,
                };
                if (value is null)
                {
                    return Unknown;
                }

                result |= value.Value ? True : False;
            }
        }

        return result;
    }

    /// <summary>The possible values of the bool <paramref name="operation"/> on a path where IsBlockable is <paramref name="blockable"/>.</summary>
    private byte Evaluate(IOperation operation, FlowValues env, bool blockable)
    {
        if (operation.ConstantValue.HasValue && operation.ConstantValue.Value is bool constant)
        {
            return constant ? True : False;
        }

        switch (operation)
        {
            case IConversionOperation conversion when FlowFacts.IsBool(conversion.Operand.Type):
                return Evaluate(conversion.Operand, env, blockable);
            case IPropertyReferenceOperation when IsBlockableOfRange(operation):
                return blockable ? True : False;
            case ILocalReferenceOperation local when FlowFacts.IsBool(local.Type):
                return env[local.Local];
            case IFlowCaptureReferenceOperation capture when FlowFacts.IsBool(capture.Type):
                return env[capture.Id];
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Not(Evaluate(not.Operand, env, blockable));
            case IBinaryOperation binary when FlowFacts.IsBool(binary.LeftOperand.Type) && FlowFacts.IsBool(binary.RightOperand.Type):
                return Combine(binary.OperatorKind, Evaluate(binary.LeftOperand, env, blockable),
                               Evaluate(binary.RightOperand, env, blockable));
            case IIsPatternOperation isPattern:
                return EvaluatePattern(isPattern, env, blockable);
            case IInvocationOperation invocation when IsInfiniteWait(invocation) && !IsOpaque(invocation, env):
                return True;
            case IInvocationOperation invocation when IsInfiniteWaitOnPath(invocation, env, blockable):
                return True;
        }

        return IsOpaque(operation, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte EvaluatePattern(IIsPatternOperation isPattern, FlowValues env, bool blockable)
    {
        if (IsRangeParameter(isPattern.Value))
        {
            return MatchRange(isPattern.Pattern, env, blockable);
        }

        if (FlowFacts.IsBool(isPattern.Value.Type))
        {
            return MatchBool(isPattern.Pattern, Evaluate(isPattern.Value, env, blockable), env);
        }

        return IsOpaque(isPattern, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte MatchRange(IPatternOperation pattern, FlowValues env, bool blockable)
    {
        switch (pattern)
        {
            case INegatedPatternOperation negated:
                return Not(MatchRange(negated.Pattern, env, blockable));
            case IBinaryPatternOperation binary:
                return Combine(binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOperatorKind.Or : BinaryOperatorKind.And,
                               MatchRange(binary.LeftPattern, env, blockable), MatchRange(binary.RightPattern, env, blockable));
            case IDiscardPatternOperation:
                return True;
            case IRecursivePatternOperation recursive when recursive.DeconstructionSubpatterns.IsEmpty:
                byte result = True;
                foreach (var subpattern in recursive.PropertySubpatterns)
                {
                    byte matched;
                    if (subpattern.Member is IPropertyReferenceOperation member && IsBlockableProperty(member))
                    {
                        matched = MatchBool(subpattern.Pattern, blockable ? True : False, env);
                    }
                    else
                    {
                        matched = IsOpaque(subpattern.Pattern, env) ? (byte)(Unknown | Opaque) : Unknown;
                    }

                    result = Combine(BinaryOperatorKind.And, result, matched);
                }

                return result;
        }

        return IsOpaque(pattern, env) ? (byte)(Unknown | Opaque) : Unknown;
    }

    private byte MatchBool(IPatternOperation pattern, byte value, FlowValues env)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant when constant.Value.ConstantValue is { HasValue: true, Value: bool expected }:
                if ((value & Opaque) != 0)
                {
                    return Unknown | Opaque;
                }

                byte result = 0;
                if ((value & True) != 0)
                {
                    result |= expected ? True : False;
                }

                if ((value & False) != 0)
                {
                    result |= expected ? False : True;
                }

                return result;
            case INegatedPatternOperation negated:
                return Not(MatchBool(negated.Pattern, value, env));
            case IBinaryPatternOperation binary:
                return Combine(binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOperatorKind.Or : BinaryOperatorKind.And,
                               MatchBool(binary.LeftPattern, value, env), MatchBool(binary.RightPattern, value, env));
            case IDiscardPatternOperation:
                return True;
        }

        return IsOpaque(pattern, env) || (value & Opaque) != 0 ? (byte)(Unknown | Opaque) : Unknown;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> may encode the blockability in a way the flow cannot read: it
    /// reads IsBlockable, hands the range to other code, names something about blocking or sleeping, or
    /// reads a local that is itself opaque.
    /// </summary>
    private bool IsOpaque(IOperation operation, FlowValues env)
    {
        foreach (var op in operation.DescendantsAndSelf())
        {
            switch (op)
            {
                case IPropertyReferenceOperation property when IsBlockableProperty(property):
                    return true;
                case IParameterReferenceOperation parameter
                    when SymbolEqualityComparer.Default.Equals(parameter.Parameter, _range) && !IsPlainRangeRead(parameter):
                    return true;
                case ILocalReferenceOperation local when (env[local.Local] & Opaque) != 0:
                    return true;
                case IFlowCaptureReferenceOperation capture when (env[capture.Id] & Opaque) != 0:
                    return true;
                case IFieldReferenceOperation field when SpeaksOfBlocking(field.Field.Name):
                case IPropertyReferenceOperation property2 when SpeaksOfBlocking(property2.Property.Name):
                case IInvocationOperation invocation when SpeaksOfBlocking(invocation.TargetMethod.Name):
                case ILocalReferenceOperation local2 when SpeaksOfBlocking(local2.Local.Name):
                case IParameterReferenceOperation parameter2 when SpeaksOfBlocking(parameter2.Parameter.Name):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the range parameter is only read through Start, End, Event or Owner here (it does not escape).</summary>
    private bool IsPlainRangeRead(IParameterReferenceOperation reference)
        => reference.Parent is IPropertyReferenceOperation property && property.Instance == reference
           && (FlowFacts.IsProperty(property, _types.RangeOwner)
               || FlowFacts.IsProperty(property, _types.RangeEvent)
               || FlowFacts.IsProperty(property, _types.RangeIsBlockable)
               || property.Property.Name is "Start" or "End");

    /// <summary>
    /// The value of a <c>ref</c>/<c>out</c> flag after <paramref name="call"/> sets it: true after a blocking enter or a
    /// wait that is infinite on this path, otherwise unknown (the graph's flow and the tree's read it the same way).
    /// </summary>
    private byte FlagAfter(IInvocationOperation call, FlowValues env, bool blockable)
        => IsBlockingEnter(call) || IsInfiniteWaitOnPath(call, env, blockable) ? True : Unknown;

    /// <summary><c>Monitor.Enter(obj, ref taken)</c> or <c>SpinLock.Enter(ref taken)</c>: sets its flag to true (or throws).</summary>
    private static bool IsBlockingEnter(IInvocationOperation invocation)
        => invocation.TargetMethod.Name == "Enter"
           && (FlowFacts.IsThreadingType(invocation.TargetMethod.ContainingType, "Monitor")
               || FlowFacts.IsThreadingType(invocation.TargetMethod.ContainingType, "SpinLock"));

    /// <summary>
    /// A wait whose timeout is chosen by the blockability (<c>Wait(blockable ? Timeout.Infinite : 0)</c>,
    /// <c>TryEnter(x, range.IsBlockable ? -1 : 0)</c>) and is infinite on this path: it returns true.
    /// </summary>
    private bool IsInfiniteWaitOnPath(IInvocationOperation invocation, FlowValues env, bool blockable)
    {
        if (!IsWaitMethod(invocation.TargetMethod) || (invocation.Instance is not null && IsOpaque(invocation.Instance, env)))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.StripConversions(argument.Value) is IFlowCaptureReferenceOperation timeout && IsTimeoutType(timeout.Type)
                && env[timeout.Id] == True)
            {
                return true; // the control-flow graph splits the ?: into captures: this path captured the infinite arm
            }

            if (OperationFacts.StripConversions(argument.Value) is not IConditionalOperation { WhenFalse: { } whenFalse } conditional
                || !FlowFacts.IsBool(conditional.Condition.Type))
            {
                continue;
            }

            var chosen = Evaluate(conditional.Condition, env, blockable) switch
            {
                True => conditional.WhenTrue,
                False => whenFalse,
                _ => null,
            };
            if (chosen is not null && IsInfiniteTimeout(OperationFacts.StripConversions(chosen)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="conditional"/> is (through conversions) an argument of a wait method.</summary>
    private static bool IsWaitTimeout(IConditionalOperation conditional)
    {
        IOperation current = conditional;
        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation invocation } && IsWaitMethod(invocation.TargetMethod);
    }

    /// <summary>A wait that returns whether it got in, or <c>Monitor.TryEnter(..., ref taken)</c>.</summary>
    internal static bool IsWaitMethod(IMethodSymbol method)
        => IsWaitName(method.Name)
           && (FlowFacts.IsBool(method.ReturnType) || method.Parameters.Any(p => p.RefKind == RefKind.Ref && FlowFacts.IsBool(p.Type)));

    private static bool IsWaitName(string name)
        => name is "Wait" or "WaitOne" or "TryEnter" or "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock";

    internal static bool IsTimeoutType(ITypeSymbol? type)
        => type is { SpecialType: SpecialType.System_Int32 } or { Name: "TimeSpan", ContainingNamespace.Name: "System" };

    internal static bool IsInfiniteTimeout(IOperation value)
    {
        if (value.ConstantValue is { HasValue: true, Value: -1 })
        {
            return true;
        }

        var member = value switch
        {
            IFieldReferenceOperation field => (ISymbol)field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        return member is { Name: "Infinite" or "InfiniteTimeSpan" } && FlowFacts.IsThreadingType(member.ContainingType, "Timeout");
    }

    /// <summary>A wait that cannot time out (<c>Wait(-1)</c>, <c>TryEnter(x, Timeout.Infinite)</c>): it returns true.</summary>
    internal static bool IsInfiniteWait(IInvocationOperation invocation)
    {
        if (!IsWaitName(invocation.TargetMethod.Name)
            || !FlowFacts.IsBool(invocation.TargetMethod.ReturnType))
        {
            return false;
        }

        return invocation.Arguments.Any(argument => IsInfiniteTimeout(OperationFacts.StripConversions(argument.Value)));
    }

    private static bool SpeaksOfBlocking(string? name)
        => name is not null && (name.IndexOf("block", StringComparison.OrdinalIgnoreCase) >= 0
           || name.IndexOf("sleep", StringComparison.OrdinalIgnoreCase) >= 0);
}
