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
/// NTF006: inserts <c>finish = null;</c> just before the offending <c>return false;</c> (wrapping an embedded
/// statement in a block). When the start rents its finishes from one pool of the type, the rented finish first goes
/// back to it (<c>if (finish is T rented) { _pool.Return(rented); }</c>): a finish that is never handed out must not
/// leak out of its pool. Offered only for a literal <c>return false;</c>: for a return whose value is false on
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
        var pool = model is null || types is null || body is null
            ? null
            : PoolMember.RentedIn(body, model, types, context.CancellationToken);
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
                if (pool is not null && model is not null && body is not null)
                {
                    var rented = SyntaxHelpers.UniqueLocalName("rented", model, body, statement.SpanStart);
                    statements.Add(SyntaxFactory.ParseStatement(
                        $"if ({name} is {pool.FinishTypeName(model, statement.SpanStart)} {rented})\n{{\n{pool.Name}.Return({rented});\n}}"));
                }

                statements.Add(SyntaxFactory.ParseStatement(name + " = null;"));
                return SyntaxHelpers.InsertBefore(root, statement, statements);
            },
            EquivalenceKey);
    }
}
