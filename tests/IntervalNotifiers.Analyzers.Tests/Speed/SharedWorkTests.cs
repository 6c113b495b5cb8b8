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

    [Fact]
    public void NotifierTypes_AreTheRuntimes_EvenWhenSourceDeclaresALookAlike()
    {
        var compilation = ValidCodeTests.Compile("LookAlike", LanguageVersion.Latest,
            ("A.cs", "namespace IntervalNotifiers { internal sealed class NotifierFinish { } internal sealed class NotifierRange { } }"));
        var types = NotifierTypes.TryCreate(compilation);
        Assert.NotNull(types);
        Assert.Same(types!.Ops.ContainingAssembly, types.Finish.ContainingAssembly);
        Assert.Same(types.Ops.ContainingAssembly, types.Range.ContainingAssembly);
        Assert.Same(types.Ops.ContainingAssembly, types.Notifier.ContainingAssembly);
        Assert.NotSame(compilation.Assembly, types.Finish.ContainingAssembly);
    }

    /// <summary>
    /// A type's call graph is shared by the analyzers of a compilation (Speed/TypeGraphs.cs) only when it was built from
    /// the same bodies: the same blocks in another order (another analyzer's collection) reuse it; one body fewer (an
    /// analyzer that asks before it has seen them all) or another body gets a graph of its own.
    /// </summary>
    [Fact]
    public void TypeGraphs_AreSharedOnlyForTheSameBodies()
    {
        var compilation = ValidCodeTests.Compile("Graphs", LanguageVersion.Latest,
            ("A.cs", "class A { void F() => G(); void G() { } void H() => G(); }"));
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("A.cs", StringComparison.Ordinal));
        var model = compilation.GetSemanticModel(tree);
        var type = compilation.GetTypeByMetadataName("A")!;
        var walks = IntervalNotifiers.Analyzers.Speed.Walks.For(compilation);
        MethodBody[] Bodies(params string[] names) => names.Select(name =>
        {
            var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == name);
            return new MethodBody(model.GetDeclaredSymbol(declaration)!, ImmutableArray.Create(model.GetOperation(declaration)!), walks);
        }).ToArray();

        var graphs = IntervalNotifiers.Analyzers.Speed.TypeGraphs.For(compilation);
        var built = 0;
        TypeCallGraph Build(MethodBody[] bodies)
        {
            built++;
            return new TypeCallGraph(bodies);
        }

        var first = graphs.Get(type, Bodies("F", "G", "H"), Build);
        Assert.Same(first, graphs.Get(type, Bodies("H", "F", "G"), Build));
        Assert.Equal(1, built);

        var fewer = graphs.Get(type, Bodies("F", "G"), Build);
        Assert.NotSame(first, fewer);
        Assert.Equal(2, built);

        // Blocks bound again (another semantic model: other operation trees) are other bodies.
        var again = compilation.GetSemanticModel(tree, ignoreAccessibility: true);
        var rebound = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Select(m => new MethodBody(again.GetDeclaredSymbol(m)!, ImmutableArray.Create(again.GetOperation(m)!), walks)).ToArray();
        Assert.NotSame(fewer, graphs.Get(type, rebound, Build));
        Assert.Equal(3, built);
    }
}
