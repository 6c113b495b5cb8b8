using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

using IntervalNotifiers.CodeFixes.Common;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF008AddSetSequenceCodeFix
{
    /// <summary>
    /// The driver lock as the callback writes it: <see cref="Expression"/> names <see cref="Member"/> (a member of the ops
    /// type, or of the notifier through a local that holds the callback's notifier, declared by <see cref="DeclaredBy"/>,
    /// which must come before the return).
    /// </summary>
    private sealed class NamedLock
    {
        public NamedLock(ISymbol member, string expression, bool isLockStatement, SyntaxNode? declaredBy)
        {
            Member = member;
            Expression = expression;
            IsLockStatement = isLockStatement;
            DeclaredBy = declaredBy;
        }

        public ISymbol Member { get; }

        public string Expression { get; }

        /// <summary>Whether every call that holds it holds it through a C# <c>lock</c> statement.</summary>
        public bool IsLockStatement { get; }

        public SyntaxNode? DeclaredBy { get; }
    }

    private sealed partial class LockDiscipline
    {
        /// <summary>
        /// The locks held at the <c>ReadRetry</c> calls outside the ops type whose receiver is of a derived notifier type
        /// the callback casts or matches its notifier to, or of a type derived from it (docs/rules/NTF008.md: a read through
        /// a plain <c>IntervalNotifier</c> ties to no type). A reader in a private method that holds no lock of its own
        /// counts as unknown: its callers decide, and they are not followed here.
        /// </summary>
        private IEnumerable<LockState> ReadersElsewhere(SemanticModel model, NotifierTypes types, IMethodSymbol callback,
                                                        IOperation[] callbackTree, CancellationToken cancellationToken)
        {
            var tied = NotifierTypesOf(types, callback, callbackTree);
            if (tied.Count == 0)
            {
                yield break;
            }

            var own = new HashSet<SyntaxNode>(_sites.Select(site => site.Call.Syntax));
            foreach (var tree in model.Compilation.SyntaxTrees)
            {
                var root = tree.GetRoot(cancellationToken);
                var calls = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
                                .Where(call => call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ReadRetry" }
                                                   or IdentifierNameSyntax { Identifier.ValueText: "ReadRetry" }
                                               && !own.Contains(call))
                                .ToList();
                if (calls.Count == 0)
                {
                    continue;
                }

                var treeModel = SemanticModels.For(model, tree);
                foreach (var call in calls)
                {
                    if (treeModel.GetOperation(call, cancellationToken) is not IInvocationOperation invocation
                        || !ReadSideOperations.IsNotifierMethod(types, invocation.TargetMethod, "ReadRetry")
                        || !IsTied(types, invocation.Instance?.Type, tied))
                    {
                        continue;
                    }

                    yield return ReaderLocks(treeModel, invocation, cancellationToken);
                }
            }
        }

        private LockState ReaderLocks(SemanticModel model, IInvocationOperation invocation, CancellationToken cancellationToken)
        {
            var member = model.GetEnclosingSymbol(invocation.Syntax.SpanStart, cancellationToken);
            while (member is { ContainingSymbol: not INamedTypeSymbol })
            {
                member = member.ContainingSymbol; // a lambda or local function: the member that holds it
            }

            if (member is null)
            {
                return LockState.Unknown;
            }

            var acquisitions = new List<LockAcquisition>();
            foreach (var operation in ReadSideOperations.TreeOf(invocation))
            {
                if (operation is IInvocationOperation call && _regions.MayAcquire(call.TargetMethod) && _regions.Classify(call) is { } acquisition)
                {
                    acquisitions.Add(acquisition);
                }
            }

            var state = _regions.Compute(invocation, member, acquisitions);
            return state.DependsOnCallers && member.DeclaredAccessibility == Accessibility.Private ? LockState.Unknown : state;
        }

        /// <summary>The derived notifier types the callback casts, tests or matches anything to (its notifier, in practice).</summary>
        private static List<ITypeSymbol> NotifierTypesOf(NotifierTypes types, IMethodSymbol callback, IOperation[] callbackTree)
        {
            var found = new List<ITypeSymbol>();
            foreach (var operation in callbackTree)
            {
                var type = operation switch
                {
                    IConversionOperation { IsImplicit: false } conversion => conversion.Type,
                    IIsTypeOperation isType => isType.TypeOperand,
                    IPatternOperation pattern => pattern.NarrowedType,
                    _ => null,
                };
                if (SetSequenceTargets.DerivedNotifierType(types, type) is { } derived && !found.Contains(derived, SymbolEqualityComparer.Default))
                {
                    found.Add(derived);
                }
            }

            return found;
        }

        private static bool IsTied(NotifierTypes types, ITypeSymbol? receiver, List<ITypeSymbol> tied)
            => SetSequenceTargets.DerivedNotifierType(types, receiver) is { } derived
               && tied.Any(type => DerivesFromOrIs(derived, type) || DerivesFromOrIs(type, derived));

        private static bool DerivesFromOrIs(ITypeSymbol type, ITypeSymbol baseType)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A local of the callback that holds its notifier, cast to a type that has <paramref name="member"/> (an instance
        /// member of a notifier type): declared by <c>var x = (T)notifier;</c> and never written again, so that
        /// <c>x.member</c> is the lock of the notifier being invalidated wherever the local is in scope.
        /// </summary>
        private static (ILocalSymbol Local, SyntaxNode Declaration)? NotifierHandle(NotifierTypes types, IMethodSymbol callback,
                                                                                  IOperation[] callbackTree, ISymbol member)
        {
            if (member.IsStatic || !types.IsNotifierType(member.ContainingType)
                || callback.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, types.Notifier)) is not { } notifier)
            {
                return null;
            }

            (ILocalSymbol Local, SyntaxNode Declaration)? handle = null;
            foreach (var operation in callbackTree)
            {
                if (operation is IVariableDeclaratorOperation
                    {
                        Initializer.Value: IConversionOperation { IsImplicit: false, IsTryCast: false, Operand: IParameterReferenceOperation cast },
                        Syntax.Parent.Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax } statement,
                    } declarator
                    && SymbolEqualityComparer.Default.Equals(cast.Parameter, notifier)
                    && DerivesFromOrIs(declarator.Symbol.Type, member.ContainingType))
                {
                    if (handle is not null)
                    {
                        return null; // two of them: which one the return can use is not worth guessing
                    }

                    handle = (declarator.Symbol, statement);
                }
            }

            return handle is { } found && !IsWrittenAgain(found.Local, callbackTree) ? found : null;
        }

        /// <summary>
        /// The local through which the callback itself takes <paramref name="member"/> (<c>var vm = uptr.Vm; ...
        /// lock (vm.NotifierLock)</c>, the kernel's <c>xe_vm</c> lock reached from the userptr): one local of the callback,
        /// declared by a statement of a block and never written again, that every acquisition of the member in the
        /// callback goes through. Null otherwise.
        /// </summary>
        private static (ILocalSymbol Local, SyntaxNode Declaration)? LockHolderLocal(IOperation[] callbackTree, ISymbol member)
        {
            ILocalSymbol? holder = null;
            foreach (var operation in callbackTree)
            {
                if (!IsTheMember(operation, member))
                {
                    continue;
                }

                var instance = operation is IFieldReferenceOperation field ? field.Instance : ((IPropertyReferenceOperation)operation).Instance;
                if (instance is not ILocalReferenceOperation { Local: var local }
                    || (holder is not null && !SymbolEqualityComparer.Default.Equals(holder, local)))
                {
                    return null; // the member is reached another way too (another local, a field, a call)
                }

                holder = local;
            }

            if (holder is null || IsWrittenAgain(holder, callbackTree)
                || holder.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not
                    { Parent.Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax } statement })
            {
                return null;
            }

            return (holder, statement);
        }

        private static bool IsTheMember(IOperation operation, ISymbol member) => operation switch
        {
            IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field, member),
            IPropertyReferenceOperation property => SymbolEqualityComparer.Default.Equals(property.Property, member),
            _ => false,
        };

        private static bool IsWrittenAgain(ILocalSymbol local, IOperation[] callbackTree)
            => callbackTree.Any(operation => operation is ILocalReferenceOperation reference
                                             && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                                             && (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference
                                                 || reference.Parent is IIncrementOrDecrementOperation
                                                 || reference.Parent is IArgumentOperation { Parameter.RefKind: not RefKind.None }
                                                 || reference.Parent is IDeconstructionAssignmentOperation
                                                 || reference.Parent is ITupleOperation));
    }
}
