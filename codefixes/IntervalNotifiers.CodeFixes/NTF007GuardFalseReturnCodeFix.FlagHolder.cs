using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007's flag wait on the busy flag of an object the ops type holds (amdkfd's <c>Volatile.Read(ref _pinfo.Migrating)</c>,
/// the process info's flag): offered when the wait reads the very flag the test read, that is when the holder cannot
/// be replaced: a readonly field, a get-only auto-property, or a get-only property that only returns a readonly field
/// (<see cref="HeldObjects.IsKeptForGood"/>), of a class type, named directly (<c>_pinfo</c>, <c>this._pinfo</c>). The rest of
/// the flag wait's conditions hold as for a field of the ops type: the callback must not write the flag (by symbol,
/// whatever object it reaches it through), and something must clear it, looked for wherever it can be written.
/// </summary>
public sealed partial class NTF007GuardFalseReturnCodeFix
{
    /// <summary>The instance field of a held object that <paramref name="expression"/> names (<c>_pinfo.Migrating</c>), when the holder cannot be replaced; else null.</summary>
    private static IFieldSymbol? FlagOfAHeldObject(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        if (expression is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access
            || access.Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
            || model.GetSymbolInfo(expression, cancellationToken).Symbol is not IFieldSymbol { IsStatic: false } field)
        {
            return null;
        }

        var holder = model.GetSymbolInfo(access.Expression, cancellationToken).Symbol;
        return HeldObjects.IsKeptForGood(holder, model.Compilation, cancellationToken) ? field : null;
    }

    /// <summary>
    /// The names of <paramref name="field"/> wherever code can write it: its type's declarations for a private field; the
    /// whole compilation otherwise.
    /// </summary>
    private static IEnumerable<(IdentifierNameSyntax Name, SemanticModel Model)> Mentions(IFieldSymbol field, SemanticModel model,
                                                                                          CancellationToken cancellationToken)
    {
        var places = field.DeclaredAccessibility == Accessibility.Private
            ? field.ContainingType.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(cancellationToken))
            : model.Compilation.SyntaxTrees.Select(tree => tree.GetRoot(cancellationToken));
        foreach (var place in places)
        {
            var placeModel = SemanticModels.For(model, place.SyntaxTree);
            foreach (var name in place.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText == field.Name
                    && SymbolEqualityComparer.Default.Equals(placeModel.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition,
                                                             field.OriginalDefinition))
                {
                    yield return (name, placeModel);
                }
            }
        }
    }

    /// <summary>Whether every write of <paramref name="field"/> is in sight: a private field, or one no other assembly reaches.</summary>
    private static bool SeesEveryWrite(IFieldSymbol field, Compilation compilation)
        => field.DeclaredAccessibility == Accessibility.Private || SameLock.OnlyThisCompilationReaches(compilation, field);

    /// <summary>The value the field holds before anything writes it: its initializer's constant, else its type's default.</summary>
    private static object? FirstValue(IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } value })
            {
                var valueModel = SemanticModels.For(model, value.SyntaxTree);
                var constant = valueModel.GetConstantValue(value, cancellationToken);
                return constant.HasValue ? constant.Value : NotAConstant;
            }
        }

        return field.Type.SpecialType switch
        {
            SpecialType.System_Boolean => false,
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => 0,
            _ => NotAConstant,
        };
    }

    /// <summary>A first value the tests cannot compare (no test passes on it).</summary>
    private static readonly object NotAConstant = new();
}
