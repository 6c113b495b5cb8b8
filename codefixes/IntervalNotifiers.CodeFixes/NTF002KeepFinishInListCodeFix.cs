using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF002 fixes: remove a direct <c>InvalidateFinish</c> call; replace a cached finish handed out by the start
/// (a private field or auto-property of the ops type) with one made per invocation: <c>new</c>, built as the member's
/// initializer builds it (<c>.PerInvocation.cs</c>), or rented from the type's <c>NotifierFinishPool</c> when the
/// finishes of the type go back to one (<c>.CachedFinish.cs</c> says when each applies).
/// </summary>
/// <remarks>
/// A rented finish must be returned, and the pool's <c>Return</c> rejects a finish it does not own: so the pool
/// variant never falls back to <c>new</c>. When the pool is empty the start throws <c>NotImplementedException</c>
/// saying what to write there (do the whole invalidation in the start and hand out <c>finish = null</c>), which
/// only the driver's author can write (docs/contract.md#what-a-fix-leaves-behind). When the finish already
/// returns every finish to that pool, <c>new</c> would make that <c>Return</c> throw, so only the pool variant is
/// offered; otherwise <c>new</c> is the default and the pool (with the <c>Return</c> added to the finish) the
/// alternative.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF002KeepFinishInListCodeFix)), Shared]
public sealed partial class NTF002KeepFinishInListCodeFix : NotifierCodeFixProvider
{
    public const string RemoveCallKey = "NTF002.RemoveInvalidateFinishCall";
    public const string NewPerInvocationKey = "NTF002.NewFinishPerInvocation";
    public const string RentFromPoolKey = "NTF002.RentFinishFromPool";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishOutsideList);

    public override ImmutableArray<string> AlternativeKeys { get; } = ImmutableArray.Create(RentFromPoolKey);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(FinishLifetimeAnalyzer.KindKey, out var kind))
        {
            return;
        }

        var node = FindNode(root, diagnostic);
        if (kind == FinishLifetimeAnalyzer.KindCall)
        {
            RegisterRemoveCall(context, diagnostic, root, node);
        }
        else if (kind == FinishLifetimeAnalyzer.KindHandOut)
        {
            var value = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Right,
                ReturnStatementSyntax returnStatement => returnStatement.Expression,
                _ => node.FirstAncestorOrSelf<AssignmentExpressionSyntax>()?.Right,
            };
            await RegisterPerInvocationAsync(context, diagnostic, root, value).ConfigureAwait(false);
        }
        else if (kind == FinishLifetimeAnalyzer.KindCreate && node is BaseObjectCreationExpressionSyntax creation)
        {
            // The same fix from the member's initializer, where the IDE shows the other half of the violation.
            await RegisterPerInvocationAsync(context, diagnostic, root, await HandOutOfInitializedAsync(context, creation).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
    }

    private static void RegisterRemoveCall(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, SyntaxNode node)
    {
        var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation?.Parent is not ExpressionStatementSyntax statement
            || statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
        {
            return;
        }

        RegisterRootEdit(
            context,
            diagnostic,
            "Remove the direct InvalidateFinish call",
            () => root.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives)!,
            RemoveCallKey);
    }
}
