using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>Where an ops type and its overrides live in source, for the fixes that add or remove members.</summary>
internal static class OpsTypeSyntax
{
    /// <summary>
    /// The ops type a type-level diagnostic (NTF001, NTF003, NTF004, NTF005) is reported on, with the runtime's
    /// well-known types; null when the document has no semantic model, the runtime is not referenced or the
    /// diagnostic is not on a class identifier.
    /// </summary>
    public static async Task<(NotifierTypes Types, INamedTypeSymbol Type)?> ReportedTypeAsync(
        CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var types = model is null ? null : NotifierTypes.TryCreate(model.Compilation);
        if (model is null || types is null
            || root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration
            || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
        {
            return null;
        }

        return (types, type);
    }

    /// <summary>Whether <paramref name="method"/> is declared in <paramref name="type"/> itself (not in a base).</summary>
    public static bool DeclaredIn(IMethodSymbol method, INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type.OriginalDefinition);

    /// <summary>
    /// The declaration of <paramref name="type"/> in <paramref name="root"/> whose identifier is
    /// <paramref name="reported"/> (where the type-level rules report: the first declaration of a partial type),
    /// or else any declaration of it in that tree.
    /// </summary>
    public static TypeDeclarationSyntax? ReportedDeclaration(SyntaxNode root, INamedTypeSymbol type, TextSpan reported,
                                                             CancellationToken cancellationToken)
    {
        TypeDeclarationSyntax? any = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == root.SyntaxTree
                && reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
            {
                if (declaration.Identifier.Span == reported)
                {
                    return declaration;
                }

                any ??= declaration;
            }
        }

        return any;
    }

    /// <summary>
    /// <paramref name="root"/> with <paramref name="member"/> added to <paramref name="declaration"/> (just after
    /// <paramref name="after"/> when given, else at its end), and <c>using IntervalNotifiers;</c> added when one of
    /// the runtime's <paramref name="runtimeTypes"/> the member names does not bind at the declaration.
    /// </summary>
    public static SyntaxNode InsertMember(SyntaxNode root, SemanticModel model, TypeDeclarationSyntax declaration,
                                          MemberDeclarationSyntax? after, MemberDeclarationSyntax member,
                                          params string[] runtimeTypes)
    {
        var newDeclaration = after is not null
            ? declaration.InsertNodesAfter(after, new[] { member })
            : declaration.AddMembers(member);
        var newRoot = root.ReplaceNode(declaration, newDeclaration);
        foreach (var typeName in runtimeTypes)
        {
            if (!SyntaxHelpers.RuntimeTypeIsInScope(model, declaration.SpanStart, typeName) && newRoot is CompilationUnitSyntax unit)
            {
                return SyntaxHelpers.AddRuntimeUsing(unit);
            }
        }

        return newRoot;
    }
}
