using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using VerifyNtf002 = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.FinishLifetimeAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>The pieces of source the NTF002 test classes share: usings, a finish type, a plain start.</summary>
internal static class NTF002Sources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        """;

    /// <summary>A finish type carrying a fence, a completion callback and an engine number between the passes.</summary>
    public const string Finish = """

        class GpuFinish : NotifierFinish
        {
            public ManualResetEventSlim Fence = new ManualResetEventSlim(true);
            public Action? OnDone;
            public int Engine;
        }
        """;

    /// <summary>A start that hands out a new finish; indented as a member of a class.</summary>
    public const string Start = """
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = new GpuFinish();
                return true;
            }

        """;

    /// <summary>Runs NTF002 on <see cref="Usings"/> + <paramref name="source"/> + <see cref="Finish"/>.</summary>
    public static Task Analyze(string source, params DiagnosticResult[] expected)
        => VerifyNtf002.AnalyzerAsync(Usings + source + Finish, expected);

    /// <summary>An NTF002 diagnostic at the markup locations given (the first is the primary one), message not checked.</summary>
    public static DiagnosticResult At(params int[] locations)
    {
        var result = new DiagnosticResult(DiagnosticIds.FinishOutsideList, DiagnosticSeverity.Error);
        foreach (var location in locations)
        {
            result = result.WithLocation(location);
        }

        return result;
    }
}
