using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyFix = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer, IntervalNotifiers.CodeFixes.NTF003AddInvalidateCodeFix>;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// NTF003's "add Invalidate" leaves a program that fails loudly where the user must decide: the new
/// <c>Invalidate</c> throws <c>NotImplementedException</c> naming what to write (never a silent <c>return true</c>).
/// A type that already has a finish pass gets NTF005's start instead, and its program runs.
/// </summary>
public class NTF003AddInvalidateCodeFixTests
{
    private const string Message =
        "GpuOps.Invalidate: stop the device's access to the range, call notifier.SetSequence(currentSequence) under the lock "
        + "the read side holds around ReadRetry, then return true (return false only when !range.IsBlockable)";

    /// <summary>Inserts the ops type and runs one invalidation over it; reports what happened.</summary>
    private const string Driver = """
        using IntervalNotifiers;

        public static class Program
        {
            public static string Run()
            {
                var ops = new GpuOps();
                var space = new AddressSpace();
                new IntervalNotifier(ops).Insert(space, 0x1000, 0x1000);
                var range = new NotifierRange(0x1000, 0x2000);
                space.InvalidateRangeStart(range);
                space.InvalidateRangeEnd(range);
                return "invalidated";
            }
        }
        """;

    [Fact]
    public async Task AddInvalidate_TheNewInvalidateThrowsNamingWhatToWrite_AndTheProgramFailsLoudly()
    {
        const string source = """
            using IntervalNotifiers;

            sealed class {|NTF003:GpuOps|} : IntervalNotifierOps
            {
                private readonly object _lock = new object();
            }
            """;
        const string fixedSource = $$"""
            using IntervalNotifiers;

            sealed class GpuOps : IntervalNotifierOps
            {
                private readonly object _lock = new object();

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }
            """;
        await VerifyFix.CodeFixAsync(source, fixedSource, NTF003AddInvalidateCodeFix.AddInvalidateKey);

        Assert.Equal("threw NotImplementedException: " + Message, FixHarness.Run(fixedSource, Driver));
    }

    [Fact]
    public Task AMethodNamedInvalidateWithoutOverride_GetsNoFix_ThatWouldNotCompile() => VerifyFix.NoCodeFixAsync("""
        using IntervalNotifiers;

        sealed class {|NTF003:RadeonOps|} : IntervalNotifierOps
        {
            // The user forgot 'override' (CS0114): adding one more Invalidate would be CS0111.
            public bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """);

    [Fact]
    public Task AddInvalidate_FixAllAddsTheUsingOnce() => VerifyFix.CodeFixAsync("""
        namespace Drivers
        {
            sealed class {|NTF003:GpuOps|} : IntervalNotifiers.IntervalNotifierOps
            {
            }

            sealed class {|NTF003:NicOps|} : IntervalNotifiers.IntervalNotifierOps
            {
            }
        }
        """, $$"""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifiers.IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }

            sealed class NicOps : IntervalNotifiers.IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message.Replace("GpuOps", "NicOps")}}");
                }
            }
        }
        """, NTF003AddInvalidateCodeFix.AddInvalidateKey);

    [Theory]
    [MemberData(nameof(Rules.NTF003Tests.LanguageVersions), MemberType = typeof(Rules.NTF003Tests))]
    public Task AddInvalidate_WorksInEveryLanguageVersion(LanguageVersion version) => VerifyFix.CodeFixAsync("""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class {|NTF003:GpuOps|} : IntervalNotifierOps
            {
            }
        }
        """, $$"""
        using IntervalNotifiers;

        namespace Drivers
        {
            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    throw new System.NotImplementedException("{{Message}}");
                }
            }
        }
        """, NTF003AddInvalidateCodeFix.AddInvalidateKey, version);

