using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules.PoolReturn;

/// <summary>What the tests of NTF014's speed-ups share: the generated ops types around a start, and one run of the analyzer.</summary>
internal static class PooledStarts
{
    /// <summary>The top of a generated file: the usings and the pooled finish type.</summary>
    public const string Header = """
        using System;
        using IntervalNotifiers;

        sealed class PoolFinish : NotifierFinish { public ulong Start; public ulong End; }

        """;

    /// <summary>An ops type with a pool, whose start runs <paramref name="startBody"/> and whose finish returns the finish.</summary>
    public static string OpsType(int index, string startBody, string members = "")
        => $$"""
            sealed class Ops{{index}} : IntervalNotifierOps
            {
                private readonly NotifierFinishPool<PoolFinish> _pool = new NotifierFinishPool<PoolFinish>(2);

                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
                {
                    notifier.SetSequence(currentSequence);
                    return true;
                }

                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    {{startBody}}
                }

                public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((PoolFinish)finish);
            {{members}}
            }

            """;

    /// <summary>The generated file compiled as <paramref name="name"/>, which must compile without errors.</summary>
    public static Compilation Compile(string name, string source)
    {
        var compilation = ValidCodeTests.Compile(name, LanguageVersion.Latest, ($"/0/{name}.cs", source));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        return compilation;
    }

    /// <summary>The diagnostics of <paramref name="analyzer"/> alone, as sorted lines (place, message and properties).</summary>
    public static async Task<ImmutableArray<string>> RunAsync(Compilation compilation, PoolReturnAnalyzer analyzer)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(analyzer);
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, default);
        Assert.Empty(exceptions);
        return diagnostics
            .Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition} {d.GetMessage()} "
                         + string.Join(",", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    /// <summary>The start around a diagnostic's line, to read a failure.</summary>
    public static string Around(string[] lines, string diagnostic)
    {
        var line = int.Parse(diagnostic.Split(' ')[1].Split(',')[0]);
        return string.Join("\n", lines.Skip(Math.Max(0, line - 14)).Take(20));
    }
}
