using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF010TakeLockCodeFix
{
    /// <summary>
    /// What NTF010's fix wraps in the lock (docs/rules/NTF010.md, "How to fix"): the <c>if</c> whose whole condition is
    /// the check (<c>ReadRetry(seq)</c> or <c>!ReadRetry(seq)</c>, in parentheses or not), as a statement of a block,
    /// and every statement after it to the end of that block (local functions declared at the block's end stay where
    /// they are). That region is the commit the check guards only when the following holds, else there is no fix:
    /// <list type="bullet">
    /// <item>the path on which the check passes (the <c>if</c>'s body for <c>!ReadRetry</c>, its <c>else</c>, and the
    /// statements after it) does work: a call, an assignment, an increment, an object creation or an <c>await</c>. A
    /// check that only returns or breaks hands its answer on, and the commit is elsewhere;</item>
    /// <item>no code after the region runs with what was read: control leaves it only by <c>return</c>,
    /// <c>yield break</c>, <c>throw</c>, a <c>goto</c> to a label before it or a <c>continue</c>, and reaches its end
    /// only when that ends the function or the body of the enclosing loop; a <c>continue</c> or the end of a loop's
    /// body only when the loop is endless (<c>while (true)</c>, <c>for (;;)</c>, <c>do ... while (true)</c>) or its
    /// body writes no local declared outside it; a <c>break</c> out of it gets no fix;</item>
    /// <item>it calls nothing that waits for an invalidation or runs one (<c>ReadBegin</c>, <c>ReadBeginAsync</c>,
    /// <c>Remove</c>, <c>RemoveAsync</c>, <c>AddressSpace.InvalidateRangeStart</c>/<c>End</c>/<c>Release</c>), directly
    /// or through the source methods it calls: under the lock the callback takes, that deadlocks;</item>
    /// <item>it holds no <c>yield return</c>, nothing declared in it is used outside it, no label in it is the
    /// target of a <c>goto</c> from outside, and no preprocessor directive is inside it;</item>
    /// <item>its first line starts with the check (or the comments above it) and its last line ends with its last
    /// statement (the edit indents whole lines).</item>
    /// </list>
    /// </summary>
    private sealed class RetryRegion
    {
        private const int MaxCallDepth = 4;
        private const int MaxMethods = 64;

        private RetryRegion(IfStatementSyntax check, BlockSyntax block, IReadOnlyList<StatementSyntax> statements, bool awaits)
        {
            Check = check;
            Block = block;
            Statements = statements;
            Awaits = awaits;
        }

        /// <summary>The <c>if</c> whose condition is the check: the region's first statement.</summary>
        public IfStatementSyntax Check { get; }

        public BlockSyntax Block { get; }

        /// <summary>The statements wrapped, in order, from <see cref="Check"/>.</summary>
        public IReadOnlyList<StatementSyntax> Statements { get; }

        /// <summary>Whether the region itself awaits (an <c>await</c>, <c>await foreach</c> or <c>await using</c> outside nested functions).</summary>
        public bool Awaits { get; }

        private StatementSyntax Last => Statements[Statements.Count - 1];

        public static RetryRegion? Find(InvocationExpressionSyntax call, SemanticModel model, NotifierTypes types,
                                        CancellationToken cancellationToken)
        {
            SyntaxNode node = call;
            var negated = false;
            while (node.Parent is ParenthesizedExpressionSyntax
                   || node.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression })
            {
                negated ^= node.Parent is PrefixUnaryExpressionSyntax;
                node = node.Parent;
            }

            if (node.Parent is not IfStatementSyntax check || check.Condition != node || check.Parent is not BlockSyntax block)
            {
                return null;
            }

            var first = block.Statements.IndexOf(check);
            var last = block.Statements.Count - 1;
            while (last > first && block.Statements[last] is LocalFunctionStatementSyntax)
            {
                last--;
            }

            var statements = block.Statements.Skip(first).Take(last - first + 1).ToList();
            var passed = new List<SyntaxNode>();
            if (negated)
            {
                passed.Add(check.Statement);
            }
            else if (check.Else is { } elseClause)
            {
                passed.Add(elseClause.Statement);
            }

            passed.AddRange(statements.Skip(1));
            if (!passed.Any(DoesWork))
            {
                return null;
            }

            var inside = statements.SelectMany(s => OwnNodes(s)).ToList();
            if (inside.Any(n => n is YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldReturnStatement })
                || statements.Any(s => s.DescendantTrivia(descendIntoTrivia: true).Any(t => t.IsDirective))
                || check.GetLeadingTrivia().Any(t => t.IsDirective))
            {
                return null;
            }

            var region = new RetryRegion(check, block, statements, inside.Any(IsAwait));
            return region.LeavesOnlyBackward(model, cancellationToken)
                   && !region.DeclaresWhatIsUsedOutside(model, cancellationToken)
                   && !region.MayWaitForAnInvalidation(model, types, cancellationToken)
                ? region
                : null;
        }

        /// <summary>
        /// Whether the check already sits inside a lock region (a <c>lock</c>, or a <c>try</c> or <c>using</c> that
        /// names <paramref name="member"/>: a fix applied to an earlier check), or the region names the lock.
        /// </summary>
        public bool InsideLockOrNames(SemanticModel model, ISymbol member, CancellationToken cancellationToken)
        {
            foreach (var ancestor in Check.Ancestors())
            {
                if (ancestor is MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
                {
                    break;
                }

                if (ancestor is LockStatementSyntax
                    || (ancestor is TryStatementSyntax { Finally: { } final } && Names(final, model, member, cancellationToken))
                    || (ancestor is UsingStatementSyntax @using && Names(@using, model, member, cancellationToken)))
                {
                    return true;
                }
            }

            return Statements.Any(s => Names(s, model, member, cancellationToken));
        }

        /// <summary>Whether the function the region is in is <c>async</c>.</summary>
        public bool IsInAsyncFunction(SemanticModel model, CancellationToken cancellationToken)
            => model.GetEnclosingSymbol(Check.SpanStart, cancellationToken) is IMethodSymbol { IsAsync: true };

        /// <summary>
        /// <paramref name="text"/> with the region indented one level and put between the <paramref name="open"/> and
        /// <paramref name="close"/> lines; null when the region does not start and end whole lines.
        /// </summary>
        public SourceText? Wrap(SourceText text, (int Level, string Text)[] open, (int Level, string Text)[] close)
        {
            var start = Check.SpanStart;
            foreach (var trivia in Check.GetLeadingTrivia())
            {
                if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia) && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    start = trivia.SpanStart; // the comments above the check go with it
                    break;
                }
            }

            var firstLine = text.Lines.GetLineFromPosition(start);
            var indent = text.ToString(TextSpan.FromBounds(firstLine.Start, start));
            var lastLine = text.Lines.GetLineFromPosition(Last.Span.End);
            if (indent.Any(c => c != ' ' && c != '\t')
                || !Last.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                || lastLine.EndIncludingLineBreak == lastLine.End)
            {
                return null;
            }

            var eol = text.ToString(TextSpan.FromBounds(firstLine.End, firstLine.EndIncludingLineBreak));
            if (eol.Length == 0)
            {
                return null;
            }

            var unit = IndentUnit(text, indent);
            var changes = new List<TextChange>();
            var opening = new StringBuilder();
            foreach (var (level, line) in open)
            {
                opening.Append(indent).Append(Repeat(unit, level)).Append(line).Append(eol);
            }

            var root = Check.SyntaxTree.GetRoot();
            for (var i = firstLine.LineNumber; i <= lastLine.LineNumber; i++)
            {
                var line = text.Lines[i];
                var lead = i == firstLine.LineNumber ? opening.ToString() : string.Empty;
                var blank = string.IsNullOrWhiteSpace(text.ToString(line.Span));
                var token = root.FindToken(line.Start);
                var insideToken = token.SpanStart < line.Start && line.Start < token.Span.End; // a verbatim or raw string's text
                if (!blank && !insideToken)
                {
                    lead += unit;
                }

                if (lead.Length > 0)
                {
                    changes.Add(new TextChange(new TextSpan(line.Start, 0), lead));
                }
            }

            var closing = new StringBuilder();
            foreach (var (level, line) in close)
            {
                closing.Append(indent).Append(Repeat(unit, level)).Append(line).Append(eol);
            }

            changes.Add(new TextChange(new TextSpan(lastLine.EndIncludingLineBreak, 0), closing.ToString()));
            return text.WithChanges(changes);
        }

        /// <summary>One level of indentation: what the check's line adds to its block's brace line, else a tab or four spaces.</summary>
        private string IndentUnit(SourceText text, string indent)
        {
            var braceLine = text.Lines.GetLineFromPosition(Block.OpenBraceToken.SpanStart);
            var braceText = text.ToString(braceLine.Span);
            var braceIndent = braceText.Substring(0, braceText.Length - braceText.TrimStart(' ', '\t').Length);
            if (indent.Length > braceIndent.Length && indent.StartsWith(braceIndent, System.StringComparison.Ordinal))
            {
                return indent.Substring(braceIndent.Length);
            }

            return indent.Contains('\t') ? "\t" : "    ";
        }

        private static string Repeat(string unit, int count)
            => count == 0 ? string.Empty : string.Concat(Enumerable.Repeat(unit, count));

        /// <summary>The nodes of <paramref name="node"/> that run in its own function (not inside a lambda or local function).</summary>
        private static IEnumerable<SyntaxNode> OwnNodes(SyntaxNode node)
            => node.DescendantNodesAndSelf(n => n == node || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));

        private static bool IsAwait(SyntaxNode node) => node switch
        {
            AwaitExpressionSyntax => true,
            CommonForEachStatementSyntax forEach => forEach.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            UsingStatementSyntax @using => @using.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            LocalDeclarationStatementSyntax declaration => declaration.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            _ => false,
        };

        /// <summary>Whether <paramref name="node"/> commits something: a call, an assignment, an increment, a creation or an await.</summary>
        private static bool DoesWork(SyntaxNode node)
            => OwnNodes(node).Any(n => n
                is InvocationExpressionSyntax
                or BaseObjectCreationExpressionSyntax
                or AssignmentExpressionSyntax
                or AwaitExpressionSyntax
                || n is PostfixUnaryExpressionSyntax postfix && !postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression)
                || n is PrefixUnaryExpressionSyntax prefix
                   && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression))
                || IsAwait(n));

        /// <summary>
        /// Whether control leaves the region only towards code that does not use what was read: <c>return</c>,
        /// <c>yield break</c> (and <c>throw</c>, which is no exit point), a <c>goto</c> to a label before the region, and
        /// <c>continue</c> to a loop whose next turn reads again (<see cref="NextTurnReadsAgain"/>); and reaches its end
        /// only when that ends the function, or ends such a loop's body.
        /// </summary>
        private bool LeavesOnlyBackward(SemanticModel model, CancellationToken cancellationToken)
        {
            var flow = model.AnalyzeControlFlow(Check, Last);
            if (flow is null || !flow.Succeeded)
            {
                return false;
            }

            var loop = Block.Ancestors().TakeWhile(n => !IsFunction(n)).FirstOrDefault(n => n is
                WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax);
            foreach (var exit in flow.ExitPoints)
            {
                switch (exit)
                {
                    case ReturnStatementSyntax:
                    case YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                        break;
                    case ContinueStatementSyntax when loop is not null && NextTurnReadsAgain(loop, model):
                        break;
                    case GotoStatementSyntax { RawKind: (int)SyntaxKind.GotoStatement, Expression: { } label }
                        when model.GetSymbolInfo(label, cancellationToken).Symbol is ILabelSymbol target
                             && target.Locations.Length > 0 && target.Locations[0].SourceSpan.End <= Check.SpanStart:
                        break;
                    default:
                        return false;
                }
            }

            return !flow.EndPointIsReachable
                   || IsFunction(Block.Parent)
                   || (Block.Parent == loop && NextTurnReadsAgain(loop, model));
        }

        private static bool IsFunction(SyntaxNode? node)
            => node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax
                or AnonymousFunctionExpressionSyntax;

        /// <summary>
        /// Whether going on with <paramref name="loop"/> (by <c>continue</c> or off the end of its body) can only start a
        /// turn that reads again, never carry what this turn read past the loop: the loop is endless (<c>while (true)</c>,
        /// <c>for (;;)</c>, <c>do ... while (true)</c>), or its body writes no local or parameter declared outside it (so
        /// what a turn read dies with the turn).
        /// </summary>
        private static bool NextTurnReadsAgain(SyntaxNode loop, SemanticModel model)
        {
            switch (loop)
            {
                case WhileStatementSyntax { Condition: var condition } when IsTrue(condition):
                case DoStatementSyntax { Condition: var doCondition } when IsTrue(doCondition):
                case ForStatementSyntax { Condition: null }:
                case ForStatementSyntax { Condition: { } forCondition } when IsTrue(forCondition):
                    return true;
            }

            var body = loop switch
            {
                WhileStatementSyntax l => l.Statement,
                DoStatementSyntax l => l.Statement,
                ForStatementSyntax l => l.Statement,
                CommonForEachStatementSyntax l => l.Statement,
                _ => null,
            };
            var flow = body is null ? null : model.AnalyzeDataFlow(body);
            return flow is { Succeeded: true }
                   && !flow.WrittenInside.Any(symbol => symbol is ILocalSymbol or IParameterSymbol
                                                        && !symbol.DeclaringSyntaxReferences.Any(r => body!.Span.Contains(r.Span)));
        }

        private static bool IsTrue(ExpressionSyntax condition)
        {
            while (condition is ParenthesizedExpressionSyntax parenthesized)
            {
                condition = parenthesized.Expression;
            }

            return condition.IsKind(SyntaxKind.TrueLiteralExpression);
        }

        /// <summary>Whether a local, local function or label declared in the region is named by code of the block outside it.</summary>
        private bool DeclaresWhatIsUsedOutside(SemanticModel model, CancellationToken cancellationToken)
        {
            var declared = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var statement in Statements)
            {
                foreach (var node in statement.DescendantNodesAndSelf())
                {
                    var symbol = node switch
                    {
                        VariableDeclaratorSyntax or SingleVariableDesignationSyntax or LocalFunctionStatementSyntax
                            or LabeledStatementSyntax or ForEachStatementSyntax or CatchDeclarationSyntax
                            => model.GetDeclaredSymbol(node, cancellationToken),
                        _ => null,
                    };
                    if (symbol is not null)
                    {
                        declared.Add(symbol);
                    }
                }
            }

            if (declared.Count == 0)
            {
                return false;
            }

            var names = new HashSet<string>(declared.Select(s => s.Name));
            foreach (var outside in Block.Statements.Where(s => !Statements.Contains(s)))
            {
                foreach (var name in outside.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    if (names.Contains(name.Identifier.ValueText)
                        && model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol
                        && declared.Contains(symbol))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Whether the region calls, directly or through the source methods it calls (a few levels deep), a runtime
        /// method that waits for an invalidation or runs one.
        /// </summary>
        private bool MayWaitForAnInvalidation(SemanticModel model, NotifierTypes types, CancellationToken cancellationToken)
        {
            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var pending = new Queue<(SyntaxNode Node, SemanticModel Model, int Depth)>();
            foreach (var statement in Statements)
            {
                pending.Enqueue((statement, model, 0));
            }

            while (pending.Count > 0)
            {
                var (node, nodeModel, depth) = pending.Dequeue();
                foreach (var invocation in node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (nodeModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
                    {
                        continue;
                    }

                    if (WaitsForAnInvalidation(types, method))
                    {
                        return true;
                    }

                    var definition = method.OriginalDefinition;
                    if (depth >= MaxCallDepth || definition.DeclaringSyntaxReferences.Length == 0 || !visited.Add(definition))
                    {
                        continue;
                    }

                    if (visited.Count > MaxMethods)
                    {
                        return true; // too much to follow: no proof the region is safe
                    }

                    foreach (var reference in definition.DeclaringSyntaxReferences)
                    {
                        var body = reference.GetSyntax(cancellationToken);
                        if (nodeModel.Compilation.ContainsSyntaxTree(body.SyntaxTree))
                        {
                            var bodyModel = body.SyntaxTree == nodeModel.SyntaxTree
                                ? nodeModel
                                : nodeModel.Compilation.GetSemanticModel(body.SyntaxTree);
                            pending.Enqueue((body, bodyModel, depth + 1));
                        }
                    }
                }
            }

            return false;
        }

        private static bool WaitsForAnInvalidation(NotifierTypes types, IMethodSymbol method)
        {
            if (types.IsReadBegin(method) || types.IsRemove(method) || method.Name == "RemoveAsync")
            {
                return method.Name != "RemoveAsync" || IsRuntimeType(method.ContainingType, "IntervalNotifier");
            }

            return method.Name is "InvalidateRangeStart" or "InvalidateRangeEnd" or "Release"
                   && IsRuntimeType(method.ContainingType, "AddressSpace");
        }

        private static bool IsRuntimeType(INamedTypeSymbol? type, string name)
            => type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == NotifierTypes.Namespace;

        /// <summary>Whether <paramref name="node"/> names <paramref name="member"/>.</summary>
        private static bool Names(SyntaxNode node, SemanticModel model, ISymbol member, CancellationToken cancellationToken)
            => node.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().Any(name =>
                name.Identifier.ValueText == member.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition,
                                                         member.OriginalDefinition));
    }
}
