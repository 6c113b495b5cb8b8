using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Flow;

/// <summary>One way a value reaches a <c>return</c>: the value computed on that path and the flow state there.</summary>
internal readonly struct ReturnPath<TState>
    where TState : class
{
    public ReturnPath(SyntaxNode statement, IOperation? value, TState state, bool isWholeReturn)
    {
        Statement = statement;
        Value = value;
        State = state;
        IsWholeReturn = isWholeReturn;
    }

    /// <summary>The <c>return</c> statement, or the expression of an expression body.</summary>
    public SyntaxNode Statement { get; }

    /// <summary>The value returned on this path (a constant captured on one arm of <c>?:</c>, say); null when unknown.</summary>
    public IOperation? Value { get; }

    /// <summary>The flow state on this path, just before the value is returned.</summary>
    public TState State { get; }

    /// <summary>True when <see cref="Value"/> is the statement's whole returned expression (not one arm of it).</summary>
    public bool IsWholeReturn { get; }
}

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

            if (value is IFlowCaptureReferenceOperation capture && block.Operations.IsEmpty)
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

                    yield return new ReturnPath<TState>(statement, captured, edgeState, isWholeReturn: false);
                }

                continue;
            }

            yield return new ReturnPath<TState>(statement, value, state, isWholeReturn: true);
        }
    }

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

    /// <summary>Whether <paramref name="value"/> is the constant <paramref name="expected"/>.</summary>
    public static bool IsConstant(IOperation? value, bool expected)
        => value is not null && value.ConstantValue.HasValue && value.ConstantValue.Value is bool b && b == expected;

    /// <summary>
    /// Whether <paramref name="returnOperation"/> could yield the constant <paramref name="expected"/> on some path: its
    /// value is that constant, or a non-constant expression with such a literal inside (an arm of <c>?:</c>, say).
    /// </summary>
    public static bool MayYieldConstant(IReturnOperation returnOperation, bool expected)
    {
        if (returnOperation.ReturnedValue is not { } returned)
        {
            return false;
        }

        if (IsConstant(returned, expected))
        {
            return true;
        }

        if (returned.ConstantValue.HasValue)
        {
            return false;
        }

        foreach (var inner in returned.DescendantsAndSelf())
        {
            if (inner is ILiteralOperation && IsConstant(inner, expected))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsBool(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_Boolean;

    /// <summary>The location to report for a return: the statement, or the returned expression of an expression body.</summary>
    public static Location LocationOf(SyntaxNode statement) => statement.GetLocation();

}
