using System;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Speed;

/// <summary>
/// The shared work of the speed layer gives what computing it every time would give: a body's operation walk is
/// <c>DescendantsAndSelf</c> in order, and the runtime's types are resolved once per compilation.
/// </summary>
public sealed class SharedWorkTests
{
    [Fact]
    public void Walk_IsDescendantsAndSelf_InOrder_OnEveryBodyOfTheValidCodeProject()
    {
        var compilation = ValidCodeTests.CompileValidCode();
        var bodies = 0;
        var operations = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax))
            {
                if (model.GetOperation(node) is not { } root)
                {
                    continue;
                }

                // Two blocks, as the driver hands out for a member with an initializer and a body: each is walked in turn.
                var blocks = ImmutableArray.Create(root, root);
                var expected = root.DescendantsAndSelf().Concat(root.DescendantsAndSelf()).ToArray();
                var walked = MethodBody.Walk(blocks);
                Assert.Equal(expected.Length, walked.Length);
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Same(expected[i], walked[i]);
                }

                bodies++;
                operations += walked.Length / 2;
            }
        }

        Assert.True(bodies > 200 && operations > 5000, $"only {bodies} bodies, {operations} operations walked");
    }

    [Fact]
    public void NotifierTypes_AreResolvedOncePerCompilation_AndNullWithoutTheRuntime()
    {
        var compilation = ValidCodeTests.Compile("Once", LanguageVersion.Latest, ("A.cs", "class A { }"));
        var first = NotifierTypes.TryCreate(compilation);
        Assert.NotNull(first);
        Assert.Same(first, NotifierTypes.TryCreate(compilation));

        // Another compilation (one more tree) resolves its own symbols.
        var other = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B { }"));
        var second = NotifierTypes.TryCreate(other);
        Assert.NotNull(second);
        Assert.NotSame(first, second);

        var withoutRuntime = CSharpCompilation.Create("NoRuntime", new[] { CSharpSyntaxTree.ParseText("class A { }") },
                                                      new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        Assert.Null(NotifierTypes.TryCreate(withoutRuntime));
        Assert.Null(NotifierTypes.TryCreate(withoutRuntime));
    }
}
