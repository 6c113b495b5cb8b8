using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes;

/// <summary>What the finish pass reads of the finish the new start would hand out.</summary>
public sealed partial class NTF005AddInvalidateStartCodeFix
{
    /// <summary>How deep the scan follows the finish into source methods it is passed to.</summary>
    private const int MaxHelperDepth = 3;

    /// <summary>
    /// What <c>InvalidateFinish</c> reads of its finish: the fields and properties of finish types it reads (by
    /// name, in order of appearance), and whether the finish goes where the scan cannot follow (a method of a
    /// finish type, a field, a method whose body is not in the compilation): then it may read anything.
    /// </summary>
    private sealed class FinishReads
    {
        private readonly HashSet<string> _seen = new();

        public List<string> Members { get; } = new();

        public bool PassedOn { get; set; }

        /// <summary>Whether a start that hands out a new (or rented) finish without filling it may leave the finish pass wrong.</summary>
        public bool NeedsFilling => PassedOn || Members.Count > 0;

        public void Read(string name)
        {
            if (_seen.Add(name))
            {
                Members.Add(name);
            }
        }
    }

    /// <summary>
    /// Scans <paramref name="finishBody"/> (the <c>InvalidateFinish</c> declaration) and the source methods it hands
    /// its finish to for what they read of it. Conservative: any read of a field or property of a finish type counts
    /// (whatever the receiver), a write alone does not; the finish and the locals and pattern variables it flows into
    /// may be cast, tested, compared, used as a receiver, returned to a pool or passed to a source method that is
    /// scanned in turn; any other use is <see cref="FinishReads.PassedOn"/>.
    /// </summary>
    private static FinishReads ReadsOf(SyntaxNode finishBody, IMethodSymbol finish, Compilation compilation,
                                       NotifierTypes types, CancellationToken cancellationToken)
    {
        var reads = new FinishReads();
        if (finish.OriginalDefinition.Parameters is not { Length: 1 } parameters)
        {
            reads.PassedOn = true;
            return reads;
        }

        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        Scan(finishBody, parameters[0], 0);
        return reads;

        void Scan(SyntaxNode body, IParameterSymbol root, int depth)
        {
            if (!visited.Add(root))
            {
                return;
            }

            var model = compilation.GetSemanticModel(body.SyntaxTree);
            var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { root };
            foreach (var name in body.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = model.GetSymbolInfo(name, cancellationToken);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is null)
                {
                    continue;
                }

                if (IsFinishMember(symbol, types))
                {
                    if (symbol is IFieldSymbol or IPropertySymbol)
                    {
                        if (!IsWrittenOnly(name))
                        {
                            reads.Read(symbol.Name);
                        }
                    }
                    else
                    {
                        reads.PassedOn = true; // a method (or event) of the finish may read any of its state
                    }
                }
                else if (aliases.Contains(symbol) && !IsFollowedUse(name, model, aliases, depth))
                {
                    reads.PassedOn = true;
                }
            }
        }

