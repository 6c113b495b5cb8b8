using System.Linq;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF008AddSetSequenceCodeFix
{
    private sealed partial class LockDiscipline
    {
        /// <summary>
        /// The member of the ops type through which the type's code reaches <paramref name="lockMember"/>, an instance
        /// member of another type (amdxdna's <c>_xdna.NotifierLock</c>: the device's semaphore, through the readonly field
        /// that holds the device): every mention of the lock in the type's declarations is <c>holder.Lock</c> (or
        /// <c>this.holder.Lock</c>) with one and the same holder, a member of the ops type or a base that the ops type keeps
        /// for good (<see cref="HeldObjects.IsKeptForGood"/>). Then the lock the fix names is the very object the type's
        /// own <c>SetSequence</c> calls hold. Null otherwise: a holder that can be replaced, two holders, the lock reached
        /// through a local, a call or a conditional access.
        /// </summary>
        private ISymbol? HolderOf(ISymbol lockMember)
        {
            if (lockMember.IsStatic || lockMember is not (IFieldSymbol or IPropertySymbol) || InTypeChain(lockMember.ContainingType))
            {
                return null;
            }

            ISymbol? holder = null;
            foreach (var reference in _type.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(_cancellationToken);
                var model = _compilation.GetSemanticModel(declaration.SyntaxTree);
                foreach (var name in declaration.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Identifier.ValueText != lockMember.Name
                        || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, _cancellationToken).Symbol?.OriginalDefinition,
                                                                  lockMember.OriginalDefinition))
                    {
                        continue;
                    }

                    if (name.Parent is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access
                        || access.Name != name
                        || access.Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                        || model.GetSymbolInfo(access.Expression, _cancellationToken).Symbol is not { IsStatic: false } found
                        || found is not (IFieldSymbol or IPropertySymbol)
                        || !InTypeChain(found.ContainingType)
                        || (holder is not null && !SymbolEqualityComparer.Default.Equals(holder, found)))
                    {
                        return null;
                    }

                    holder = found;
                }
            }

            return holder is not null && HeldObjects.IsKeptForGood(holder, _compilation, _cancellationToken)
                   && (holder.DeclaredAccessibility != Accessibility.Private
                       || SymbolEqualityComparer.Default.Equals(holder.ContainingType.OriginalDefinition, _type.OriginalDefinition))
                ? holder
                : null;
        }

        /// <summary><paramref name="holder"/> as the callback writes it: its name, or <c>this.</c> and its name when a local or parameter of the callback has that name.</summary>
        private static string HolderWritten(ISymbol holder, IMethodSymbol callback, IOperation[] callbackTree)
        {
            var hidden = callback.Parameters.Any(parameter => parameter.Name == holder.Name) || callbackTree.Any(operation => operation switch
            {
                ILocalReferenceOperation local => local.Local.Name == holder.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name == holder.Name,
                IVariableDeclaratorOperation declarator => declarator.Symbol.Name == holder.Name,
                _ => false,
            });
            return (hidden ? "this." : string.Empty) + SyntaxHelpers.Escape(holder.Name);
        }

        private bool InTypeChain(INamedTypeSymbol? type)
        {
            for (var t = _type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, type?.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
