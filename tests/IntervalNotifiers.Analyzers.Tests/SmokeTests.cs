using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyNtf001 = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.OpsContractAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests;

/// <summary>Checks the test harness itself: the runtime resolves and a diagnostic is reported where marked.</summary>
public class SmokeTests
{
    [Fact]
    public Task StartWithoutFinish_IsReportedOnTheIdentifier() => VerifyNtf001.AnalyzerAsync("""
        using IntervalNotifiers;

        class {|NTF001:GpuOps|} : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new NotifierFinish();
                return true;
            }
        }
        """);

    [Fact]
    public Task NoRuntimeReference_NothingIsReported()
    {
        var test = new VerifyNtf001.Test(LanguageVersion.Latest, withRuntime: false)
        {
            TestCode = """
                class IntervalNotifierOps { }
                class GpuOps : IntervalNotifierOps { }
                """,
        };
        return test.RunAsync();
    }
}
