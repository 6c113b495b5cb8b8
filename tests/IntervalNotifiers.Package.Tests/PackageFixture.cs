using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Package.Tests;

/// <summary>
/// Packs the package once for the whole collection, into a fresh temporary folder that serves as a local
/// feed. The pack builds with its own artifacts path under that folder, so it never touches the outputs of
/// the build that runs the tests, and every consumer restores into an isolated packages folder under it:
/// a cached package of the same version from an earlier run is never used.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    /// <summary>The temporary root; deleted when the collection ends.</summary>
    public string TempRoot { get; } = Path.Combine(Path.GetTempPath(), "ntf-package-tests-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The local feed that holds the packed package.</summary>
    public string Feed => Path.Combine(TempRoot, "feed");

    /// <summary>The packages folder every consumer restores into.</summary>
    public string PackagesFolder => Path.Combine(TempRoot, "packages");

    /// <summary>The result of <c>dotnet pack</c>.</summary>
    public ProcessResult? Pack { get; private set; }

    /// <summary>What went wrong while packing, if anything.</summary>
    public Exception? PackFailure { get; private set; }

    /// <summary>The .nupkg file.</summary>
    public string PackagePath { get; private set; } = "";

    /// <summary>The package version, from the file name.</summary>
    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        try
        {
            var project = Path.Combine(RepoPaths.Root, "src", "IntervalNotifiers", "IntervalNotifiers.csproj");
            Pack = await ProcessRunner.DotNetAsync(TempRoot,
            [
                "pack", project, "-c", "Release", "-o", Feed,
                "--artifacts-path", Path.Combine(TempRoot, "artifacts"),
                "--disable-build-servers", "-nodeReuse:false", "-tl:off", "-v:minimal",
                "-p:UseSharedCompilation=false",
            ]).ConfigureAwait(false);
            var packages = Directory.GetFiles(Feed, "IntervalNotifiers.*.nupkg")
                .Where(p => !p.EndsWith(".snupkg", StringComparison.OrdinalIgnoreCase))
                .ToArray();
            if (Pack.ExitCode == 0 && packages.Length == 1)
            {
                PackagePath = packages[0];
                Version = Path.GetFileNameWithoutExtension(PackagePath)["IntervalNotifiers.".Length..];
            }
        }
        catch (Exception e)
        {
            PackFailure = e;
        }
    }

    /// <summary>Fails the calling test, with the pack output, unless the package was produced.</summary>
    public void AssertPacked()
    {
        Assert.True(PackFailure is null, $"dotnet pack failed to run: {PackFailure}");
        Assert.True(Pack is { ExitCode: 0 } && PackagePath.Length > 0,
            $"dotnet pack did not produce exactly one IntervalNotifiers.<version>.nupkg in {Feed}:{Environment.NewLine}{Pack}");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }
}

/// <summary>The tests that share one packed package; they run one after the other (2-core machines).</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "Package";
}
