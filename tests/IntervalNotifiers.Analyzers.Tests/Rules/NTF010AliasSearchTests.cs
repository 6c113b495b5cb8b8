using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF010's lock aliases are found at the compilation's end by searching the places that can name a member
/// (Rules/ReadSide/Locks/LockAliases.cs): copies made in other files, in object initializers and property initializers
/// are aliases; one assignment of anything else, anywhere, is not; a private member is searched in its type's parts.
/// </summary>
public class NTF010AliasSearchTests
{
    private const string Driver = """
        using IntervalNotifiers;

        public class Device
        {
            public readonly object NotifierLock = new object();
            public readonly object StatsLock = new object();
        }

        public class DeviceNotifier : IntervalNotifier
        {
            public DeviceNotifier(IntervalNotifierOps ops, Device device) : base(ops) { Device = device; }
            public Device Device { get; }
        }

        public class DeviceOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var n = (DeviceNotifier)notifier;
                lock (n.Device.NotifierLock)
                {
                    n.SetSequence(currentSequence);
                }

                return true;
            }
        }
        """;

    private static Task RunAsync(string readers, string elsewhere, params DiagnosticResult[] expected)
    {
        var test = new Verify.Test(LanguageVersion.Latest);
        test.TestState.Sources.Add(("Driver.cs", Driver));
        test.TestState.Sources.Add(("Readers.cs", readers));
        test.TestState.Sources.Add(("Elsewhere.cs", elsewhere));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private const string Readers = """
        public class Reader
        {
            public object Gate;
            public object Copied { get; set; }
            public bool ByGate(DeviceNotifier n, ulong seq) { lock (Gate) { return {|#0:n.ReadRetry(seq)|}; } }
        }
        """;

    [Fact]
    public Task ACopyInAnObjectInitializerInAnotherFile_IsAnAlias() => RunAsync(Readers, """
        public static class Wiring
        {
            public static Reader Make(Device device) => new Reader { Gate = device.NotifierLock };
        }
        """);

    [Fact]
    public Task ACopyAndAnotherObjectAssignedInAnotherFile_IsNoAlias() => RunAsync(Readers, """
        public static class Wiring
        {
            public static Reader Make(Device device) => new Reader { Gate = device.NotifierLock };
            public static void Reset(Reader reader) { reader.Gate = new object(); }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Reader.Gate', but 'DeviceOps' calls SetSequence under 'Device.NotifierLock'"));

    [Fact]
    public Task CopiesOfTwoDifferentLocks_AreNoAlias() => RunAsync(Readers, """
        public static class Wiring
        {
            public static Reader Make(Device device) => new Reader { Gate = device.NotifierLock };
            public static Reader Stats(Device device) => new Reader { Gate = device.StatsLock };
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Reader.Gate', but 'DeviceOps' calls SetSequence under 'Device.NotifierLock'"));

    [Fact]
    public Task APrivateCopyInAnotherPartOfItsType_IsAnAlias() => RunAsync("""
        public partial class Mirror
        {
            private object _gate;
            public bool Check(DeviceNotifier n, ulong seq) { lock (_gate) { return n.ReadRetry(seq); } }
        }
        """, """
        public partial class Mirror
        {
            public Mirror(Device device) { this._gate = device.NotifierLock; }
        }
        """);

    [Fact]
    public Task APropertyInitializerCopy_IsAnAlias() => RunAsync("""
        public class Mirror
        {
            private static readonly Device Shared = new Device();
            public object Gate { get; } = Shared.NotifierLock;
            public bool Check(DeviceNotifier n, ulong seq) { lock (Gate) { return n.ReadRetry(seq); } }
        }
        """, """
        public static class Nothing
        {
        }
        """);
}
