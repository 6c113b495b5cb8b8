using System.Linq;
using System.Threading;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007 on the <c>ref bool taken</c> forms of a try-lock: <c>Monitor.TryEnter(x[, timeout], ref taken);</c>
/// followed by <c>if (!taken) return false;</c>. The try becomes
/// <c>if (range.IsBlockable) { Monitor.Enter(x, ref taken); } else { Monitor.TryEnter(x[, timeout], ref taken); }</c>
/// and the test of the flag stays: on a blockable range the lock is always taken, on the other the try and its
/// <c>return false</c> are kept. A try whose result is declared in the flag (<c>var taken = Monitor.TryEnter(x);</c>)
/// gets its timeout chosen by the blockability instead.
/// </summary>
public sealed partial class NTF007GuardFalseReturnCodeFix
{
    /// <summary>
    /// The statement that last sets the local that <paramref name="ifStatement"/>'s condition tests for false
    /// (<c>!taken</c>, <c>taken == false</c>, <c>taken is false</c>): the nearest earlier statement naming the local,
    /// in the <c>if</c>'s block or, through nested blocks and <c>try</c> blocks, in the blocks around it; null when
    /// there is none there.
    /// </summary>
    private static (StatementSyntax Statement, ILocalSymbol Local)? FlagSetter(IfStatementSyntax ifStatement, SemanticModel model,
                                                                              CancellationToken cancellationToken)
    {
        if (TestedForFalse(ifStatement.Condition) is not { } flag
            || model.GetSymbolInfo(flag, cancellationToken).Symbol is not ILocalSymbol local)
        {
            return null;
        }

        StatementSyntax current = ifStatement;
        while (current.Parent is BlockSyntax block)
        {
            for (var i = block.Statements.IndexOf(current) - 1; i >= 0; i--)
            {
                if (Names(block.Statements[i], local, model, cancellationToken))
                {
                    return (block.Statements[i], local);
                }
            }

            switch (block.Parent)
            {
                case BlockSyntax:
                    current = block;
                    break;
                case TryStatementSyntax tryStatement when tryStatement.Block == block:
                    current = tryStatement;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The setter when it is <c>Monitor.TryEnter(x[, timeout], ref local);</c>, else null.</summary>
    private static ExpressionStatementSyntax? RefTakenTry(StatementSyntax setter, ILocalSymbol local, SemanticModel model,
                                                         CancellationToken cancellationToken)
        => setter is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } expression
           && IsMonitorCall(call, model, "TryEnter", cancellationToken)
           && call.ArgumentList.Arguments is { Count: 2 or 3 } arguments
           && arguments.Last() is { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword } last
           && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(last.Expression, cancellationToken).Symbol, local)
           && !arguments.Take(arguments.Count - 1).Any(a => Names(a, local, model, cancellationToken))
            ? expression
            : null;

    /// <summary>
    /// The try whose result the setter declares (<c>var taken = Monitor.TryEnter(x[, timeout]);</c>,
    /// <c>var taken = sem.Wait(timeout);</c>) with the timeout argument it takes: the last argument, or null for
    /// <c>Monitor.TryEnter(x)</c>; and whether that timeout is a <c>TimeSpan</c>. Null for any other setter (a later
    /// assignment is not followed by the rule, so the fix would not clear the diagnostic).
    /// </summary>
    private static (InvocationExpressionSyntax Call, ArgumentSyntax? Timeout, bool TimeSpan)? ResultTry(
        StatementSyntax setter, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
    {
        var value = setter switch
        {
            LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                when variables[0].Initializer is { } initial
                     && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(variables[0], cancellationToken), local) => initial.Value,
            _ => null,
        };
        if (value is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call
            || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
            || method.ContainingType?.ContainingNamespace?.ToDisplayString() != "System.Threading"
            || method.ReturnType.SpecialType != SpecialType.System_Boolean
            || call.ArgumentList.Arguments.Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None) || a.NameColon is not null
                                                    || Names(a, local, model, cancellationToken)))
        {
            return null;
        }

