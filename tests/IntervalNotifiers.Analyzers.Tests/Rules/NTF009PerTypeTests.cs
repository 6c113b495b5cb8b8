using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF009 is registered per type, for the types whose declarations spell <c>ReadBegin</c> (Speed/SourceNames.cs): every
/// place a call can be written is still judged, exactly once (top-level statements, nested types, a partial type whose
/// call is in another file, structs and records, a call spelled through <c>ReadBeginAsync</c>'s sibling).
/// </summary>
public class NTF009PerTypeTests
{
    [Fact]
    public Task TopLevelStatements_AreJudged()
    {
        var test = new Verify.Test(LanguageVersion.Latest)
        {
            TestCode = """
                using IntervalNotifiers;

                var notifier = Factory.Create();
                {|NTF009:notifier.ReadBegin()|};
                var checkedSeq = notifier.ReadBegin();
                if ({|NTF010:notifier.ReadRetry(checkedSeq)|}) { System.Console.WriteLine("retry"); }

                static class Factory
                {
                    public static IntervalNotifier Create() => null!;
                }
                """,
        };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task NestedTypes_AreReportedOnceEach() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Outer
        {
            private IntervalNotifier _notifier = null!;

            public void Outside() => {|NTF009:_notifier.ReadBegin()|};

            class Inner
            {
                private IntervalNotifier _notifier = null!;

                public void Inside() => {|NTF009:_notifier.ReadBegin()|};

                struct Deepest
                {
                    public void Deep(IntervalNotifier n) { _ = {|NTF009:n.ReadBegin()|}; }
                }
            }
        }
        """);

    [Fact]
    public Task OnlyTheNestedTypeSpellsReadBegin_IsReportedOnce() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Outer
        {
            public int Count;

            class Inner
            {
                public void Inside(IntervalNotifier n) => {|NTF009:n.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task PartialTypeWithTheCallInAnotherFile_IsReported()
    {
        var test = new Verify.Test(LanguageVersion.Latest);
        test.TestState.Sources.Add(("First.cs", """
            using IntervalNotifiers;

            partial class Mirror
            {
                private IntervalNotifier _notifier = null!;
            }
            """));
        test.TestState.Sources.Add(("Second.cs", """
            partial class Mirror
            {
                public void Wait() => {|NTF009:_notifier.ReadBegin()|};
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task RecordsAndRecordStructs_AreJudged() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        record Snapshot(IntervalNotifier Notifier)
        {
            public void Take() => {|NTF009:Notifier.ReadBegin()|};
        }

        record struct Probe(IntervalNotifier Notifier)
        {
            public ulong Checked()
            {
                var seq = Notifier.ReadBegin();
                return {|NTF010:Notifier.ReadRetry(seq)|} ? 0UL : seq;
            }
        }
        """);

    [Fact]
    public Task ATypeThatNeverSpellsReadBegin_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Reader
        {
            public int Count(IntervalNotifier n) => n.GetHashCode();
        }
        """);
}
