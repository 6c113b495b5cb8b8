using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers.Tests.Robustness;

/// <summary>
/// Every analyzer and code-fix provider of the package, found by reflection (so a new one is covered by the
/// valid-code, robustness and docs tests without being listed), and the repository's files.
/// </summary>
public static class AnalyzerCatalog
{
    /// <summary>The analyzer assembly.</summary>
    public static Assembly AnalyzerAssembly => typeof(OpsContractAnalyzer).Assembly;

    /// <summary>The code-fix assembly (referenced by the test project; loaded by name, it may still be empty).</summary>
    public static Assembly CodeFixAssembly { get; } = Assembly.Load("IntervalNotifiers.CodeFixes");

    /// <summary>The non-abstract analyzer types carrying [DiagnosticAnalyzer(C#)], by name.</summary>
    public static ImmutableArray<Type> AnalyzerTypes { get; } = ConcreteTypes(AnalyzerAssembly, typeof(DiagnosticAnalyzer))
        .Where(t => t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
        .ToImmutableArray();

    /// <summary>The non-abstract code-fix provider types carrying [ExportCodeFixProvider], by name.</summary>
    public static ImmutableArray<Type> CodeFixTypes { get; } = ConcreteTypes(CodeFixAssembly, typeof(CodeFixProvider))
        .Where(t => t.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any())
        .ToImmutableArray();

    /// <summary>A fresh instance of every analyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers()
        => AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();

    /// <summary>A fresh instance of every code-fix provider.</summary>
    public static ImmutableArray<CodeFixProvider> CreateCodeFixes()
        => CodeFixTypes.Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToImmutableArray();

    /// <summary>The folder of the test data copied next to the test assembly.</summary>
    public static string TestDataDirectory => Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>
    /// The repository root (the folder with NotifierAnalyzers.sln): above the test binaries, above the working
    /// directory, or above this source file (test binaries built with an artifacts path outside the tree). Null
    /// when none is found.
    /// </summary>
    public static string? RepoRoot { get; } = FindRepoRoot();

    private static string? FindRepoRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = string.IsNullOrEmpty(start) || !Directory.Exists(start) ? null : new DirectoryInfo(start);
                 dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NotifierAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static IEnumerable<Type> ConcreteTypes(Assembly assembly, Type baseType)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types;
        }

        return types.OfType<Type>()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && baseType.IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
    }
}
