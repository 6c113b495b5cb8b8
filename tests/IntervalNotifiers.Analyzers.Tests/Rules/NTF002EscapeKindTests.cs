using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF002's diagnostic properties: every diagnostic carries <see cref="FinishLifetimeAnalyzer.KindKey"/>, and an escape
/// also carries <see cref="FinishLifetimeAnalyzer.EscapeKindKey"/> naming how the finish leaves the list.
/// </summary>
public class NTF002EscapeKindTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        class GpuFinish : NotifierFinish { public int Engine; }

        class GpuOps : IntervalNotifierOps
        {
            private GpuFinish? _last;
            private static GpuFinish? s_last;
            private readonly List<GpuFinish> _all = new List<GpuFinish>();
            private GpuFinish[]? _batch;
            private readonly GpuFinish _cached = new GpuFinish();

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = _cached;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                _last = f;
                s_last = f;
                _all.Add(f);
                _batch = new[] { f };
                Task.Run(() => f.Engine++);
                ThreadPool.QueueUserWorkItem(_ => { }, f);
                Keep(f);
                InvalidateFinish(f);
            }

            public void Keep(GpuFinish f) => _last = f;
        }
        """;

    [Fact]
    public async Task EveryEscape_NamesItsKind()
    {
        var compilation = ValidCodeTests.Compile("EscapeKinds", LanguageVersion.Latest, ("EscapeKinds.cs", Source));
        var analyzers = System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new FinishLifetimeAnalyzer());
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation, analyzers, concurrent: false, default);
        Assert.Empty(exceptions);

        var byLine = diagnostics
            .Where(d => d.Id == DiagnosticIds.FinishOutsideList)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => (
                Line: d.Location.GetLineSpan().StartLinePosition.Line + 1,
                Kind: d.Properties[FinishLifetimeAnalyzer.KindKey],
                Escape: d.Properties.TryGetValue(FinishLifetimeAnalyzer.EscapeKindKey, out var e) ? e : null))
            .ToArray();

        Assert.Equal(new (int, string?, string?)[]
        {
            (15, FinishLifetimeAnalyzer.KindCreate, null),
            (19, FinishLifetimeAnalyzer.KindHandOut, null),
            (26, FinishLifetimeAnalyzer.KindEscape, "Field"),
            (27, FinishLifetimeAnalyzer.KindEscape, "StaticField"),
            (28, FinishLifetimeAnalyzer.KindEscape, "StoringCall"),
            (29, FinishLifetimeAnalyzer.KindEscape, "InEscapingArray"),
            (30, FinishLifetimeAnalyzer.KindEscape, "CapturedByLambda"),
            (31, FinishLifetimeAnalyzer.KindEscape, "PassedAsState"),
            (32, FinishLifetimeAnalyzer.KindEscape, "PassedToMethod"),
            (33, FinishLifetimeAnalyzer.KindCall, null),
        }, byLine);
    }
}
