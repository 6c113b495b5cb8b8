using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// The place of one callback (<c>Invalidate</c>, <c>InvalidateStart</c> or <c>InvalidateFinish</c>) in an ops type
/// that does not override it, as the fixes that add that callback see it
/// (docs/contract.md#overrides-and-ops-types). Either the name is <see cref="IsFree"/> (no member of that name in the
/// type or in its bases below <c>IntervalNotifierOps</c>: a new override compiles); or the type declares exactly one
/// method of that name that the user evidently meant as the callback (the callback's parameter and return types,
/// <c>override</c> forgotten: CS0114, or <c>in</c> missing or added), which <see cref="MakeOverrideAsync"/> turns into
/// the override, keeping its body; or the name is taken by something else, and adding the callback would not compile
/// (CS0111, CS0102, CS0506) or would hide what the user wrote: then no fix adds it.
/// </summary>
internal sealed class CallbackSlot
{
    private static readonly CallbackSlot Free = new(null, null, null);
    private static readonly CallbackSlot Taken = new(null, null, null);

    private CallbackSlot(IMethodSymbol? method, MethodDeclarationSyntax? declaration, RefKind[]? refKinds)
    {
        Method = method;
        Declaration = declaration;
        RefKinds = refKinds;
    }

    /// <summary>No member of the callback's name in the type or its bases below the runtime's ops class.</summary>
    public bool IsFree => ReferenceEquals(this, Free);

    /// <summary>The user's method that can become the override (null unless there is exactly one such method).</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>The declaration of <see cref="Method"/>.</summary>
    public MethodDeclarationSyntax? Declaration { get; }

    /// <summary>The parameter ref kinds the override needs (the runtime callback's).</summary>
    private RefKind[]? RefKinds { get; }

    /// <summary>What <paramref name="type"/> has in the place of the callback <paramref name="kind"/>.</summary>
    public static CallbackSlot Find(NotifierTypes types, INamedTypeSymbol type, CallbackKind kind, Compilation compilation,
                                    CancellationToken cancellationToken)
    {
        var name = NotifierTypes.NameOf(kind);
        var target = kind switch
        {
            CallbackKind.Invalidate => types.Invalidate,
            CallbackKind.InvalidateStart => types.InvalidateStart,
            CallbackKind.InvalidateFinish => types.InvalidateFinish,
            _ => null,
        };
        if (target is null)
        {
            return Taken;
        }

        for (var t = type.BaseType; t is not null && !SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, types.Ops); t = t.BaseType)
        {
            if (!t.GetMembers(name).IsEmpty)
            {
                return Taken; // a base's member would hide the runtime's callback from a new override (or clash with it)
            }
        }

        var members = type.GetMembers(name);
        if (members.IsEmpty)
        {
            return Free;
        }