        // Whether this use of the finish (or an alias) stays where the scan sees it; aliases it flows into are added.
        bool IsFollowedUse(SimpleNameSyntax name, SemanticModel model, HashSet<ISymbol> aliases, int depth)
        {
            ExpressionSyntax expression = name;
            while (expression.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax
                   or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression }
                   or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
            {
                if (expression.Parent is BinaryExpressionSyntax asExpression && asExpression.Left != expression)
                {
                    break;
                }

                expression = (ExpressionSyntax)expression.Parent;
            }

            switch (expression.Parent)
            {
                case MemberAccessExpressionSyntax access when access.Expression == expression:
                    return IsFollowedReceiver(access.Name, model, depth);
                case ConditionalAccessExpressionSyntax conditional when conditional.Expression == expression:
                    return conditional.WhenNotNull.DescendantNodesAndSelf().OfType<MemberBindingExpressionSyntax>().FirstOrDefault()
                               is not { } binding
                           || IsFollowedReceiver(binding.Name, model, depth);
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression or (int)SyntaxKind.EqualsExpression
                                              or (int)SyntaxKind.NotEqualsExpression }:
                    return true; // what is read through the receiver is a member: counted where it is named
                case IsPatternExpressionSyntax isPattern when isPattern.Expression == expression:
                    AddDesignations(isPattern.Pattern, model, aliases);
                    return true;
                case SwitchStatementSyntax switchStatement when switchStatement.Expression == expression:
                    foreach (var label in switchStatement.Sections.SelectMany(s => s.Labels))
                    {
                        AddDesignations(label, model, aliases);
                    }

                    return true;
                case SwitchExpressionSyntax switchExpression when switchExpression.GoverningExpression == expression:
                    foreach (var arm in switchExpression.Arms)
                    {
                        AddDesignations(arm.Pattern, model, aliases);
                    }

                    return true;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                    when model.GetDeclaredSymbol(declarator) is ILocalSymbol local:
                    aliases.Add(local);
                    return true;
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                    when assignment.Right == expression && model.GetSymbolInfo(assignment.Left).Symbol is ILocalSymbol local:
                    aliases.Add(local);
                    return true;
                case ArgumentSyntax argument:
                    return IsFollowedArgument(argument, model, depth);
                default:
                    return false;
            }
        }

        // A member of the finish is counted where it is named; an extension method gets the finish as its first argument.
        bool IsFollowedReceiver(SimpleNameSyntax member, SemanticModel model, int depth)
            => model.GetSymbolInfo(member, cancellationToken).Symbol is not IMethodSymbol { ReducedFrom: { } extension }
               || IsFollowedCall(extension, 0, depth);

        // base.M(finish) calls M itself, not an override of it.
        bool IsFollowedArgument(ArgumentSyntax argument, SemanticModel model, int depth)
            => argument.RefKindKeyword.IsKind(SyntaxKind.None)
               && model.GetOperation(argument, cancellationToken) is IArgumentOperation { Parameter: { } parameter }
               && parameter.ContainingSymbol is IMethodSymbol method
               && IsFollowedCall(method, parameter.Ordinal, depth,
                                 argument.Parent?.Parent is InvocationExpressionSyntax
                                 {
                                     Expression: MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax },
                                 });

        // Whether the finish passed as parameter <ordinal> of <method> is returned to a pool or scanned in the method's
        // source (the runtime's InvalidateFinish, called through base., does nothing with it).
        bool IsFollowedCall(IMethodSymbol method, int ordinal, int depth, bool throughBase = false)
        {
            var definition = method.OriginalDefinition;
            if (NotifierTypes.Is(definition, types.PoolReturn) || (throughBase && NotifierTypes.Is(definition, types.InvalidateFinish)))
            {
                return true;
            }

            // A call that may land in an override the scan does not see, or a method without a body here, is not followed.
            definition = definition.PartialImplementationPart ?? definition;
            if (depth >= MaxHelperDepth || ordinal >= definition.Parameters.Length || definition.IsAbstract
                || (!throughBase && (definition.IsVirtual
                                     || (definition.IsOverride && !definition.IsSealed && !definition.ContainingType.IsSealed)))
                || definition.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken))
                             .FirstOrDefault(s => s is BaseMethodDeclarationSyntax { Body: not null } or BaseMethodDeclarationSyntax { ExpressionBody: not null }
                                                  or LocalFunctionStatementSyntax { Body: not null } or LocalFunctionStatementSyntax { ExpressionBody: not null }
                                                  && compilation.ContainsSyntaxTree(s.SyntaxTree)) is not { } helper)
            {
                return false;
            }

            Scan(helper, definition.Parameters[ordinal], depth + 1);
            return true;
        }
    }

    /// <summary>An instance field, property, method or event declared by a finish type below <c>NotifierFinish</c>.</summary>
    private static bool IsFinishMember(ISymbol symbol, NotifierTypes types)
        => !symbol.IsStatic
           && symbol is IFieldSymbol or IPropertySymbol or IEventSymbol or IMethodSymbol { MethodKind: not MethodKind.Constructor }
           && symbol.ContainingType is { } containing
           && types.IsFinishType(containing)
           && !SymbolEqualityComparer.Default.Equals(containing.OriginalDefinition, types.Finish);

    /// <summary>Whether <paramref name="name"/> is only assigned (<c>f.Fence = null</c>), not read.</summary>
    private static bool IsWrittenOnly(SimpleNameSyntax name)
    {
        SyntaxNode target = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return target.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
               && assignment.Left == target;
    }

    private static void AddDesignations(SyntaxNode pattern, SemanticModel model, HashSet<ISymbol> aliases)
    {
        foreach (var designation in pattern.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>())
        {
            if (model.GetDeclaredSymbol(designation) is { } local)
            {
                aliases.Add(local);
            }
        }
    }
}
