using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace IntervalNotifiers.Package.Tests;

/// <summary>Locates the repository from the test's output folder.</summary>
public static class RepoPaths
{
    /// <summary>The folder that holds NotifierAnalyzers.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var builtFrom = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, builtFrom, Directory.GetCurrentDirectory() })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NotifierAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"NotifierAnalyzers.sln not found above {AppContext.BaseDirectory}, {builtFrom} or {Directory.GetCurrentDirectory()}.");
    }
}