        var arguments = call.ArgumentList.Arguments;
        var timed = (method.ContainingType.Name, method.Name, method.Parameters.Length) switch
        {
            ("Monitor", "TryEnter", 1) => true,
            ("Monitor", "TryEnter", 2) => true,
            ("SemaphoreSlim", "Wait", 1) => true,
            _ => IsReaderWriterTry(method),
        };
        if (!timed || access.Name.Identifier.ValueText != method.Name)
        {
            return null;
        }

        var timeoutType = method.Parameters.Length == 1 && method.ContainingType.Name == "Monitor" ? null : method.Parameters.Last().Type;
        if (timeoutType is not null && timeoutType.SpecialType != SpecialType.System_Int32 && timeoutType.Name != "TimeSpan")
        {
            return null;
        }

        return (call, timeoutType is null ? null : arguments.Last(), timeoutType?.Name == "TimeSpan");
    }

    /// <summary>
    /// The try's timeout chosen by the blockability: <c>range.IsBlockable ? Timeout.Infinite : timeout</c>
    /// (<c>InfiniteTimeSpan</c> for a <c>TimeSpan</c>, <c>0</c> for <c>Monitor.TryEnter(x)</c>): on a blockable range
    /// it waits until it has the lock, on the other it tries as before.
    /// </summary>
    private static SyntaxNode WaitForeverWhenBlockable(SyntaxNode root, InvocationExpressionSyntax call, ArgumentSyntax? timeout,
                                                       bool timeSpan, string range)
    {
        var before = timeout?.Expression.WithoutTrivia() ?? SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0));
        if (before is not (LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                           or ParenthesizedExpressionSyntax or ConditionalExpressionSyntax))
        {
            before = SyntaxFactory.ParenthesizedExpression(before);
        }

        var chosen = SyntaxFactory.ConditionalExpression(
            SyntaxFactory.ParseExpression(range + ".IsBlockable"),
            SyntaxFactory.ParseExpression(timeSpan ? "System.Threading.Timeout.InfiniteTimeSpan" : "System.Threading.Timeout.Infinite")
                .WithAdditionalAnnotations(Simplifier.Annotation),
            before);
        var newCall = timeout is null
            ? call.AddArgumentListArguments(SyntaxFactory.Argument(chosen))
            : call.ReplaceNode(timeout, timeout.WithExpression(chosen.WithTriviaFrom(timeout.Expression)));
        return root.ReplaceNode(call, newCall.WithAdditionalAnnotations(Formatter.Annotation));
    }

    /// <summary>The local name a condition tests for false: <c>!x</c>, <c>x == false</c>, <c>false == x</c>, <c>x is false</c>.</summary>
    private static IdentifierNameSyntax? TestedForFalse(ExpressionSyntax condition)
        => SyntaxHelpers.Strip(condition) switch
        {
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not
                => SyntaxHelpers.Strip(not.Operand) as IdentifierNameSyntax,
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals
                => equals.Right.IsKind(SyntaxKind.FalseLiteralExpression) ? SyntaxHelpers.Strip(equals.Left) as IdentifierNameSyntax
                 : equals.Left.IsKind(SyntaxKind.FalseLiteralExpression) ? SyntaxHelpers.Strip(equals.Right) as IdentifierNameSyntax
                 : null,
            IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression.RawKind: (int)SyntaxKind.FalseLiteralExpression } } pattern
                => SyntaxHelpers.Strip(pattern.Expression) as IdentifierNameSyntax,
            _ => null,
        };

    /// <summary>
    /// The try replaced by <c>if (range.IsBlockable) { Monitor.Enter(x, ref taken); } else { the try }</c>; the try
    /// keeps its trailing comment inside the <c>else</c>, the comments above it stay above the new <c>if</c>.
    /// </summary>
    private static SyntaxNode TakeBlockingWhenBlockable(SyntaxNode root, ExpressionStatementSyntax tryEnter, string range)
    {
        var call = (InvocationExpressionSyntax)tryEnter.Expression;
        var access = (MemberAccessExpressionSyntax)call.Expression;
        var arguments = call.ArgumentList.Arguments;
        var enter = SyntaxFactory.InvocationExpression(
            access.WithName(SyntaxFactory.IdentifierName("Enter").WithTriviaFrom(access.Name)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { arguments[0].WithoutTrivia(), arguments.Last().WithoutTrivia() })))
            .WithoutTrivia();
        var blockingIf = SyntaxFactory.IfStatement(
                SyntaxFactory.ParseExpression(range + ".IsBlockable"),
                SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(enter)),
                SyntaxFactory.ElseClause(SyntaxFactory.Block(tryEnter.WithoutLeadingTrivia())))
            .WithLeadingTrivia(tryEnter.GetLeadingTrivia())
            .WithTrailingTrivia(SyntaxHelpers.EndOfLine(root))
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(tryEnter, blockingIf);
    }

    /// <summary>
    /// Whether <paramref name="condition"/> reads a local that a lock call of <c>System.Threading</c>, or a source helper
    /// that makes one, sets (a <c>ref</c> or <c>out</c> argument of it, or assigned its result) anywhere in <paramref name="body"/>: skipping
    /// the test would go on without the lock, so the guard fix is no repair there.
    /// </summary>
    private static bool ReadsLockResult(ExpressionSyntax condition, SyntaxNode body, SemanticModel model,
                                        CancellationToken cancellationToken)
    {
        foreach (var name in condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(name, cancellationToken).Symbol is not ILocalSymbol local)
            {
                continue;
            }

            foreach (var call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (!IsThreadingCall(call, model, cancellationToken) && !IsThreadingHelperCall(call, model, cancellationToken))
                {
                    continue;
                }

                if (call.ArgumentList.Arguments.Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None) && Names(a.Expression, local, model, cancellationToken)))
                {
                    return true;
                }

                SyntaxNode value = call;
                while (value.Parent is ParenthesizedExpressionSyntax parenthesized)
                {
                    value = parenthesized;
                }

                var setByResult = value.Parent switch
                {
                    EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                        => SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator, cancellationToken), local),
                    AssignmentExpressionSyntax assignment when assignment.Right == value
                        => Names(assignment.Left, local, model, cancellationToken),
                    _ => false,
                };
                if (setByResult)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A call of a source method whose body makes a <c>System.Threading</c> call (<c>bool TryLock() =&gt; _rw.TryEnterWriteLock(0);</c>):
    /// what it returns or sets may be a lock's result too.
    /// </summary>
    private static bool IsThreadingHelperCall(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
        => model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method
           && method.DeclaringSyntaxReferences.Any(reference =>
           {
               var syntax = reference.GetSyntax(cancellationToken);
               var helperModel = SemanticModels.For(model, syntax.SyntaxTree);
               return syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(inner => IsThreadingCall(inner, helperModel, cancellationToken));
           });

    /// <summary>Whether <paramref name="node"/> reads, writes or declares <paramref name="local"/>.</summary>
    private static bool Names(SyntaxNode node, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
        => node.DescendantNodesAndSelf().Any(n => n switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText == local.Name
                                         && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local),
            VariableDeclaratorSyntax or SingleVariableDesignationSyntax => n.ChildTokens().Any(t => t.ValueText == local.Name)
                                                                           && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(n, cancellationToken), local),
            _ => false,
        });

    private static bool IsMonitorCall(InvocationExpressionSyntax call, SemanticModel model, string name,
                                      CancellationToken cancellationToken)
        => call.Expression is MemberAccessExpressionSyntax access
           && access.Name.Identifier.ValueText == name
           && IsThreadingCall(call, model, cancellationToken)
           && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { ContainingType.Name: "Monitor" };

    /// <summary>A call of a method of a <c>System.Threading</c> type (Monitor, SemaphoreSlim, SpinLock, ...).</summary>
    private static bool IsThreadingCall(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
        => model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method
           && method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading";
}