    [Fact]
    public async Task FinishOnly_GetsNTF005sStart_NotAThrowingInvalidate_AndTheProgramRuns()
    {
        const string head = """
            using IntervalNotifiers;

            sealed class WaitFinish : NotifierFinish
            {
            }

            sealed class GpuOps : IntervalNotifierOps
            {
                public int Finished;

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    if (finish is WaitFinish wait)
                    {
                        Finished++;
                    }
                }
            """;
        const string start = """


                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new WaitFinish();
                    return true;
                }
            """;
        const string tail = """

            }
            """;
        await VerifyFix.CodeFixAsync((head + tail).Replace("class GpuOps", "class {|NTF003:{|NTF005:GpuOps|}|}"), head + start + tail,
                                     NTF003AddInvalidateCodeFix.AddInvalidateStartKey);

        Assert.Equal("invalidated", FixHarness.Run(head + start + tail, Driver));
        var left = await FixHarness.DiagnosticsAsync(FixHarness.CreateProject(head + start + tail));
        Assert.True(left.IsEmpty, string.Join("\n", left));
    }

    [Fact]
    public async Task DotnetFormatOrder_NTF003ThenNTF005_TheFinishOnlyTypeRuns_AndTheEmptyTypeThrows()
    {
        const string ops = """
            using IntervalNotifiers;

            public sealed class FlushFinish : NotifierFinish { }

            public sealed class EmptyOps : IntervalNotifierOps
            {
            }

            public sealed class FinishOnlyOps : IntervalNotifierOps
            {
                public readonly NotifierFinishPool<FlushFinish> Pool = new NotifierFinishPool<FlushFinish>(2);
                public int Finished;

                public override void InvalidateFinish(NotifierFinish finish)
                {
                    Finished++;
                    Pool.Return((FlushFinish)finish);
                }
            }
            """;
        const string driver = """
            using IntervalNotifiers;

            public static class Program
            {
                public static string Run()
                {
                    var finishOnly = new FinishOnlyOps();
                    var space = new AddressSpace();
                    new IntervalNotifier(finishOnly).Insert(space, 0x1000, 0x1000);
                    for (var i = 0; i < 3; i++)
                    {
                        var range = new NotifierRange(0x1000, 0x2000);
                        space.InvalidateRangeStart(range);
                        space.InvalidateRangeEnd(range);
                    }

                    var rented = 0;
                    while (rented < 10 && finishOnly.Pool.TryRent(out _))
                    {
                        rented++;
                    }

                    var result = finishOnly.Finished + " finished, rented " + rented + " of 2";
                    var empty = new AddressSpace();
                    new IntervalNotifier(new EmptyOps()).Insert(empty, 0x1000, 0x1000);
                    try
                    {
                        empty.InvalidateRangeStart(new NotifierRange(0x1000, 0x2000));
                        return result + "; EmptyOps did not throw";
                    }
                    catch (System.NotImplementedException e)
                    {
                        return result + "; " + e.Message;
                    }
                }
            }
            """;
        var project = FixHarness.CreateProject(ops);
        var before = (await FixHarness.DiagnosticsAsync(project)).Select(d => d.Id).ToArray();
        Assert.Equal(new[] { "NTF003", "NTF003", "NTF005" }, before.OrderBy(id => id));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project);
        Assert.Empty(noFixAll);
        var text = (await FixHarness.TextsAsync(fixedProject))[0];
        var after = await FixHarness.DiagnosticsAsync(fixedProject);
        Assert.True(after.IsEmpty, string.Join("\n", after) + "\n" + text);
        Assert.DoesNotContain("override bool Invalidate(", text.Substring(text.IndexOf("class FinishOnlyOps", System.StringComparison.Ordinal)));

        Assert.Equal("3 finished, rented 2 of 2; " + Message.Replace("GpuOps", "EmptyOps"), FixHarness.Run(text, driver));
    }

    [Fact]
    public async Task AStaleDiagnostic_OnATypeThatHasACallbackNow_GetsNoFix()
    {
        // Fix All runs on diagnostics computed before the earlier fixes: a type that got its callback since has nothing to fix.
        var project = FixHarness.CreateProject("""
            using IntervalNotifiers;

            sealed class GpuOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
            }
            """);
        var document = project.Documents.Single();
        var root = (await document.GetSyntaxRootAsync())!;
        var identifier = root.DescendantTokens().First(t => t.ValueText == "GpuOps");
        var stale = Diagnostic.Create(Descriptors.NTF003, identifier.GetLocation(), "GpuOps");
        var actions = new List<CodeAction>();
        await new NTF003AddInvalidateCodeFix().RegisterCodeFixesAsync(
            new CodeFixContext(document, stale, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.Empty(actions);
    }
}