        return members.Length == 1 && members[0] is IMethodSymbol method
               && Convertible(method, target, compilation, cancellationToken) is { } convertible
            ? convertible
            : Taken;
    }

    /// <summary>
    /// The slot holding <paramref name="method"/> when it can become the override of <paramref name="target"/> without
    /// changing what its body means: an ordinary instance method with a body, not generic, partial, async, extern or
    /// an override already, returning the callback's type, whose parameters have the callback's types and ref kinds,
    /// except that a missing <c>in</c> is added (when the body neither writes the parameter nor captures it, and no
    /// code uses the method other than by calling it) and an extra <c>in</c> dropped.
    /// </summary>
    private static CallbackSlot? Convertible(IMethodSymbol method, IMethodSymbol target, Compilation compilation,
                                             CancellationToken cancellationToken)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.IsGenericMethod || method.IsAbstract
            || method.IsExtern || method.IsAsync || method.IsOverride || method.ReturnsByRef || method.ReturnsByRefReadonly
            || method.PartialDefinitionPart is not null || method.PartialImplementationPart is not null
            || !SymbolEqualityComparer.Default.Equals(method.ReturnType, target.ReturnType)
            || method.Parameters.Length != target.Parameters.Length
            || method.DeclaringSyntaxReferences.Length != 1
            || method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration
            || (declaration.Body is null && declaration.ExpressionBody is null)
            || declaration.ExplicitInterfaceSpecifier is not null
            || declaration.ParameterList.Parameters.Count != target.Parameters.Length
            || declaration.Modifiers.Any(SyntaxKind.PartialKeyword)
            || !compilation.ContainsSyntaxTree(declaration.SyntaxTree))
        {
            return null;
        }

        var refKinds = new RefKind[target.Parameters.Length];
        var changesRefKinds = false;
        for (var i = 0; i < refKinds.Length; i++)
        {
            var mine = method.Parameters[i];
            var theirs = target.Parameters[i];
            refKinds[i] = theirs.RefKind;
            if (!SymbolEqualityComparer.Default.Equals(mine.Type, theirs.Type) || mine.IsParams
                || declaration.ParameterList.Parameters[i].Modifiers.Any(m => !m.IsKind(SyntaxKind.InKeyword) && !m.IsKind(SyntaxKind.OutKeyword)))
            {
                return null;
            }

            if (mine.RefKind == theirs.RefKind)
            {
                continue;
            }

            changesRefKinds = true;
            var addsIn = mine.RefKind == RefKind.None && theirs.RefKind == RefKind.In;
            var dropsIn = mine.RefKind == RefKind.In && theirs.RefKind == RefKind.None;
            if (!dropsIn && !(addsIn && CanBecomeIn(declaration, mine, compilation, cancellationToken)))
            {
                return null;
            }
        }

        if (changesRefKinds && IsUsedOtherThanCalled(method, compilation, cancellationToken))
        {
            return null; // a method group turned into a delegate would no longer match it
        }

        return new CallbackSlot(method, declaration, refKinds);
    }

    /// <summary>
    /// Whether <paramref name="parameter"/> can become an <c>in</c> parameter: the body never assigns it, passes it by
    /// <c>ref</c> or <c>out</c>, takes a reference to it, or uses it in a lambda, local function or query (which cannot
    /// capture an <c>in</c> parameter: CS1628).
    /// </summary>
    private static bool CanBecomeIn(MethodDeclarationSyntax declaration, IParameterSymbol parameter, Compilation compilation,
                                    CancellationToken cancellationToken)
    {
        var model = compilation.GetSemanticModel(declaration.SyntaxTree);
        SyntaxNode body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody!;
        foreach (var name in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != parameter.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, parameter))
            {
                continue;
            }

            if (name.Ancestors().TakeWhile(a => a != body).Any(a => a is AnonymousFunctionExpressionSyntax
                                                                    or LocalFunctionStatementSyntax or QueryExpressionSyntax))
            {
                return false;
            }

            ExpressionSyntax use = name;
            while (use.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                use = parenthesized;
            }

            switch (use.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == use:
                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                                                  && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword):
                case RefExpressionSyntax:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression }:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Whether some code of the compilation names <paramref name="method"/> other than to call it (a method group).</summary>
    private static bool IsUsedOtherThanCalled(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetRoot(cancellationToken);
            SemanticModel? model = null;
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != method.Name || IsCallee(name))
                {
                    continue;
                }

                model ??= compilation.GetSemanticModel(tree);
                var info = model.GetSymbolInfo(name, cancellationToken);
                if (info.Symbol is IMethodSymbol found ? SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, method.OriginalDefinition)
                                                       : info.CandidateSymbols.Any(c => SymbolEqualityComparer.Default.Equals(c.OriginalDefinition, method.OriginalDefinition)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsCallee(SimpleNameSyntax name)
    {
        SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name
            ? access
            : name.Parent is MemberBindingExpressionSyntax binding && binding.Name == name ? binding : name;
        return callee.Parent is InvocationExpressionSyntax invocation && invocation.Expression == callee;
    }

    /// <summary>Offers "Make X an override" (<see cref="MakeOverrideAsync"/>) for <paramref name="diagnostic"/>.</summary>
    public void RegisterMakeOverride(CodeFixContext context, Diagnostic diagnostic, string equivalenceKey)
        => context.RegisterCodeFix(CodeAction.Create(
            $"Make {Method!.Name} an override",
            token => MakeOverrideAsync(context.Document.Project.Solution, token),
            equivalenceKey), diagnostic);

    /// <summary>
    /// <paramref name="solution"/> with the user's method (<see cref="Declaration"/>) made the callback's override:
    /// <c>public override</c> in place of its accessibility and of <c>new</c>, <c>virtual</c> or <c>sealed</c>, the
    /// callback's <c>in</c> modifiers on its parameters; its attributes, comments, parameter names and body kept.
    /// </summary>
    public async Task<Solution> MakeOverrideAsync(Solution solution, CancellationToken cancellationToken)
    {
        var declaration = Declaration!;
        var document = solution.GetDocument(declaration.SyntaxTree);
        var root = document is null ? null : await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (document is null || root is null || !root.Contains(declaration))
        {
            return solution;
        }

        return solution.WithDocumentSyntaxRoot(document.Id, root.ReplaceNode(declaration, AsOverride(declaration, RefKinds!)));
    }

    private static MethodDeclarationSyntax AsOverride(MethodDeclarationSyntax declaration, RefKind[] refKinds)
    {
        var space = SyntaxFactory.Space;
        var leading = declaration.Modifiers.Count > 0 ? declaration.Modifiers[0].LeadingTrivia : declaration.ReturnType.GetLeadingTrivia();
        var modifiers = new List<SyntaxToken>
        {
            SyntaxFactory.Token(leading, SyntaxKind.PublicKeyword, SyntaxFactory.TriviaList(space)),
            SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.OverrideKeyword, SyntaxFactory.TriviaList(space)),
        };
        foreach (var modifier in declaration.Modifiers)
        {
            if (!modifier.IsKind(SyntaxKind.PublicKeyword) && !modifier.IsKind(SyntaxKind.PrivateKeyword)
                && !modifier.IsKind(SyntaxKind.ProtectedKeyword) && !modifier.IsKind(SyntaxKind.InternalKeyword)
                && !modifier.IsKind(SyntaxKind.NewKeyword) && !modifier.IsKind(SyntaxKind.VirtualKeyword)
                && !modifier.IsKind(SyntaxKind.SealedKeyword))
            {
                modifiers.Add(modifier.WithLeadingTrivia().WithTrailingTrivia(space));
            }
        }

        var parameters = declaration.ParameterList.Parameters;
        var newParameters = new List<ParameterSyntax>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var hasIn = parameter.Modifiers.Any(SyntaxKind.InKeyword);
            if (refKinds[i] == RefKind.In && !hasIn && parameter.Type is { } type)
            {
                parameter = parameter.WithType(type.WithLeadingTrivia())
                                     .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(type.GetLeadingTrivia(), SyntaxKind.InKeyword,
                                                                                                SyntaxFactory.TriviaList(space))));
            }
            else if (refKinds[i] == RefKind.None && hasIn && parameter.Type is { } plain)
            {
                var keyword = parameter.Modifiers.First(m => m.IsKind(SyntaxKind.InKeyword));
                parameter = parameter.WithModifiers(SyntaxFactory.TokenList(parameter.Modifiers.Where(m => !m.IsKind(SyntaxKind.InKeyword))))
                                     .WithType(plain.WithLeadingTrivia(keyword.LeadingTrivia));
            }

            newParameters.Add(parameter);
        }

        var returnType = declaration.Modifiers.Count > 0 ? declaration.ReturnType : declaration.ReturnType.WithLeadingTrivia();
        return declaration.WithModifiers(SyntaxFactory.TokenList(modifiers))
                          .WithReturnType(returnType)
                          .WithParameterList(declaration.ParameterList.WithParameters(
                              SyntaxFactory.SeparatedList(newParameters, parameters.GetSeparators())));
    }
}
