using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF010 (docs/rules/NTF010.md, "How to fix"): a <c>ReadRetry</c> outside any lock, in an ops type that holds exactly
/// one nameable lock around its <c>SetSequence</c> calls (the diagnostic's <see cref="ReadRetryLockProperties"/>), is
/// wrapped with the check and the commit it guards in that lock: <c>lock (_lock) { ... }</c> when the ops type takes
/// it with a <c>lock</c> statement, else the lock type's own pair around a <c>try</c>/<c>finally</c>
/// (<c>Monitor.Enter</c>/<c>Exit</c>, <c>Lock.Enter</c>/<c>Exit</c>, <c>SemaphoreSlim.Wait</c> or
/// <c>await WaitAsync</c>/<c>Release</c>, <c>ReaderWriterLockSlim.EnterWriteLock</c>/<c>ExitWriteLock</c>).
/// The region runs from the <c>if</c> whose condition is the check to the end of its block (see
/// <see cref="RetryRegion"/> for when that is provably the commit, and every case that gets no fix). The edit is
/// textual: every line of the region is indented one level, comments and trivia stay where they were. A diagnostic
/// without the properties (no single nameable lock, or the "different lock" case) gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF010TakeLockCodeFix)), Shared]
public sealed partial class NTF010TakeLockCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF010.TakeTheLockAroundTheCheckAndTheCommit";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ReadRetryOutsideLock);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!TryGetProperty(diagnostic, ReadRetryLockProperties.LockMember, out var memberName)
            || !TryGetProperty(diagnostic, ReadRetryLockProperties.LockExpression, out var expression)
            || !TryGetProperty(diagnostic, ReadRetryLockProperties.IsLockStatement, out var isLockStatement)
            || FindNode(root, diagnostic).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call
            || call.Span != diagnostic.Location.SourceSpan)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (model is null || types is null
            || RetryRegion.Find(call, model, types, cancellationToken) is not { } region
            || TakenLock.Resolve(model, region, memberName, expression, isLockStatement == "true", cancellationToken) is not { } taken)
        {
            return;
        }

        var text = await context.Document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (region.Wrap(text, taken.Open, taken.Close) is not { } newText)
        {
            return;
        }

        var document = context.Document;
        context.RegisterCodeFix(
            CodeAction.Create(taken.Title, _ => Task.FromResult(document.WithText(newText)), EquivalenceKey),
            diagnostic);
    }

    /// <summary>The lock to take at the region, and the lines that take and give it back.</summary>
    private sealed class TakenLock
    {
        private TakenLock(string title, (int Level, string Text)[] open, (int Level, string Text)[] close)
        {
            Title = title;
            Open = open;
            Close = close;
        }

        public string Title { get; }

        /// <summary>The lines before the region (level = indentation units beyond the region's own).</summary>
        public (int Level, string Text)[] Open { get; }

        /// <summary>The lines after the region.</summary>
        public (int Level, string Text)[] Close { get; }

        /// <summary>
        /// The lock named by the diagnostic, as code at the region writes it, and its shape; null when the name does
        /// not bind there to a field or property called <paramref name="memberName"/> (also not through <c>this.</c>
        /// or the type's name), when an instance lock is out of reach (a static method, local function or lambda),
        /// when the region already names the lock or sits inside a lock region (a fix applied before), or when the
        /// region awaits and the lock is not a <c>SemaphoreSlim</c> (a <c>lock</c> cannot hold an <c>await</c>, a
        /// monitor must be released on the thread that took it).
        /// </summary>
        public static TakenLock? Resolve(SemanticModel model, RetryRegion region, string memberName, string expression,
                                         bool isLockStatement, CancellationToken cancellationToken)
        {
            var position = region.Check.SpanStart;
            if (DriverLocks.WriteAt(model, position, expression, memberName) is not { } named
                || region.InsideLockOrNames(model, named.Member, cancellationToken)
                || DriverLocks.LockableType(named.Member) is not { } type)
            {
                return null;
            }

            var written = named.Written;

            if (isLockStatement)
            {
                return region.Awaits
                    ? null
                    : new TakenLock($"Take 'lock ({written})' around the check and the commit",
                                    new[] { (0, "lock (" + written + ")"), (0, "{") }, new[] { (0, "}") });
            }

            if (DriverLocks.Pair(model, position, type, written, region.Awaits, region.IsInAsyncFunction(model, cancellationToken))
                is not { } pair)
            {
                return null;
            }

            return new TakenLock($"Hold '{written}' around the check and the commit",
                                 new[] { (0, pair.Acquire), (0, "try"), (0, "{") },
                                 new[] { (0, "}"), (0, "finally"), (0, "{"), (1, pair.Release), (0, "}") });
        }
    }
}
