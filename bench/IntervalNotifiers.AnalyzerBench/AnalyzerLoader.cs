using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.AnalyzerBench;

/// <summary>Finds analyzers: every C# <see cref="DiagnosticAnalyzer"/> type of an assembly, or of a downloaded package.</summary>
internal static class AnalyzerLoader
{
    /// <summary>The IntervalNotifiers analyzers: every analyzer type of the analyzer assembly, whatever exists today.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> IntervalNotifiers()
        => FromAssembly(typeof(global::IntervalNotifiers.Analyzers.Descriptors).Assembly, out _);

    /// <summary>Creates one instance of every non-abstract C# analyzer type with a parameterless constructor.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> FromAssembly(Assembly assembly, out List<string> problems)
    {
        problems = new List<string>();
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
            problems.Add($"{assembly.GetName().Name}: {e.LoaderExceptions.FirstOrDefault()?.Message}");
        }

        var result = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                || type.GetConstructor(Type.EmptyTypes) is null || !IsCSharp(type))
            {
                continue;
            }

            try
            {
                result.Add((DiagnosticAnalyzer)Activator.CreateInstance(type)!);
            }
            catch (Exception e)
            {
                problems.Add($"{type.FullName}: {e.GetBaseException().Message}");
            }
        }

        return result.ToImmutable();
    }

    private static bool IsCSharp(Type type)
    {
        try
        {
            return type.GetCustomAttributes<DiagnosticAnalyzerAttribute>(inherit: false)
                       .Any(a => a.Languages.Contains(LanguageNames.CSharp));
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The NuGet global packages folder, as restore saw it when this tool was built.</summary>
    public static string PackageRoot()
    {
        var built = typeof(AnalyzerLoader).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                                          .FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
        if (!string.IsNullOrEmpty(built) && Directory.Exists(built))
        {
            return built;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>
    /// Loads the C# analyzers of a package in the global packages folder (brought there by a PackageDownload):
    /// analyzers/dotnet/cs, analyzers/dotnet, analyzers/cs, or the newest analyzers/dotnet/roslynX.Y/cs that this
    /// compiler can host. Code-fix assemblies are skipped (no Workspaces here).
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> FromPackage(string id, string version, out string directory,
                                                                 out List<string> problems)
    {
        var packageDirectory = Path.Combine(PackageRoot(), id.ToLowerInvariant(), version.ToLowerInvariant());
        if (!Directory.Exists(packageDirectory))
        {
            throw new DirectoryNotFoundException(
                $"package {id}/{version} is not in {PackageRoot()}: add <PackageDownload Include=\"{id}\" Version=\"[{version}]\" /> to the bench project and build it again");
        }

        directory = AnalyzerDirectory(packageDirectory)
            ?? throw new DirectoryNotFoundException($"package {id}/{version} has no C# analyzers under {packageDirectory}");
        var context = new PackageLoadContext(directory);
        problems = new List<string>();
        var result = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.dll").OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.Contains("CodeFix", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".fixes", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            Assembly assembly;
            try
            {
                assembly = context.LoadFromAssemblyPath(file);
            }
            catch (Exception e)
            {
                problems.Add($"{name}: {e.Message}");
                continue;
            }

            result.AddRange(FromAssembly(assembly, out var more));
            problems.AddRange(more);
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// Loads the analyzers of another build of IntervalNotifiers.Analyzers (the path of its DLL) in a load context of
    /// its own, beside ours: the same type names, two assemblies, the compiler shared (--compare-build).
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> FromBuild(string dll, out List<string> problems)
    {
        var path = Path.GetFullPath(dll);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no analyzer assembly at {path}");
        }

        var context = new PackageLoadContext(Path.GetDirectoryName(path)!);
        return FromAssembly(context.LoadFromAssemblyPath(path), out problems);
    }

    private static string? AnalyzerDirectory(string packageDirectory)
    {
        var analyzers = Path.Combine(packageDirectory, "analyzers");
        foreach (var candidate in new[] { Path.Combine(analyzers, "dotnet", "cs"), Path.Combine(analyzers, "cs"), Path.Combine(analyzers, "dotnet") })
        {
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.dll").Any())
            {
                return candidate;
            }
        }

        // analyzers/dotnet/roslyn4.x/cs: the newest one this compiler (the Roslyn version loaded here) can host.
        var hostVersion = typeof(Compilation).Assembly.GetName().Version ?? new Version(4, 0);
        var dotnet = Path.Combine(analyzers, "dotnet");
        if (!Directory.Exists(dotnet))
        {
            return null;
        }

        return Directory.EnumerateDirectories(dotnet, "roslyn*")
                        .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d)["roslyn".Length..], out var v) ? v : null))
                        .Where(x => x.Version is not null && x.Version <= new Version(hostVersion.Major, hostVersion.Minor))
                        .OrderByDescending(x => x.Version)
                        .Select(x => Path.Combine(x.Dir, "cs"))
                        .FirstOrDefault(d => Directory.Exists(d) && Directory.EnumerateFiles(d, "*.dll").Any());
    }

    /// <summary>
    /// Loads a package's analyzer assemblies and their private dependencies from its folder, and shares the
    /// compiler (Microsoft.CodeAnalysis*, System.*) with the tool, whatever version the package was built against,
    /// as a compiler host does.
    /// </summary>
    private sealed class PackageLoadContext : AssemblyLoadContext
    {
        private readonly string _directory;

        public PackageLoadContext(string directory)
            : base("analyzer package " + Path.GetFileName(directory))
            => _directory = directory;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name ?? string.Empty;
            if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                || name.StartsWith("System.", StringComparison.Ordinal) || name == "netstandard" || name == "mscorlib")
            {
                try
                {
                    return Default.LoadFromAssemblyName(new AssemblyName(name));
                }
                catch (FileNotFoundException)
                {
                    // Not loaded by the tool: look beside the analyzer below.
                }
            }

            var local = Path.Combine(_directory, name + ".dll");
            return File.Exists(local) ? LoadFromAssemblyPath(local) : null;
        }
    }
}
