using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007: turns <c>if (cond) return false;</c> into <c>if (!range.IsBlockable &amp;&amp; cond) return false;</c>, so
/// the callback gives up only when the range cannot block and otherwise goes on with the code after the
/// <c>if</c>. Offered only where that edit is obviously right: a literal <c>return false;</c> that is the whole
/// body of an <c>if</c> without <c>else</c>, whose condition has no side effects (no calls, assignments,
/// increments, awaits) and declares no variables (skipping the test would change definite assignment).
/// When the condition is a failed try-lock (<c>if (!Monitor.TryEnter(x[, timeout])) return false;</c>, or
/// <c>!sem.Wait(timeout)</c> on a <c>SemaphoreSlim</c>), the fix instead takes the lock blocking when the range can
/// block and keeps the try and its <c>return false</c> for the range that cannot:
/// <c>if (range.IsBlockable) { Monitor.Enter(x); } else if (!Monitor.TryEnter(x)) { return false; }</c>. The same holds
/// for the <c>ref bool taken</c> forms, <c>Monitor.TryEnter(x[, timeout], ref taken);</c> then
/// <c>if (!taken) return false;</c>: the try becomes <c>Monitor.Enter(x, ref taken)</c> on a blockable range
/// (<c>NTF007GuardFalseReturnCodeFix.TakenFlag.cs</c>); and for a try whose result is declared in a local
/// (<c>var taken = Monitor.TryEnter(x[, timeout]);</c>, <c>sem.Wait(timeout)</c>) the timeout becomes
/// <c>range.IsBlockable ? Timeout.Infinite : timeout</c>; for a <c>ReaderWriterLockSlim</c>'s
/// <c>TryEnterWriteLock</c> / <c>TryEnterReadLock</c> / <c>TryEnterUpgradeableReadLock</c> (int or <c>TimeSpan</c>)
/// the blocking enter is the same mode's <c>Enter...Lock()</c>. A busy flag tested through <c>Volatile</c> or
/// <c>Interlocked</c> gets a wait on a blockable range, never the guard (<c>NTF007GuardFalseReturnCodeFix.BusyFlag.cs</c>).
/// A condition that reads a flag some other lock call sets gets no guard (going on past it would run without the lock),
/// nor does one that reads a field or property the callback itself writes (a test-then-set flag: going on past it
/// would take the flag while another thread holds it). Comments and trivia stay where they were. A bare
/// <c>return false;</c> needs a decision the fix cannot make and gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF007GuardFalseReturnCodeFix)), Shared]
public sealed partial class NTF007GuardFalseReturnCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF007.ReturnFalseOnlyWhenNotBlockable";
    public const string TakeLockKey = "NTF007.TakeTheLockWhenBlockable";

    private const string TakeLockTitle = "Take the lock blocking when the range can block";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FalseOnBlockableRange);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.ContainsKey(CallbackFlowAnalyzer.LiteralReturnProperty)
            || !TryGetProperty(diagnostic, CallbackFlowAnalyzer.RangeProperty, out var range)
            || FindNode(root, diagnostic) is not ReturnStatementSyntax statement
            || EnclosingIf(statement) is not { } ifStatement)
        {
            return;
        }

        var name = SyntaxHelpers.Escape(range);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        if (ifStatement.Condition is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: InvocationExpressionSyntax tryLock }
            && BlockingForm(tryLock, model, context) is { } blocking)
        {
            RegisterRootEdit(context, diagnostic, TakeLockTitle, () => BlockFirstWhenBlockable(root, ifStatement, blocking, name), TakeLockKey);
            return;
        }

        if (FlagSetter(ifStatement, model, context.CancellationToken) is var (setter, flag))
        {
            if (RefTakenTry(setter, flag, model, context.CancellationToken) is { } tryEnter)
            {
                RegisterRootEdit(context, diagnostic, TakeLockTitle, () => TakeBlockingWhenBlockable(root, tryEnter, name), TakeLockKey);
                return;
            }

            if (ResultTry(setter, flag, model, context.CancellationToken) is var (call, timeout, timeSpan))
            {
                RegisterRootEdit(context, diagnostic, TakeLockTitle,
                    () => WaitForeverWhenBlockable(root, call, timeout, timeSpan, name), TakeLockKey);
                return;
            }
        }

        var body = (SyntaxNode?)statement.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() ?? statement.FirstAncestorOrSelf<AccessorDeclarationSyntax>();
        if (body is null)
        {
            return;
        }

        if (FlagWaitable(ifStatement.Condition, body, model, context.CancellationToken) is { } cleared)
        {
            RegisterRootEdit(context, diagnostic, WaitForFlagTitle,
                () => BlockFirstWhenBlockable(root, ifStatement, SpinUntil(cleared), name), WaitForFlagKey);
            return;
        }

        // A flag that only read-side sections set needs no wait: the sequence protects what it guarded
        // (NTF007GuardFalseReturnCodeFix.ReaderFlag.cs).
        if (SequenceGuardsTheFlag(ifStatement.Condition, body, model, context.CancellationToken))
        {
            RegisterGuard(context, diagnostic, root, ifStatement, name);
            return;
        }

        if (ReadsLockResult(ifStatement.Condition, body, model, context.CancellationToken))
        {
            return; // the flag of a lock: going on past the test would run without the lock
        }

        if (TestsWhatItSets(ifStatement.Condition, body, model, context.CancellationToken))
        {
            return; // a test-then-set flag: going on past the test would take the flag another thread holds
        }

        if (IsPlainCondition(ifStatement.Condition))
        {
            RegisterGuard(context, diagnostic, root, ifStatement, name);
        }
    }

    /// <summary>Registers the guard: <c>if (!range.IsBlockable &amp;&amp; cond) return false;</c> in place of <c>if (cond) return false;</c>.</summary>
    private static void RegisterGuard(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, IfStatementSyntax ifStatement, string range)
        => RegisterRootEdit(
            context,
            diagnostic,
            "Return false only when the range cannot block",
            () =>
            {
                var notBlockable = SyntaxFactory.ParseExpression($"!{range}.IsBlockable");
                var condition = SyntaxFactory.BinaryExpression(
                        SyntaxKind.LogicalAndExpression,
                        notBlockable,
                        Parenthesize(ifStatement.Condition.WithoutTrivia()))
                    .WithTriviaFrom(ifStatement.Condition)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return root.ReplaceNode(ifStatement.Condition, condition);
            },
            EquivalenceKey);

    /// <summary>
    /// The blocking call that replaces a try-lock on a blockable range: <c>X.Enter(lock)</c> for
    /// <c>X.TryEnter(lock[, timeout])</c> of <c>System.Threading.Monitor</c>, <c>sem.Wait()</c> for a
    /// <c>SemaphoreSlim</c>'s <c>sem.Wait(timeout)</c>; null for anything else.
    /// </summary>
    private static ExpressionSyntax? BlockingForm(InvocationExpressionSyntax call, SemanticModel model, CodeFixContext context)
    {
        if (call.Expression is not MemberAccessExpressionSyntax access
            || model.GetSymbolInfo(call, context.CancellationToken).Symbol is not IMethodSymbol method
            || method.ContainingType?.ContainingNamespace?.ToDisplayString() != "System.Threading")
        {
            return null;
        }

        var arguments = call.ArgumentList.Arguments;
        if (method.ContainingType.Name == "Monitor" && method.Name == "TryEnter" && arguments.Count is 1 or 2
            && arguments.All(a => a.RefKindKeyword.IsKind(SyntaxKind.None)))
        {
            return SyntaxFactory.InvocationExpression(
                access.WithName(SyntaxFactory.IdentifierName("Enter")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(arguments[0].WithoutTrivia())));
        }

        if (method.ContainingType.Name == "SemaphoreSlim" && method.Name == "Wait" && arguments.Count == 1
            && method.ReturnType.SpecialType == SpecialType.System_Boolean)
        {
            return SyntaxFactory.InvocationExpression(access, SyntaxFactory.ArgumentList());
        }

        if (IsReaderWriterTry(method) && arguments.Count == 1 && arguments[0].RefKindKeyword.IsKind(SyntaxKind.None))
        {
            return SyntaxFactory.InvocationExpression(
                access.WithName(SyntaxFactory.IdentifierName(method.Name.Substring("Try".Length))),
                SyntaxFactory.ArgumentList());
        }

        return null;
    }

    /// <summary>
    /// <c>TryEnterReadLock</c>, <c>TryEnterWriteLock</c> or <c>TryEnterUpgradeableReadLock</c> of a
    /// <c>ReaderWriterLockSlim</c> (int or <c>TimeSpan</c> timeout): without <c>Try</c> it is the blocking enter.
    /// </summary>
    private static bool IsReaderWriterTry(IMethodSymbol method)
        => method is { ContainingType.Name: "ReaderWriterLockSlim", Name: "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock", Parameters.Length: 1 }
           && method.ReturnType.SpecialType == SpecialType.System_Boolean;

    /// <summary>
    /// <c>if (range.IsBlockable) { blocking; } else if (cond) return false;</c> in place of
    /// <paramref name="ifStatement"/>, which stays whole (comments included) as the <c>else</c> for the range that cannot block.
    /// </summary>
    private static SyntaxNode BlockFirstWhenBlockable(SyntaxNode root, IfStatementSyntax ifStatement, ExpressionSyntax blocking, string range)
    {
        var blockingIf = SyntaxFactory.IfStatement(
                SyntaxFactory.ParseExpression(range + ".IsBlockable"),
                SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(blocking)),
                SyntaxFactory.ElseClause(ifStatement.WithoutLeadingTrivia().WithoutTrailingTrivia()))
            .WithLeadingTrivia(ifStatement.GetLeadingTrivia())
            .WithTrailingTrivia(ifStatement.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(ifStatement, blockingIf);
    }

    /// <summary>
    /// The <c>if</c> (without else) whose body is <paramref name="statement"/>, alone or at the end of a block whose
    /// earlier statements cannot leave it (<c>{ finish = null; return false; }</c>, NTF006's own repair, or a
    /// <c>Return</c> of a rented finish before it): each fix keeps that body as it is and changes only when it runs.
    /// </summary>
    private static IfStatementSyntax? EnclosingIf(ReturnStatementSyntax statement)
    {
        SyntaxNode? node = statement;
        if (node.Parent is BlockSyntax block
            && block.Statements.Last() == statement
            && !block.Statements.Take(block.Statements.Count - 1).Any(LeavesTheBlock))
        {
            node = block;
        }

        return node.Parent is IfStatementSyntax { Else: null } ifStatement && ifStatement.Statement == node ? ifStatement : null;
    }

    /// <summary>Whether <paramref name="statement"/> contains a jump or a throw (lambdas and local functions aside).</summary>
    private static bool LeavesTheBlock(StatementSyntax statement)
        => statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(n => n is ReturnStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax
                      or ThrowStatementSyntax or ThrowExpressionSyntax or YieldStatementSyntax);

    /// <summary>A condition that can be skipped without changing anything but the branch taken.</summary>
    private static bool IsPlainCondition(ExpressionSyntax condition)
        => !condition.DescendantNodesAndSelf().Any(node => node
            is InvocationExpressionSyntax
            or BaseObjectCreationExpressionSyntax
            or AssignmentExpressionSyntax
            or PostfixUnaryExpressionSyntax
            or AwaitExpressionSyntax
            or AnonymousFunctionExpressionSyntax
            or SingleVariableDesignationSyntax
            or DeclarationExpressionSyntax
            || node is PrefixUnaryExpressionSyntax prefix
               && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)));

    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression)
    {
        var safe = expression switch
        {
            IdentifierNameSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax or LiteralExpressionSyntax
                or InvocationExpressionSyntax or ElementAccessExpressionSyntax or PrefixUnaryExpressionSyntax or IsPatternExpressionSyntax => true,
            BinaryExpressionSyntax binary => !binary.IsKind(SyntaxKind.LogicalOrExpression) && !binary.IsKind(SyntaxKind.CoalesceExpression),
            _ => false,
        };
        return safe ? expression : SyntaxFactory.ParenthesizedExpression(expression);
    }
}
