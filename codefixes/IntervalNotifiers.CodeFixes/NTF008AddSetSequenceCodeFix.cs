using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF008 (docs/rules/NTF008.md, "How to fix"): inserts <c>notifier.SetSequence(currentSequence);</c> (with the
/// callback's own parameter names) just before the offending <c>return true;</c>, under the driver lock readers hold
/// around <c>ReadRetry</c> (docs/contract.md#locks, docs/contract.md#what-a-fix-leaves-behind). The ops type's lock
/// discipline is read from the locks held at every <c>SetSequence</c> and <c>ReadRetry</c> call of the type, and at
/// the <c>ReadRetry</c> calls elsewhere on the notifier types the callback casts its notifier to
/// (<see cref="LockDiscipline"/>):
/// <list type="bullet">
/// <item>one lock the callback can name (a member of the ops type, or of the notifier through the local the callback
/// casts it to: <c>gpu.Lock</c>): when the return already holds it, a plain call; when the return holds no lock, the call
/// goes under that lock taken the way the type takes it (<c>lock (x) { ... }</c>; <c>using (x.EnterScope())</c> for a
/// <c>System.Threading.Lock</c> the type holds that way; else the lock type's pair around a <c>try</c>/<c>finally</c>:
/// <c>Monitor.Enter</c>/<c>Exit</c>, <c>SemaphoreSlim.Wait</c>/<c>Release</c>, <c>Lock.Enter</c>/<c>Exit</c>,
/// <c>ReaderWriterLockSlim.EnterWriteLock</c>/<c>ExitWriteLock</c>, <see cref="DriverLocks"/>); when the return holds
/// another lock or one the analysis cannot name, no fix (taking the lock there could deadlock or break a lock order);</item>
/// <item>a lock of another object counts when the type reaches it through one holder it keeps for good (amdxdna's
/// <c>_xdna.NotifierLock</c>, <see cref="HeldObjects"/>); a call that holds the lock and perhaps something unnamed
/// besides (a finally that returns a pooled finish) holds it all the same;</item>
/// <item>one lock under several names counts once (<see cref="SameLock"/>: a property that returns the field, a field
/// every creation fills with one driver member); the fix writes it by a name the callback can use;</item>
/// <item>no lock at any call: a plain call (there is no discipline to break);</item>
/// <item>anything else (several locks, a lock that cannot be named or is taken through a helper): no fix.</item>
/// </list>
/// Not offered for an expression body (<c>=&gt; true</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF008AddSetSequenceCodeFix)), Shared]
public sealed partial class NTF008AddSetSequenceCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF008.AddSetSequence";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingSetSequence);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!TryGetProperty(diagnostic, CallbackFlowAnalyzer.NotifierProperty, out var notifier)
            || !TryGetProperty(diagnostic, CallbackFlowAnalyzer.SequenceProperty, out var sequence)
            || FindNode(root, diagnostic) is not ReturnStatementSyntax statement)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (model is null || types is null
            || LockDiscipline.Of(model, types, statement, cancellationToken) is not { } discipline)
        {
            return;
        }

        var callText = $"{notifier}.SetSequence({sequence})";
        var call = SyntaxFactory.ParseStatement($"{SyntaxHelpers.Escape(notifier)}.SetSequence({SyntaxHelpers.Escape(sequence)});");
        if (Plan(model, statement, discipline, call) is not { } plan)
        {
            return;
        }

        if (discipline.Lock is { } driverLock && discipline.AtReturn.Kind == LockKind.None
            && PrecedingRegion(statement, discipline) is { } first)
        {
            // The lock's last region before the return (where the device was just told to stop): the sequence is set in
            // that same critical section, so no reader can pass ReadRetry between the device's update and the sequence's.
            RegisterRootEdit(context, diagnostic, $"Call '{callText}' inside the '{plan.Lock ?? driverLock.Member.Name}' region before returning true",
                             () => SyntaxHelpers.InsertBefore(root, first, new[] { call }), EquivalenceKey);
            return;
        }

        var title = plan.Lock is null
            ? $"Call '{callText}' before returning true"
            : $"Call '{callText}' under '{plan.Lock}' before returning true";
        RegisterRootEdit(context, diagnostic, title, () => SyntaxHelpers.InsertBefore(root, statement, plan.Statements), EquivalenceKey);
    }

    /// <summary>
    /// The first statement of the last region of the driver lock that the return's block runs before the return: the
    /// body of a <c>lock</c> statement, a <c>using</c> statement or a <c>try</c> whose first statement holds that lock
    /// (<see cref="LockDiscipline.HoldsTheLockAt"/>: the lock state the rest of the fix uses). Null when there is none,
    /// when its body is empty, or when the block has labels (a goto could skip it).
    /// </summary>
    private static StatementSyntax? PrecedingRegion(ReturnStatementSyntax statement, LockDiscipline discipline)
    {
        if (statement.Parent is not BlockSyntax block || block.Statements.Any(s => s is LabeledStatementSyntax))
        {
            return null;
        }

        for (var i = block.Statements.IndexOf(statement) - 1; i >= 0; i--)
        {
            var body = block.Statements[i] switch
            {
                LockStatementSyntax { Statement: BlockSyntax locked } => locked,
                UsingStatementSyntax { Statement: BlockSyntax scoped } => scoped,
                TryStatementSyntax { Block: var tried } => tried,
                _ => null,
            };
            if (body?.Statements.FirstOrDefault() is { } first && discipline.HoldsTheLockAt(first))
            {
                return first;
            }
        }

        return null;
    }

    /// <summary>The statements to insert before the return and the lock they take (null: none); null when there is no fix.</summary>
    private static (string? Lock, StatementSyntax[] Statements)? Plan(SemanticModel model, ReturnStatementSyntax statement,
                                                                      LockDiscipline discipline, StatementSyntax call)
    {
        if (discipline.NoLock)
        {
            return (null, new[] { call });
        }

        if (discipline.Lock is not { } driverLock)
        {
            return null;
        }

        var atReturn = discipline.AtReturn;
        if (discipline.Holds(atReturn))
        {
            return (null, new[] { call }); // the return is inside the lock's region already
        }

        var position = statement.SpanStart;
        if (atReturn.Kind != LockKind.None
            || (driverLock.DeclaredBy is { Parent: { } block } declaration
                && (declaration.Span.End > position || !block.Span.Contains(statement.Span)))
            || DriverLocks.WriteAt(model, position, driverLock.Expression, driverLock.Member.Name) is not { } named
            || !SymbolEqualityComparer.Default.Equals(named.Member.OriginalDefinition, driverLock.Member.OriginalDefinition)
            || DriverLocks.LockableType(named.Member) is not { } type)
        {
            return null;
        }

        var written = named.Written;
        var locked = SyntaxFactory.ParseExpression(written);
        if (driverLock.IsLockStatement)
        {
            return (written, new StatementSyntax[] { SyntaxFactory.LockStatement(locked, SyntaxFactory.Block(call)) });
        }

        if (discipline.ByScope && DriverLocks.LockTypeOf(type) == "Lock")
        {
            var scope = SyntaxFactory.ParseExpression(written + ".EnterScope()");
            return (written, new StatementSyntax[] { SyntaxFactory.UsingStatement(null, scope, SyntaxFactory.Block(call)) });
        }

        if (DriverLocks.Pair(model, position, type, written, regionAwaits: false, inAsyncFunction: false) is not { } pair)
        {
            return null;
        }

        var held = SyntaxFactory.TryStatement(
            SyntaxFactory.Block(call), default,
            SyntaxFactory.FinallyClause(SyntaxFactory.Block(SyntaxFactory.ParseStatement(pair.Release))));
        return (written, new StatementSyntax[] { SyntaxFactory.ParseStatement(pair.Acquire), held });
    }
}
