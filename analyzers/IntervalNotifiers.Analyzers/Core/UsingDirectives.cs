using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>The using directives of one file: those at its top and those of every namespace declared in it, nested ones included.</summary>
internal static class UsingDirectives
{
    /// <summary>Whether some using directive of <paramref name="unit"/> passes <paramref name="test"/> (given <paramref name="state"/>).</summary>
    public static bool Any<TState>(CompilationUnitSyntax unit, TState state, Func<UsingDirectiveSyntax, TState, bool> test)
        => Any(unit.Usings, state, test) || AnyInNamespaces(unit.Members, state, test);

    private static bool AnyInNamespaces<TState>(SyntaxList<MemberDeclarationSyntax> members, TState state, Func<UsingDirectiveSyntax, TState, bool> test)
    {
        foreach (var member in members)
        {
            if (member is BaseNamespaceDeclarationSyntax space && (Any(space.Usings, state, test) || AnyInNamespaces(space.Members, state, test)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Any<TState>(SyntaxList<UsingDirectiveSyntax> usings, TState state, Func<UsingDirectiveSyntax, TState, bool> test)
    {
        foreach (var directive in usings)
        {
            if (test(directive, state))
            {
                return true;
            }
        }

        return false;
    }
}
