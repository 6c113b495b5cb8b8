using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// Fix All as <c>dotnet format analyzers</c> drives it: the provider is asked about the first diagnostic of its
/// analyzer's run, which may be of another ID or have no fix, and the Fix All provider gets that diagnostic's
/// first equivalence key, possibly none. Every provider must still fix every diagnostic it can.
/// </summary>
public class DotnetFormatFixAllTests
{
    private const string Ops = """
        using System.Threading;
        using IntervalNotifiers;

        namespace Consumer
        {
            public sealed class PoolFinish : NotifierFinish { public int Work; }

            // NTF003 is reported before NTF001 in this file: the NTF001 run starts from a diagnostic it has no fix for.
            public sealed class NoCallbackOps : IntervalNotifierOps
            {
            }

            public sealed class StartOnlyOps : IntervalNotifierOps
            {
                private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(4);

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    if (!_pool.TryRent(out var f))
                    {
                        finish = null;
                        return true;
                    }

                    f.Work = 1;
                    finish = f;
                    return true;
                }
            }

            public sealed class DeadInvalidateOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    notifier.SetSequence(currentSequence);
                    finish = new NotifierFinish();
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                }
            }

            public sealed class FalseOps : IntervalNotifierOps
            {
                private bool _busy;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    var ok = false;
                    if (_busy)
                    {
                        return ok;          // NTF007 without a fix (not a literal false), reported first
                    }

                    if (_busy && range.Start == 0)
                    {
                        return false;       // NTF007 with the guard fix
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }

            public sealed class FinishOnFalseOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    finish = new NotifierFinish();
                    if (!range.IsBlockable)
                    {
                        return false;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish)
                {
                }
            }

            public sealed class NoSeqOps : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    if (range.Start == 0)
                    {
                        return true;
                    }

                    notifier.SetSequence(currentSequence);
                    return true;
                }
            }
        }
        """;

    [Fact]
    public async Task NoDiagnosticsOption_EveryProviderReturnsAFixAllAction_AndEveryFixableDiagnosticIsFixed()
    {
        var project = FixHarness.CreateProject(Ops);
        var before = (await FixHarness.DiagnosticsAsync(project)).Select(d => d.Id).ToArray();
        Assert.Contains("NTF001", before);
        Assert.Contains("NTF003", before);
        Assert.Contains("NTF004", before);
        Assert.Contains("NTF006", before);
        Assert.Contains("NTF008", before);
        Assert.Equal(2, before.Count(id => id == "NTF007"));

        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project);
        Assert.Empty(noFixAll);

        var after = await FixHarness.DiagnosticsAsync(fixedProject);
        var text = (await FixHarness.TextsAsync(fixedProject))[0];
        Assert.True(!after.Any(d => d.Id is "NTF001" or "NTF003" or "NTF004" or "NTF006" or "NTF008"),
            string.Join("\n", after) + "\n" + text);
        var ntf007 = Assert.Single(after, d => d.Id == "NTF007");
        Assert.Contains("return ok;", ntf007.Location.SourceTree!.GetText().GetSubText(ntf007.Location.SourceSpan).ToString());
        Assert.Contains("if (!range.IsBlockable && _busy && range.Start == 0)", text);
        Assert.Contains("_pool.Return((PoolFinish)finish);", text);

        var compilation = (await fixedProject.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task OneId_ADiagnosticWithoutAFixFirst_DoesNotSinkTheOthers()
    {
        var project = FixHarness.CreateProject(Ops);
        var (fixedProject, noFixAll) = await FixHarness.FormatLikeDotnetFormatAsync(project, new[] { "NTF007" });
        Assert.Empty(noFixAll);
        var after = await FixHarness.DiagnosticsAsync(fixedProject);
        Assert.Single(after, d => d.Id == "NTF007");
        Assert.Contains("if (!range.IsBlockable && _busy && range.Start == 0)", (await FixHarness.TextsAsync(fixedProject))[0]);
    }
}
