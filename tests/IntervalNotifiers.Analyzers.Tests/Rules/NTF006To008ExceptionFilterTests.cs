using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using IntervalNotifiers.Analyzers.Tests.Rules.CallbackFlow;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyFlow = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackFlowAnalyzer>;
using VerifyPool = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.PoolReturnAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// Callbacks with an exception filter (<c>catch ... when (...)</c>), as a tracing or retrying driver writes them. The
/// path rules answer them on the operation tree like any catch (Rules/CallbackFlow/Engine/TreeFlow.cs): the handler is
/// entered with the bound of everything inside the try, so a finish handed out, a flag set or a finish rented inside the
/// try still reaches the handler's return. Each reported case here would be hidden by a tree that entered a filtered
/// handler with the state before the try (NTF014's tree of a pooled start included); CallbackFlowTreeTests also compares
/// every source of this file with the flows.
/// </summary>
public class NTF006To008ExceptionFilterTests
{
    private static Task Verify(string source, params string[] disabled)
    {
        var test = new VerifyFlow.Test(LanguageVersion.Latest) { TestCode = source, MarkupOptions = Microsoft.CodeAnalysis.Testing.MarkupOptions.UseFirstDescriptor };
        test.DisabledDiagnostics.AddRange(disabled);
        return test.RunAsync();
    }

    private const string Prelude = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        class TraceFinish : NotifierFinish { }

        static class Device
        {
            public static void Program(ulong end)
            {
                if (end == 0)
                {
                    throw new InvalidOperationException("range");
                }
            }

            public static bool Log(Exception e)
            {
                Console.Error.WriteLine(e.Message);
                return false;
            }
        }

        """;

    [Fact]
    public Task NTF006_FinishHandedOutInTheTry_FilteredHandlerReturnsFalse_IsReported() => Verify(Prelude + """
        class TracingOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                try
                {
                    finish = new TraceFinish();
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    {|NTF006:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, "NTF007", "NTF008");

    [Fact]
    public Task NTF006_FilteredHandlerClearsTheFinishFirst_IsSilent() => Verify(Prelude + """
        class TracingOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                try
                {
                    finish = new TraceFinish();
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    finish = null;
                    return false;
                }

                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, "NTF007", "NTF008");

    [Fact]
    public Task NTF006_FilterTestsTheFinish_IsSilent() => Verify(Prelude + """
        class TracingOps : IntervalNotifierOps
        {
            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                finish = null;
                try
                {
                    finish = new TraceFinish();
                    Device.Program(range.End);
                }
                catch (InvalidOperationException) when (finish is null)
                {
                    return false;
                }

                notifier.SetSequence(currentSequence);
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """, "NTF007", "NTF008");

    [Fact]
    public Task NTF007_FilteredHandlerReturnsFalseOnAnyRange_IsReported() => Verify(Prelude + """
        class RetryOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                try
                {
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    {|NTF007:return false;|}
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, "NTF006", "NTF008");

    [Fact]
    public Task NTF007_BlockableFlagSetInTheTry_FilteredHandlerReturnsFalse_IsReported() => Verify(Prelude + """
        class RetryOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var blocking = false;
                try
                {
                    blocking = range.IsBlockable;
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    if (blocking)
                    {
                        {|NTF007:return false;|}
                    }
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, "NTF006", "NTF008");

    [Fact]
    public Task NTF007_FilterOnANonBlockableRange_IsSilent() => Verify(Prelude + """
        class RetryOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                try
                {
                    Device.Program(range.End);
                }
                catch (InvalidOperationException) when (!range.IsBlockable)
                {
                    return false;
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, "NTF006", "NTF008");

    [Fact]
    public Task NTF007_FilteredCatchInsideANonBlockableBranch_IsSilent() => Verify(Prelude + """
        class RetryOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (!range.IsBlockable)
                {
                    try
                    {
                        Device.Program(range.End);
                    }
                    catch (InvalidOperationException e) when (_trace || Device.Log(e))
                    {
                        return false;
                    }
                }

                notifier.SetSequence(currentSequence);
                return true;
            }
        }
        """, "NTF006", "NTF008");

    [Fact]
    public Task NTF008_SequenceSetUnderTheLock_ThenAFilteredCatch_IsSilent() => Verify(MirrorSource, "NTF006", "NTF007");

    [Fact]
    public Task AllRules_FilteredStartThatClearsTheFinishAndGuardsItsFalse_IsSilent() => Verify(FilteredStart);

    /// <summary>An ops type whose sequence is set under its lock after an owner test, then a filtered catch returns true.</summary>
    private const string MirrorSource = Prelude + """
        class MirrorOps : IntervalNotifierOps
        {
            private readonly object _owner = new object();
            private readonly object _lock = new object();
            private bool _trace;

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (range.Owner == _owner)
                {
                    return true;
                }

                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                try
                {
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    return true;
                }

                return true;
            }
        }
        """;

    [Fact]
    public Task NTF014_RentedInTheTry_FilteredHandlerNeverReturnsIt_IsReported() => VerifyPool.AnalyzerAsync(Prelude + """
        class PoolOps : IntervalNotifierOps
        {
            private readonly NotifierFinishPool<TraceFinish> _pool = new NotifierFinishPool<TraceFinish>(4);
            private bool _trace;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = null;
                TraceFinish? f = null;
                try
                {
                    if (!_pool.TryRent(out f))
                    {
                        return true;
                    }

                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    {|NTF014:return true;|}
                }

                finish = f;
                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) => _pool.Return((TraceFinish)finish);
        }
        """);

    /// <summary>The silent sources above are decided on the operation tree: a filter no longer sends a callback to the graph.</summary>
    [Fact]
    public async Task FilteredCatches_AreDecidedWithoutAGraph()
    {
        var work = new CallbackFlowWork();
        foreach (var (name, source) in new[] { ("Start", FilteredStart), ("Mirror", MirrorSource) })
        {
            var compilation = ValidCodeTests.Compile(name, LanguageVersion.Latest, ($"/0/{name}.cs", source));
            Assert.Empty(await CallbackFlowPrefilterTests.RunAsync(compilation, prefilters: true, work));
        }

        Assert.True(work["NTF006 tree"] == 1 && work["NTF008 tree"] == 1 && work.GraphsBuilt == 0, work.ToString());
    }

    /// <summary>
    /// A start that hands out its finish inside a try, and whose filtered handler clears it and returns false only on a
    /// range that cannot block.
    /// </summary>
    private const string FilteredStart = Prelude + """
        class TracingOps : IntervalNotifierOps
        {
            private bool _trace;

            public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
            {
                notifier.SetSequence(currentSequence);
                finish = null;
                try
                {
                    finish = new TraceFinish();
                    Device.Program(range.End);
                }
                catch (InvalidOperationException e) when (_trace || Device.Log(e))
                {
                    finish = null;
                    if (!range.IsBlockable)
                    {
                        return false;
                    }
                }

                return true;
            }

            public override void InvalidateFinish(NotifierFinish finish) { }
        }
        """;
}
