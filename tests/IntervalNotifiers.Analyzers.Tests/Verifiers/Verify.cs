using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace IntervalNotifiers.Analyzers.Tests.Verifiers;

/// <summary>
/// Analyzer tests: <c>{|NTF001:Name|}</c> or <c>[|...|]</c> markup in the source marks each expected
/// diagnostic. The source compiles against the real runtime assembly; compiler errors fail the test.
/// </summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id, DiagnosticSeverity.Warning);

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new DiagnosticResult(descriptor);

    /// <summary>Runs the analyzer on <paramref name="source"/> (C# latest) and checks the diagnostics.</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
        => AnalyzerAsync(source, LanguageVersion.Latest, expected);

    /// <summary>Runs the analyzer on <paramref name="source"/> under <paramref name="languageVersion"/>.</summary>
    public static Task AnalyzerAsync(string source, LanguageVersion languageVersion, params DiagnosticResult[] expected)
    {
        var test = new Test(languageVersion) { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Runs the analyzer on several files.</summary>
    public static Task AnalyzerAsync(string[] sources, LanguageVersion languageVersion, params DiagnosticResult[] expected)
    {
        var test = new Test(languageVersion);
        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The analyzer test, configured with the runtime and the framework references.</summary>
    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test(LanguageVersion languageVersion = LanguageVersion.Latest, bool withRuntime = true)
        {
            NotifierTestState.Configure(this, languageVersion, withRuntime);
            MarkupOptions = MarkupOptions.UseFirstDescriptor; // {|NTF010:...|} also matches its CompilationEnd descriptor
        }
    }
}

/// <summary>Code-fix tests, with the Fix All checks (document, project, solution) left on.</summary>
public static class Verify<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>
    /// Applies the fix with <paramref name="equivalenceKey"/> (or the first one offered) to every
    /// diagnostic of <paramref name="source"/> and compares with <paramref name="fixedSource"/>.
    /// </summary>
    public static Task CodeFixAsync(string source, string fixedSource, string? equivalenceKey = null,
                                    LanguageVersion languageVersion = LanguageVersion.Latest,
                                    params DiagnosticResult[] expected)
    {
        var test = new Test(languageVersion)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Checks that no fix with <paramref name="equivalenceKey"/> is offered for the diagnostics of <paramref name="source"/>.</summary>
    public static Task NoCodeFixAsync(string source, string? equivalenceKey = null,
                                      LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        var test = new Test(languageVersion)
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The code-fix test, configured with the runtime and the framework references.</summary>
    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test(LanguageVersion languageVersion = LanguageVersion.Latest)
            => NotifierTestState.Configure(this, languageVersion);
    }
}
