using System.Threading.Tasks;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.CallbackCallsAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules.CallbackCalls;

/// <summary>
/// NTF011/NTF013 after the cost work: an ops type whose callbacks call only source methods that reach nothing is not
/// analysed at its end, and the shapes where the answer comes from a call the per-invocation filter sees elsewhere
/// (a public method of the ops type between a helper and a wrapper; a device helper that calls both
/// <c>Dictionary.Remove</c> and the notifier's <c>Remove</c>) are still reported.
/// </summary>
public class CallbackCallsRelevanceTests
{
    [Fact]
    public Task DeviceHelperThatRemovesOnlyFromADictionary_IsSilent() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using IntervalNotifiers;

        sealed class Device
        {
            public readonly object Lock = new object();
            public readonly Dictionary<ulong, ulong> Mapped = new Dictionary<ulong, ulong>();

            public void Unmap(ulong start, ulong end)
            {
                foreach (var page in Mapped.Keys.Where(p => p >= start && p < end).ToList())
                {
                    Mapped.Remove(page);
                }
            }
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_device.Lock)
                {
                    notifier.SetSequence(currentSequence);
                    _device.Unmap(range.Start, range.End);
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task DeviceHelperThatRemovesFromADictionaryAndTheNotifier_IsReported() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        sealed class Device
        {
            public readonly Dictionary<ulong, ulong> Mapped = new Dictionary<ulong, ulong>();
            public IntervalNotifier? Mirror;

            public void Unmap(ulong page)
            {
                Mapped.Remove(page);
                if (Mapped.Count == 0)
                {
                    Mirror?.Remove();
                }
            }
        }

        sealed class DeviceOps : IntervalNotifierOps
        {
            private readonly Device _device = new Device();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                {|NTF011:_device.Unmap(range.Start)|};
                return true;
            }
        }
        """);

    [Fact]
    public Task HelperThenPublicMethodOfTheOpsTypeThenWrapper_IsReportedInTheHelper() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        sealed class Mirror
        {
            private readonly IntervalNotifier _notifier;

            public Mirror(IntervalNotifier notifier) => _notifier = notifier;

            public ulong Snapshot() => _notifier.ReadBegin();
        }

        sealed class MirrorOps : IntervalNotifierOps
        {
            private readonly Mirror _mirror;

            public MirrorOps(Mirror mirror) => _mirror = mirror;

            public ulong Refresh() => _mirror.Snapshot();

            private void Record() => {|NTF013:Refresh()|};

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Record();
                return true;
            }
        }
        """);
}
