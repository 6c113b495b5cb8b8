using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace IntervalNotifiers.Analyzers.Tests.Verifiers;

/// <summary>
/// What every analyzer and code-fix test compiles against: the .NET reference assemblies (restored as a
/// package at build time, nothing downloaded during the run) and the real runtime assembly.
/// </summary>
public static class NotifierTestState
{
    /// <summary>No reference package: the framework comes from <see cref="FrameworkReferences"/>.</summary>
    public static readonly ReferenceAssemblies ReferenceAssemblies = new("net10.0");

    /// <summary>The .NET reference assemblies the test sources compile against.</summary>
    public static readonly ImmutableArray<MetadataReference> FrameworkReferences =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToImmutableArray();

    /// <summary>The real runtime assembly, as users reference it.</summary>
    public static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(AddressSpace).Assembly.Location);

    /// <summary>Every C# language version the tests run the analyzers under, oldest first.</summary>
    public static readonly LanguageVersion[] LanguageVersions =
    {
        LanguageVersion.CSharp7_3, LanguageVersion.CSharp8, LanguageVersion.CSharp9, LanguageVersion.CSharp10,
        LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Latest,
        LanguageVersion.Preview,
    };

    /// <summary>Applies the references and the language version to a test.</summary>
    public static void Configure(AnalyzerTest<DefaultVerifier> test, LanguageVersion languageVersion, bool withRuntime = true)
    {
        test.ReferenceAssemblies = ReferenceAssemblies;
        test.TestState.AdditionalReferences.AddRange(FrameworkReferences);
        if (withRuntime)
        {
            test.TestState.AdditionalReferences.Add(Runtime);
        }

        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var parseOptions = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(languageVersion);
            var compilationOptions = ((CSharpCompilationOptions)project.CompilationOptions!)
                .WithNullableContextOptions(languageVersion >= LanguageVersion.CSharp8
                    ? NullableContextOptions.Enable
                    : NullableContextOptions.Disable);
            return solution.WithProjectParseOptions(projectId, parseOptions)
                           .WithProjectCompilationOptions(projectId, compilationOptions);
        });
    }
}
