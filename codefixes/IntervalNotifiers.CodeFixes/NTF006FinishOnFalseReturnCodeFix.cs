using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF006: inserts <c>finish = null;</c> just before the offending <c>return false;</c> (wrapping an embedded
/// statement in a block). Offered only for a literal <c>return false;</c>: for a return whose value is false on
/// one path only (<c>return busy ? false : true;</c>) clearing the finish before it would also clear it on the
/// true path.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF006FinishOnFalseReturnCodeFix)), Shared]
public sealed class NTF006FinishOnFalseReturnCodeFix : NotifierCodeFixProvider
{
    public const string EquivalenceKey = "NTF006.ClearFinishBeforeFalseReturn";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishOnFalseReturn);

    protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(CallbackFlowAnalyzer.LiteralReturnProperty)
            && TryGetProperty(diagnostic, CallbackFlowAnalyzer.FinishProperty, out var finish)
            && FindNode(root, diagnostic) is ReturnStatementSyntax statement)
        {
            RegisterRootEdit(
                context,
                diagnostic,
                $"Set '{finish}' to null before returning false",
                () =>
                {
                    var clear = SyntaxFactory.ParseStatement(SyntaxHelpers.Escape(finish) + " = null;");
                    return SyntaxHelpers.InsertBefore(root, statement, new[] { clear });
                },
                EquivalenceKey);
        }

        return Task.CompletedTask;
    }
}
