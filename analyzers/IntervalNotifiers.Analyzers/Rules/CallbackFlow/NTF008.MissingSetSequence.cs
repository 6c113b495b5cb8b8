using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF008 (docs/rules/NTF008.md): an invalidate callback returns true on a path without
/// <c>notifier.SetSequence(currentSequence)</c>, when either it calls SetSequence on another path (judged from the
/// type alone, at the type's symbol end), or it never calls it although the compilation reads the sequence of the
/// notifier type the callback casts its notifier to (needs the whole compilation: <see cref="SequenceReads"/>).
/// The question is asked of <see cref="SetSequenceFlow"/>; <see cref="MissingSetSequencePrefilter"/> rules out the
/// common shape first.
/// </summary>
public sealed partial class CallbackFlowAnalyzer
{
    private void AnalyzeMissingSetSequence(SymbolAnalysisContext context, SetSequenceCalls calls, IMethodSymbol method, MethodBody body,
                                           CallbackOperations operations, SequenceReads sequenceReads)
    {
        var types = calls.Types;
        var notifier = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, types.Notifier));
        var sequence = method.Parameters.FirstOrDefault(p => p.Type.SpecialType == SpecialType.System_UInt64);

        // Only a return that can yield a literal true is judged.
        if (notifier is null || sequence is null || !operations.MayReturnConstant(true))
        {
            return;
        }

        var callsSetSequence = calls.CallsSetSequence(body, method) || IsFallbackOfSettingStart(calls, method);
        var castTypes = callsSetSequence ? ImmutableArray<INamedTypeSymbol>.Empty : CastTypes(types, notifier, operations.All);
        if (!callsSetSequence && castTypes.IsEmpty)
        {
            return;
        }

        if (_prefilters && callsSetSequence && MissingSetSequencePrefilter.RulesOut(calls, operations))
        {
            return;
        }

        // Structured code: the operation tree proves it silent without a graph (NTF008.SetSequenceFlow.Tree.cs).
        if (_prefilters && new SetSequenceFlow(calls, method, body).TreeProvesSilent(operations))
        {
            _work?.Count("NTF008 tree");
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(NotifierProperty, notifier.Name)
            .Add(SequenceProperty, sequence.Name);
        if (!callsSetSequence)
        {
            // Trigger 2 waits for the reads of the whole compilation, and so does its path question.
            sequenceReads.ReportIfRead(castTypes, token => Offending(Descriptors.NTF008CompilationEnd, token));
            return;
        }

        // Trigger 1 is judged from this type alone: live.
        foreach (var diagnostic in Offending(Descriptors.NTF008, context.CancellationToken))
        {
            context.ReportDiagnostic(diagnostic);
        }

        IEnumerable<Diagnostic> Offending(DiagnosticDescriptor descriptor, System.Threading.CancellationToken cancellationToken)
        {
            _work?.Graph("NTF008 graph", body);
            var cfg = body.GetControlFlowGraph();
            if (cfg is null)
            {
                return Array.Empty<Diagnostic>();
            }

            var flow = new SetSequenceFlow(calls, method, body);
            return OnePerLine(flow.OffendingReturns(cfg, cancellationToken))
                .Select(statement => Diagnostic.Create(descriptor, ReturnSites.LocationOf(statement), properties,
                                                       method.Name, notifier.Name, sequence.Name))
                .ToList();
        }
    }

    /// <summary>
    /// Whether <paramref name="method"/> is an <c>Invalidate</c> that the type's own <c>InvalidateStart</c> calls as its
    /// single-pass fallback while the start calls SetSequence itself: that path of the start is judged by this
    /// body (docs/rules/NTF008.md), so the start's call counts as "SetSequence on another path".
    /// </summary>
    private static bool IsFallbackOfSettingStart(SetSequenceCalls calls, IMethodSymbol method)
    {
        if (calls.Types.GetCallbackKind(method) != CallbackKind.Invalidate)
        {
            return false;
        }

        foreach (var other in calls.Bodies.Bodies)
        {
            if (other.Owner is IMethodSymbol start && calls.Types.GetCallbackKind(start) == CallbackKind.InvalidateStart
                && other.Operations().Any(o => o is IInvocationOperation call
                                               && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
                && calls.CallsSetSequence(other, start))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The derived notifier types the callback casts (or pattern-matches) its notifier parameter to.</summary>
    private static ImmutableArray<INamedTypeSymbol> CastTypes(NotifierTypes types, IParameterSymbol notifier, IOperation[] operations)
    {
        // Speed only: no builder until a cast is found, and the operation's kind tested before any interface.
        ImmutableArray<INamedTypeSymbol>.Builder? result = null;
        foreach (var operation in operations)
        {
            ITypeSymbol? target = null;
            switch (operation.Kind)
            {
                case OperationKind.Conversion when FlowFacts.IsParameter(((IConversionOperation)operation).Operand, notifier):
                    target = operation.Type;
                    break;
                case OperationKind.DeclarationPattern or OperationKind.TypePattern or OperationKind.RecursivePattern
                    when operation is IPatternOperation pattern && FlowFacts.IsParameter(PatternInput(pattern), notifier):
                    target = pattern switch
                    {
                        IDeclarationPatternOperation declaration => declaration.MatchedType,
                        ITypePatternOperation typePattern => typePattern.MatchedType,
                        IRecursivePatternOperation recursive => recursive.MatchedType,
                        _ => null,
                    };
                    break;
            }

            if (target is INamedTypeSymbol named && types.IsNotifierType(named)
                && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, types.Notifier)
                && (result is null || !result.Contains(named, SymbolEqualityComparer.Default)))
            {
                (result ??= ImmutableArray.CreateBuilder<INamedTypeSymbol>()).Add(named);
            }
        }

        return result is null ? ImmutableArray<INamedTypeSymbol>.Empty : result.ToImmutable();
    }

    private static IOperation? PatternInput(IPatternOperation pattern)
    {
        IOperation current = pattern;
        while (current.Parent is INegatedPatternOperation or IBinaryPatternOperation)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IIsPatternOperation isPattern => isPattern.Value,
            ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation switchExpression } => switchExpression.Value,
            IPatternCaseClauseOperation { Parent: ISwitchCaseOperation { Parent: ISwitchOperation switchStatement } } => switchStatement.Value,
            _ => null,
        };
    }
}
