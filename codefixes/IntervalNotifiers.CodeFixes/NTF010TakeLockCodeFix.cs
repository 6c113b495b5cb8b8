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
            var written = expression;
            var member = Bind(model, position, written, memberName);
            if (member is null && Qualified(model, position, memberName) is { } qualified)
            {
                // A local or parameter of the same name hides the member: write it through this. or the type's name.
                written = qualified;
                member = Bind(model, position, written, memberName);
            }

            if (member is null)
            {
                return null;
            }

            if (!member.IsStatic && !InstanceReachable(model, position))
            {
                return null;
            }

            if (region.InsideLockOrNames(model, member, cancellationToken))
            {
                return null;
            }

            var type = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (type is null || !type.IsReferenceType)
            {
                return null;
            }

            if (isLockStatement)
            {
                return region.Awaits
                    ? null
                    : new TakenLock($"Take 'lock ({written})' around the check and the commit",
                                    new[] { (0, "lock (" + written + ")"), (0, "{") }, new[] { (0, "}") });
            }

            string acquire;
            string release;
            switch (LockTypeOf(type))
            {
                case "SemaphoreSlim":
                    acquire = region.IsInAsyncFunction(model, cancellationToken)
                        ? "await " + written + ".WaitAsync();"
                        : written + ".Wait();";
                    release = written + ".Release();";
                    break;
                case "Lock" when !region.Awaits:
                    acquire = written + ".Enter();";
                    release = written + ".Exit();";
                    break;
                case "ReaderWriterLockSlim" when !region.Awaits:
                    // The write mode excludes every other holder, whichever mode the ops type takes around SetSequence.
                    acquire = written + ".EnterWriteLock();";
                    release = written + ".ExitWriteLock();";
                    break;
                case null when !region.Awaits:
                    var monitor = MonitorName(model, position);
                    acquire = monitor + ".Enter(" + written + ");";
                    release = monitor + ".Exit(" + written + ");";
                    break;
                default:
                    return null;
            }

            return new TakenLock($"Hold '{written}' around the check and the commit",
                                 new[] { (0, acquire), (0, "try"), (0, "{") },
                                 new[] { (0, "}"), (0, "finally"), (0, "{"), (1, release), (0, "}") });
        }

        /// <summary>The field or property <paramref name="expression"/> names at <paramref name="position"/>, if it is called <paramref name="memberName"/>.</summary>
        private static ISymbol? Bind(SemanticModel model, int position, string expression, string memberName)
        {
            var parsed = SyntaxFactory.ParseExpression(expression);
            var symbol = model.GetSpeculativeSymbolInfo(position, parsed, SpeculativeBindingOption.BindAsExpression).Symbol;
            return symbol is IFieldSymbol or IPropertySymbol && symbol.Name == memberName ? symbol : null;
        }

        /// <summary>
        /// <paramref name="memberName"/> qualified with <c>this.</c> (an instance member) or its type's name (a static
        /// one), for the field or property of that name of the type enclosing <paramref name="position"/> or a base.
        /// </summary>
        private static string? Qualified(SemanticModel model, int position, string memberName)
        {
            for (var type = model.GetEnclosingSymbol(position)?.ContainingType; type is not null; type = type.BaseType)
            {
                var member = type.GetMembers(memberName).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);
                if (member is not null)
                {
                    return (member.IsStatic ? member.ContainingType.ToMinimalDisplayString(model, position) : "this")
                           + "." + SyntaxHelpers.Escape(memberName);
                }
            }

            return null;
        }

        /// <summary>Whether code at <paramref name="position"/> has a <c>this</c>: no enclosing method, local function or lambda is static.</summary>
        private static bool InstanceReachable(SemanticModel model, int position)
        {
            for (var symbol = model.GetEnclosingSymbol(position); symbol is not null and not INamedTypeSymbol; symbol = symbol.ContainingSymbol)
            {
                if (symbol.IsStatic)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The System.Threading lock type <paramref name="type"/> is or derives from (<c>SemaphoreSlim</c>, <c>Lock</c>, <c>ReaderWriterLockSlim</c>), else null.</summary>
        private static string? LockTypeOf(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.ContainingNamespace?.ToDisplayString() == "System.Threading"
                    && t.Name is "SemaphoreSlim" or "Lock" or "ReaderWriterLockSlim")
                {
                    return t.Name;
                }
            }

            return null;
        }

        /// <summary><c>Monitor</c> when that name means System.Threading.Monitor at <paramref name="position"/>, else a qualified name.</summary>
        private static string MonitorName(SemanticModel model, int position)
        {
            var found = model.LookupNamespacesAndTypes(position, name: "Monitor");
            if (found.Length == 1 && found[0] is INamedTypeSymbol { ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Threading")
            {
                return "Monitor";
            }

            var system = model.LookupNamespacesAndTypes(position, name: "System");
            return system.Length == 1 && system[0] is INamespaceSymbol { ContainingNamespace.IsGlobalNamespace: true }
                ? "System.Threading.Monitor"
                : "global::System.Threading.Monitor";
        }
    }
}
