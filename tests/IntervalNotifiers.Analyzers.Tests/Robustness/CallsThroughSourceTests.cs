using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Robustness;

/// <summary>
/// Calls followed through source (NTF011, NTF013): odd shapes of called methods never crash the analysis, and the
/// diagnostics show in the open document the way an IDE analyses it, with the wrapper in another file.
/// </summary>
public sealed class CallsThroughSourceTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        """;

    public static TheoryData<string, string> OddCallees() => new()
    {
        { "PartialWithoutBody", Usings + """
            partial class Helpers { partial void Drop(IntervalNotifier n); public void Run(IntervalNotifier n) => Drop(n); }
            sealed class Ops : IntervalNotifierOps
            {
                private readonly Helpers _h = new Helpers();
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { _h.Run(notifier); return true; }
            }
            """ },
        { "ExternAndAbstract", Usings + """
            abstract class Native { [System.Runtime.InteropServices.DllImport("x")] public static extern void Stop(); public abstract void Close(); }
            sealed class Ops : IntervalNotifierOps
            {
                private readonly Native _n = null!;
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { Native.Stop(); _n.Close(); return true; }
            }
            """ },
        { "HalfTypedWrapper", Usings + """
            static class W { public static void Drop(this IntervalNotifier n) { n.Remove(; n.ReadBegin( } }
            sealed class Ops : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { notifier.Drop(); return true; }
            }
            """ },
        { "MutualRecursionAndGenerics", Usings + """
            static class W
            {
                public static void A<T>(T t, IntervalNotifier n, int depth) { if (depth > 0) B(t, n, depth - 1); }
                public static void B<T>(T t, IntervalNotifier n, int depth) { A(t, n, depth); A<string>("x", n, depth); n.Remove(); }
            }
            sealed class Ops<TKey> : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { W.A(default(TKey), notifier, 3); return true; }
            }
            """ },
        { "MissingMethod", Usings + """
            sealed class Ops : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { Missing(notifier); this.Other(); return true; }
            }
            """ },
        { "TopLevelCallbackCallsLocal", """
            using IntervalNotifiers;
            var n = new IntervalNotifier(new Ops());
            static void Stop(IntervalNotifier n) => n.Remove();
            sealed class Ops : IntervalNotifierOps
            {
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) { W.Stop(notifier); return true; }
            }
            static class W { public static void Stop(IntervalNotifier n) => n.ReadBegin(); }
            """ },
    };

    [Theory]
    [MemberData(nameof(OddCallees))]
    public async Task OddCallees_NoAnalyzerThrows(string name, string source)
    {
        foreach (var version in new[] { LanguageVersion.CSharp7_3, LanguageVersion.Latest })
        {
            var compilation = ValidCodeTests.Compile("Probe", version, (name + ".cs", source))
                .WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication));
            var (_, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation);
            Assert.True(exceptions.IsEmpty, $"{name} [C# {version.ToDisplayString()}]: " + string.Join(Environment.NewLine, exceptions));
        }
    }

    [Fact]
    public async Task WrapperInAnotherFile_IsReportedInTheOpenDocument()
    {
        const string ops = """
            using IntervalNotifiers;

            sealed class MirrorOps : IntervalNotifierOps
            {
                private readonly Mirror _mirror;

                public MirrorOps(Mirror mirror) => _mirror = mirror;

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    _mirror.Refresh();
                    _mirror.Unsubscribe();
                    return true;
                }
            }
            """;
        const string mirror = """
            using IntervalNotifiers;

            sealed class Mirror
            {
                private readonly IntervalNotifier _notifier;

                public Mirror(IntervalNotifier notifier) => _notifier = notifier;

                public ulong Refresh() => _notifier.ReadBegin();

                public void Unsubscribe() => _notifier.Remove();
            }
            """;
        var compilation = ValidCodeTests.Compile("Ide", LanguageVersion.Latest, ("Ops.cs", ops), ("Mirror.cs", mirror));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new CallbackCallsAnalyzer()));
        var model = compilation.GetSemanticModel(compilation.SyntaxTrees.Single(t => t.FilePath == "Ops.cs"));

        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, default);

        Assert.Equal(new[] { "NTF013 (11,9)", "NTF011 (12,9)" },
                     diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
                                .Select(d => $"{d.Id} ({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1})"));
    }
}
