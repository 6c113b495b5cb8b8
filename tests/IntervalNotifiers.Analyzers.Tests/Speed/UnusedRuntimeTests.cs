using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using IntervalNotifiers.Analyzers.Tests.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Speed;

/// <summary>
/// Speed/UnusedRuntime.cs: a compilation that references the runtime but cannot name any of its types gets no action
/// from any analyzer (the driver keeps no per-type state for them), and every way source can still reach the runtime
/// keeps the analysis, with its diagnostics.
/// </summary>
public sealed class UnusedRuntimeTests
{
    // Unrelated code that comes close: "Notifier" in a type's name, \u escapes in a string, a character and a comment,
    // Remove and SetSequence as its own members, a target-typed new.
    private const string Unrelated = """
        using System;
        using System.Collections.Generic;

        namespace Shop.Orders
        {
            // The \u00A0 in names is normalised before lookup.
            public sealed class PropertyChangeNotifier
            {
                private readonly List<string> _names = new();
                public void Remove(string name) => _names.Remove(name.Replace("\u00A0", " ").Trim('\u0020'));
                public void SetSequence(ulong value) { }
                public void Finish() { }
            }
        }
        """;

    [Fact]
    public async Task CodeThatCannotNameTheRuntime_GetsNoActionFromAnyAnalyzer()
    {
        var compilation = Compile(("Unrelated.cs", Unrelated));

        foreach (var (analyzer, telemetry) in await TelemetryAsync(compilation))
        {
            Assert.True(telemetry.CompilationStartActionsCount == 1, $"{analyzer}: the gate runs at compilation start");
            Assert.True(telemetry.SymbolStartActionsCount + telemetry.SymbolActionsCount + telemetry.OperationActionsCount
                        + telemetry.OperationBlockStartActionsCount + telemetry.OperationBlockActionsCount
                        + telemetry.SyntaxNodeActionsCount + telemetry.CompilationEndActionsCount == 0,
                        $"{analyzer} registered actions in a compilation that cannot name the runtime");
        }
    }

    [Fact]
    public async Task OneFileThatNamesTheNamespace_OpensTheGateForTheWholeCompilation()
    {
        var closed = Compile(("Unrelated.cs", Unrelated));
        var open = closed.AddSyntaxTrees(CSharpSyntaxTree.ParseText("using IntervalNotifiers; class Holder { }", path: "Holder.cs"));

        Assert.Contains(await TelemetryAsync(open), entry => entry.Telemetry.SymbolStartActionsCount > 0);
        Assert.DoesNotContain(await TelemetryAsync(closed), entry => entry.Telemetry.SymbolStartActionsCount > 0);
    }

    public static TheoryData<string, string, string> WaysToNameTheRuntime() => new()
    {
        // A global using in another file, even a generated one (analyzers skip generated code, not what it declares).
        { "global using", "Usings.g.cs", "global using IntervalNotifiers;" },
        // An alias in another file names one type; the ops type below spells only the alias.
        { "alias", "Alias.cs", "global using OpsBase = IntervalNotifiers.IntervalNotifierOps;" },
        // Unicode escapes spell the namespace in an identifier.
        { "escaped namespace", "Escaped.cs", "global using Interval\\u004Eotifiers;" },
    };

    [Theory]
    [MemberData(nameof(WaysToNameTheRuntime))]
    public async Task EveryWayToNameTheRuntime_KeepsTheDiagnostics(string way, string path, string usings)
    {
        var opsBase = way == "alias" ? "OpsBase" : "IntervalNotifierOps";
        var compilation = Compile(("Ops.cs", $"sealed class DeadOps : {opsBase} {{ }}"), (path, usings));

        var diagnostics = await DiagnosticsAsync(compilation);

        Assert.Contains(diagnostics, d => d.Id == "NTF003");
    }

    [Fact]
    public async Task AnotherReferenceBuiltOnTheRuntime_KeepsTheDiagnostics_OfABaseAndOfAHandedOutNotifier()
    {
        var library = NTF001Tests.CompileLibrary("""
            namespace Vendor
            {
                public abstract class VendorOps : IntervalNotifiers.IntervalNotifierOps { }

                public static class Mirrors
                {
                    public static IntervalNotifiers.IntervalNotifier Create(IntervalNotifiers.IntervalNotifierOps ops) => new(ops);
                }
            }
            """);
        var compilation = Compile(("Driver.cs", """
            sealed class DeadOps : Vendor.VendorOps { }

            static class Driver
            {
                public static void Poke(Vendor.VendorOps ops) => Vendor.Mirrors.Create(ops).SetSequence(1);
            }
            """)).AddReferences(library);

        var diagnostics = await DiagnosticsAsync(compilation);

        Assert.Contains(diagnostics, d => d.Id == "NTF003");
        Assert.Contains(diagnostics, d => d.Id == "NTF012");
    }

    private static CSharpCompilation Compile(params (string Path, string Text)[] sources)
        => ValidCodeTests.Compile("Gate", LanguageVersion.Latest, sources);

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Compilation compilation)
    {
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation);
        Assert.Empty(exceptions);
        return diagnostics;
    }

    private static async Task<ImmutableArray<(string Analyzer, AnalyzerTelemetryInfo Telemetry)>> TelemetryAsync(Compilation compilation)
    {
        var analyzers = AnalyzerCatalog.CreateAnalyzers();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
                                                          concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var result = ImmutableArray.CreateBuilder<(string, AnalyzerTelemetryInfo)>();
        foreach (var analyzer in analyzers)
        {
            result.Add((analyzer.GetType().Name, await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default)));
        }

        return result.ToImmutable();
    }
}
