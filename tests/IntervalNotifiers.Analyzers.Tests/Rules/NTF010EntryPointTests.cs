using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF010 in entry points (docs/contract.md#entry-points): a method that no source code calls (top-level statements,
/// <c>Main</c>, an unused private method, the body of a thread-pool lambda) is judged as called with no lock held. Where
/// every caller really holds the lock, or the rule cannot tell, it stays silent.
/// </summary>
public class NTF010EntryPointTests
{
    /// <summary>The driver's types: the ops type sets the sequence under the mirror's page-table lock.</summary>
    private const string Types = """
        class MirrorNotifier : IntervalNotifier
        {
            public MirrorNotifier(IntervalNotifierOps ops, Mirror owner) : base(ops) { Owner = owner; }
            public Mirror Owner { get; }
        }

        class MirrorOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var mirror = (MirrorNotifier)notifier;
                lock (mirror.Owner.PageTableLock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }
        }

        partial class Mirror
        {
            internal readonly object PageTableLock = new object();
            internal MirrorNotifier Notifier = null!;
            internal long Pin(ulong address) => (long)address;
            internal void Program(ulong address, long page) { }
        }
        """;

    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        """;

    private static Task ProgramAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Verify.Test(LanguageVersion.Latest) { TestCode = source };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task TopLevelStatementsWithoutALock_AreReported() => ProgramAsync(Usings + """
        var mirror = new Mirror();
        var seq = mirror.Notifier.ReadBegin();
        var page = mirror.Pin(0x1000);
        if (!{|NTF010:mirror.Notifier.ReadRetry(seq)|})
        {
            mirror.Program(0x1000, page);
        }

        """ + Types);

    [Fact]
    public Task TopLevelReaderLoopInALocalFunction_IsReported() => ProgramAsync(Usings + """
        var mirror = new Mirror();
        while (!TryFault(0x2000))
        {
        }

        bool TryFault(ulong address)
        {
            var seq = mirror.Notifier.ReadBegin();
            var page = mirror.Pin(address);
            if ({|NTF010:mirror.Notifier.ReadRetry(seq)|})
            {
                return false;
            }

            mirror.Program(address, page);
            return true;
        }

        """ + Types);

    [Fact]
    public Task MainReaderLoopInALocalFunction_IsReported() => ProgramAsync(Usings + Types + """

        static class Program
        {
            static void Main()
            {
                var mirror = new Mirror();
                for (var attempt = 0; attempt < 3 && !TryFault(0x1000); attempt++)
                {
                }

                bool TryFault(ulong address)
                {
                    var seq = mirror.Notifier.ReadBegin();
                    var page = mirror.Pin(address);
                    if ({|NTF010:mirror.Notifier.ReadRetry(seq)|})
                    {
                        return false;
                    }

                    mirror.Program(address, page);
                    return true;
                }
            }
        }
        """);

    [Fact]
    public Task UnusedPrivateReader_IsReported() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            private bool TryFaultUnused(ulong address)
            {
                var seq = Notifier.ReadBegin();
                var page = Pin(address);
                if ({|NTF010:Notifier.ReadRetry(seq)|})
                {
                    return false;
                }

                Program(address, page);
                return true;
            }
        }
        """);

    [Fact]
    public Task ReaderInATaskRunLambda_IsReported_EvenWhenStartedUnderTheLock() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public Task<bool> FaultInBackground(ulong address)
                => Task.Run(() =>
                {
                    var seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    if ({|NTF010:Notifier.ReadRetry(seq)|})
                    {
                        return false;
                    }

                    Program(address, page);
                    return true;
                });

            public void FaultLater(ulong address)
            {
                lock (PageTableLock)
                {
                    // The lambda runs on a pool thread: the lock taken here is not held there.
                    Task.Run(() =>
                    {
                        var seq = Notifier.ReadBegin();
                        return !{|NTF010:Notifier.ReadRetry(seq)|};
                    });
                }
            }
        }
        """);

    [Fact]
    public Task PrivateReaderCalledOnlyFromThreadLambdas_IsReported() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public void Start(ulong address)
            {
                lock (PageTableLock)
                {
                    ThreadPool.QueueUserWorkItem(_ => TryFault(address));
                    new Thread(() => TryFault(address)).Start();
                }
            }

            private bool TryFault(ulong address)
            {
                var seq = Notifier.ReadBegin();
                var page = Pin(address);
                if ({|NTF010:Notifier.ReadRetry(seq)|})
                {
                    return false;
                }

                Program(address, page);
                return true;
            }
        }
        """);

    [Fact]
    public Task PrivateReaderCalledFromAnUnusedPrivateMethod_IsReported() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            private void Warm(ulong address)
            {
                TryFault(address);
            }

            private bool TryFault(ulong address)
            {
                var seq = Notifier.ReadBegin();
                return !{|NTF010:Notifier.ReadRetry(seq)|};
            }
        }
        """);

    [Fact]
    public Task MainWithoutALock_IsReported_SyncAndAsync() => Verify.AnalyzerAsync(Usings + Types + """

        static class Program
        {
            static void Main()
            {
                var mirror = new Mirror();
                var seq = mirror.Notifier.ReadBegin();
                if (!{|NTF010:mirror.Notifier.ReadRetry(seq)|})
                {
                    mirror.Program(0x1000, mirror.Pin(0x1000));
                }
            }
        }

        static class AsyncTool
        {
            private static async Task Main(string[] args)
            {
                var mirror = new Mirror();
                var seq = mirror.Notifier.ReadBegin();
                await Task.Yield();
                Console.WriteLine({|NTF010:mirror.Notifier.ReadRetry(seq)|} ? "stale" : "current");
            }
        }
        """);

    [Fact]
    public Task ReaderInATimerCallbackOrStartNew_IsReported() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            private Timer? _refresh;

            public void StartRefresh()
            {
                _refresh = new Timer(_ =>
                {
                    var seq = Notifier.ReadBegin();
                    if (!{|NTF010:Notifier.ReadRetry(seq)|})
                    {
                        Program(0, 0);
                    }
                }, null, 0, 100);
            }

            public Task Prefault(ulong address) => Task.Factory.StartNew(() =>
            {
                var seq = Notifier.ReadBegin();
                return !{|NTF010:Notifier.ReadRetry(seq)|};
            });
        }
        """);

    [Fact]
    public Task LocalFunctionInAHelperCalledUnderTheLock_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public void Fault(ulong address)
            {
                lock (PageTableLock)
                {
                    Retry(address);
                }
            }

            private void Retry(ulong address)
            {
                Attempt();

                bool Attempt()
                {
                    var seq = Notifier.ReadBegin();
                    return !Notifier.ReadRetry(seq);
                }
            }
        }
        """);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task TopLevelStatementsUnderTheLock_AreSilent() => ProgramAsync(Usings + """
        var mirror = new Mirror();
        var seq = mirror.Notifier.ReadBegin();
        var page = mirror.Pin(0x1000);
        lock (mirror.PageTableLock)
        {
            if (!mirror.Notifier.ReadRetry(seq))
            {
                mirror.Program(0x1000, page);
            }
        }

        """ + Types);

    [Fact]
    public Task LocalFunctionCalledOnlyUnderTheLock_IsSilent() => ProgramAsync(Usings + Types + """

        static class Program
        {
            static void Main()
            {
                var mirror = new Mirror();
                var seq = mirror.Notifier.ReadBegin();
                var page = mirror.Pin(0x1000);
                lock (mirror.PageTableLock)
                {
                    Commit();
                }

                void Commit()
                {
                    if (!mirror.Notifier.ReadRetry(seq))
                    {
                        mirror.Program(0x1000, page);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task LocalFunctionCalledUnderTheLockAndOutside_OrAsADelegate_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public void Mixed(ulong address)
            {
                lock (PageTableLock)
                {
                    TryFault();
                }

                TryFault();

                bool TryFault()
                {
                    var seq = Notifier.ReadBegin();
                    return !Notifier.ReadRetry(seq);
                }
            }

            public Func<bool> AsDelegate(ulong address)
            {
                return TryFault;

                bool TryFault()
                {
                    var seq = Notifier.ReadBegin();
                    return !Notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task LambdaInvokedByTheCaller_OrHandedToUnknownCode_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public bool Stored(ulong address)
            {
                Func<bool> attempt = () =>
                {
                    var seq = Notifier.ReadBegin();
                    return !Notifier.ReadRetry(seq);
                };
                lock (PageTableLock)
                {
                    return attempt();
                }
            }

            public void Handed(ulong address)
            {
                RunLocked(() =>
                {
                    var seq = Notifier.ReadBegin();
                    return !Notifier.ReadRetry(seq);
                });
            }

            private void RunLocked(Func<bool> body)
            {
                lock (PageTableLock)
                {
                    body();
                }
            }
        }
        """);

    [Fact]
    public Task ThreadLambdaThatTakesTheLockItself_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            public Task<bool> FaultInBackground(ulong address)
                => Task.Run(() =>
                {
                    var seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (PageTableLock)
                    {
                        if (Notifier.ReadRetry(seq))
                        {
                            return false;
                        }

                        Program(address, page);
                        return true;
                    }
                });

            public void Start(ulong address) => Task.Run(() => Locked(address));

            private bool Locked(ulong address)
            {
                var seq = Notifier.ReadBegin();
                lock (PageTableLock)
                {
                    return !Notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task UnusedPrivateCheckThatTakesTheSequence_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            private bool IsStale(ulong seq) => Notifier.ReadRetry(seq);

            public bool PublicApi(ulong seq) => Notifier.ReadRetry(seq);
        }
        """);

    [Fact]
    public Task PrivateReaderCalledFromANestedType_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        partial class Mirror
        {
            private bool TryFault()
            {
                var seq = Notifier.ReadBegin();
                return !Notifier.ReadRetry(seq);
            }

            internal sealed class Worker
            {
                private readonly Mirror _owner;
                public Worker(Mirror owner) { _owner = owner; }

                public bool Run()
                {
                    lock (_owner.PageTableLock)
                    {
                        return _owner.TryFault();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PublicApiUnderTheDriverLockThatNothingCalls_IsSilent() => Verify.AnalyzerAsync(Usings + Types + """

        public static class MirrorApi
        {
            internal static bool TryFault(Mirror mirror, ulong address)
            {
                var seq = mirror.Notifier.ReadBegin();
                var page = mirror.Pin(address);
                lock (mirror.PageTableLock)
                {
                    if (mirror.Notifier.ReadRetry(seq))
                    {
                        return false;
                    }

                    mirror.Program(address, page);
                    return true;
                }
            }
        }
        """);
}
