using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Speed;

/// <summary>
/// The lock model's framework types (Rules/ReadSide/Speed/WellKnownType.cs) are known by their metadata name: the type
/// <c>GetTypeByMetadataName</c> resolves is one, and a type of the same simple name elsewhere (another namespace, nested,
/// another arity) is not.
/// </summary>
public sealed class WellKnownTypeTests
{
    private const string LookAlikes = """
        namespace Driver.Threading { public sealed class Monitor { } }
        namespace System.Threading { public static class Outer { public static class Monitor { } } }
        namespace Threading { public sealed class Monitor { } }
        namespace System.Threading.Tasks { public sealed class TaskFactory<T1, T2> { } }
        """;

    [Theory]
    [InlineData("System.Threading.Monitor")]
    [InlineData("System.Threading.SemaphoreSlim")]
    [InlineData("System.Threading.ReaderWriterLockSlim")]
    [InlineData("System.Threading.Lock")]
    [InlineData("System.Threading.Tasks.Task")]
    [InlineData("System.Threading.Tasks.TaskFactory")]
    [InlineData("System.Threading.Tasks.TaskFactory`1")]
    [InlineData("System.Threading.Timer")]
    public void TheResolvedTypeIsIt_AndNoLookAlike(string metadataName)
    {
        var compilation = ValidCodeTests.Compile("WellKnown", LanguageVersion.Latest, ("LookAlikes.cs", LookAlikes));
        var known = new WellKnownType(metadataName);

        var resolved = compilation.GetTypeByMetadataName(metadataName);
        Assert.NotNull(resolved);
        Assert.True(known.Is(resolved));

        foreach (var other in new[]
                 {
                     "Driver.Threading.Monitor", "System.Threading.Outer+Monitor", "Threading.Monitor", "System.Threading.Tasks.TaskFactory`2",
                     "System.Threading.Tasks.Task`1", "System.Threading.Monitor", "System.Threading.Tasks.TaskFactory", "System.Threading.Tasks.TaskFactory`1",
                 })
        {
            var type = compilation.GetTypeByMetadataName(other);
            Assert.True(type is not null, other);
            if (other != metadataName)
            {
                Assert.False(known.Is(type), $"{metadataName} is not {other}");
            }
        }

        Assert.False(known.Is(null));
    }
}
