using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF006 (docs/rules/NTF006.md): inserts <c>finish = null;</c> just before the offending <c>return false;</c>
/// (wrapping an embedded statement in a block). When what the start hands out was rented by <c>TryRent</c>, the rented
/// finish first goes back to its pool (<c>if (finish is T rented) { _pool.Return(rented); }</c>, <c>T</c> being the
/// pool's finish type: a class, a generic instantiation or a type parameter); the pool may be a field or property of
/// the type or a base, or a static one (<see cref="HandedOutFinishes"/>). When the pool of a rented finish is not
/// certain, no fix is offered: clearing the finish alone would leak it silently (docs/contract.md#what-a-fix-leaves-behind).
/// A finish created with <c>new</c> is just cleared. Offered only for a literal <c>return false;</c>: for a return whose value is false on
/// one path only (<c>return busy ? false : true;</c>) clearing the finish before it would also clear it on the
/// true path.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF006FinishOnFalseReturnCodeFix)), Shared]
public sealed class NTF006FinishOnFalseReturnCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF006.ClearFinishBeforeFalseReturn";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishOnFalseReturn);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.ContainsKey(CallbackFlowAnalyzer.LiteralReturnProperty)
            || !TryGetProperty(diagnostic, CallbackFlowAnalyzer.FinishProperty, out var finish)
            || FindNode(root, diagnostic) is not ReturnStatementSyntax statement)
        {
            return;
        }

        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        var body = statement.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
        if (model is null || types is null || body is null
            || HandedOutFinishes.Of(body, finish, model, types, context.CancellationToken) is not { } handedOut)
        {
            return;
        }

        var pool = handedOut.Pool(statement.SpanStart);
        if (pool is null && handedOut.Rented)
        {
            return; // a rented finish whose pool is not certain: clearing it alone would leak it silently
        }

        RegisterRootEdit(
            context,
            diagnostic,
            pool is null
                ? $"Set '{finish}' to null before returning false"
                : $"Return '{finish}' to '{pool.Name}' and set it to null before returning false",
            () =>
            {
                var name = SyntaxHelpers.Escape(finish);
                var statements = new List<StatementSyntax>();
                if (pool is not null)
                {
                    var rented = SyntaxHelpers.UniqueLocalName("rented", model, body, statement.SpanStart);
                    statements.Add(SyntaxFactory.ParseStatement(
                        $"if ({name} is {pool.PooledTypeName(model, statement.SpanStart)} {rented})\n{{\n{pool.Name}.Return({rented});\n}}"));
                }

                statements.Add(SyntaxFactory.ParseStatement(name + " = null;"));
                return SyntaxHelpers.InsertBefore(root, statement, statements);
            },
            EquivalenceKey);
    }
}
