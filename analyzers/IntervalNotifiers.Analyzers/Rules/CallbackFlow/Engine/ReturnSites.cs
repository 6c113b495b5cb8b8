using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>Where the values of a callback are returned: the paths into its <c>return</c>s and what they return.</summary>
internal static class ReturnSites
{
    /// <summary>
    /// The paths into every <c>return</c> of the method, with the value each returns. A return whose value
    /// the CFG computes on several branches (<c>return a &amp;&amp; b;</c>, <c>return c ? false : x;</c>) yields
    /// one path per branch, with the value that branch captured.
    /// </summary>
    public static IEnumerable<ReturnPath<TState>> Enumerate<TState>(ControlFlowGraph cfg, FlowResult<TState> flow)
        where TState : class
    {
        foreach (var block in cfg.Blocks)
        {
            if (block.FallThroughSuccessor is not { Semantics: ControlFlowBranchSemantics.Return }
                || block.ConditionKind != ControlFlowConditionKind.None
                || block.BranchValue is not { } value
                || flow.Out[block.Ordinal] is not { } state)
            {
                continue;
            }

            var statement = StatementOf(value.Syntax);
            if (statement is null)
            {
                continue;
            }

            if (ReadsEdgeStates(block) && value is IFlowCaptureReferenceOperation capture)
            {
                foreach (var predecessor in block.Predecessors)
                {
                    var source = predecessor.Source;
                    if (!flow.Edges.TryGetValue((source.Ordinal, block.Ordinal), out var edgeState))
                    {
                        continue;
                    }

                    IOperation? captured = null;
                    if (source.Operations.Length > 0
                        && source.Operations[source.Operations.Length - 1] is IFlowCaptureOperation last
                        && last.Id.Equals(capture.Id))
                    {
                        captured = last.Value;
                    }

                    yield return new ReturnPath<TState>(statement, captured, edgeState);
                }

                continue;
            }

            yield return new ReturnPath<TState>(statement, value, state);
        }
    }

    /// <summary>
    /// Whether <see cref="Enumerate{TState}"/> reads the states on the edges into <paramref name="block"/>: a return
    /// block with no operations whose value is a flow capture (one path per predecessor). The engine keeps edge
    /// states for these blocks only.
    /// </summary>
    public static bool ReadsEdgeStates(BasicBlock block)
        => block.Operations.IsEmpty
           && block.ConditionKind == ControlFlowConditionKind.None
           && block.FallThroughSuccessor is { Semantics: ControlFlowBranchSemantics.Return }
           && block.BranchValue is IFlowCaptureReferenceOperation;

    /// <summary>The return statement (or expression body) that <paramref name="valueSyntax"/> is returned by.</summary>
    public static SyntaxNode? StatementOf(SyntaxNode valueSyntax)
    {
        for (SyntaxNode? node = valueSyntax; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case ReturnStatementSyntax:
                    return node;
                case ArrowExpressionClauseSyntax arrow:
                    return arrow.Expression;
                case StatementSyntax:
                case MemberDeclarationSyntax:
                case AnonymousFunctionExpressionSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="returnOperation"/> could yield the constant <paramref name="expected"/> on some path: its
    /// value is that constant, or a non-constant expression with such a literal inside (an arm of <c>?:</c>, say) or
    /// with a <c>&amp;&amp;</c> or <c>||</c> inside (the control-flow graph returns the constant that cut it short).
    /// </summary>
    public static bool MayYieldConstant(IReturnOperation returnOperation, bool expected)
    {
        if (returnOperation.ReturnedValue is not { } returned)
        {
            return false;
        }

        if (FlowFacts.IsConstant(returned, expected))
        {
            return true;
        }

        return !returned.ConstantValue.HasValue && MayCaptureConstant(returned, expected);
    }

    /// <summary>
    /// Whether the graph may capture the constant <paramref name="expected"/> as the value of the non-constant
    /// <paramref name="value"/> on some branch: a literal inside (an arm of <c>?:</c>, say), or a <c>&amp;&amp;</c> or
    /// <c>||</c> inside (cut short with a constant).
    /// </summary>
    public static bool MayCaptureConstant(IOperation value, bool expected)
    {
        foreach (var inner in value.DescendantsAndSelf())
        {
            if ((inner is ILiteralOperation && FlowFacts.IsConstant(inner, expected))
                || inner is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="operation"/> holds a <c>return</c> of the method itself (not of a lambda or local function).</summary>
    public static bool ContainsReturn(IOperation operation)
    {
        // Without DescendantsAndSelf's iterator (speed only); a return inside a lambda or local function returns from it.
        if (operation is IReturnOperation)
        {
            if (!OperationFacts.IsInsideFunction(operation))
            {
                return true;
            }
        }

        foreach (var child in operation.ChildOperations)
        {
            if (ContainsReturn(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The location to report for a return: the statement, or the returned expression of an expression body.</summary>
    public static Location LocationOf(SyntaxNode statement) => statement.GetLocation();
}
