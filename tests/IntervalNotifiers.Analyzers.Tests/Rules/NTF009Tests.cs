using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF009: a ReadBegin result that is discarded, or kept in a local that nothing checks.</summary>
public class NTF009Tests
{
    public static IEnumerable<object[]> LanguageVersions => NotifierTestState.LanguageVersions.Select(v => new object[] { v });

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task ResultDiscardedAsAStatement_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void WaitForInvalidations()
            {
                {|NTF009:_notifier.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task ResultAssignedToADiscard_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Populate()
            {
                _ = {|NTF009:_notifier.ReadBegin()|};
                lock (_lock)
                {
                    Program();
                }
            }

            private void Program() { }
        }
        """);

    [Fact]
    public Task LocalNeverRead_IsReportedWithTheDescriptorMessage() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault(ulong address)
            {
                var seq = {|#0:_notifier.ReadBegin()|};
                var page = Pin(address);
                lock (_lock)
                {
                    Program(address, page);
                }
            }

            private long Pin(ulong address) => (long)address;
            private void Program(ulong address, long page) { }
        }
        """, Verify.Diagnostic(Descriptors.NTF009).WithLocation(0));

    [Fact]
    public Task LocalOnlyComparedAndLogged_IsReported() => Verify.AnalyzerAsync("""
        using System;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault()
            {
                ulong seq = {|NTF009:_notifier.ReadBegin()|};
                if (seq == 0)
                {
                    return;
                }

                Console.WriteLine($"populating at sequence {seq}");
                _ = seq;
            }
        }
        """);

    [Fact]
    public Task CopyOfTheLocalNeverChecked_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault()
            {
                var seq = {|NTF009:_notifier.ReadBegin()|};
                var snapshot = seq;
                if (snapshot > 2)
                {
                    Program();
                }
            }

            private void Program() { }
        }
        """);

    [Fact]
    public Task CopiesInACycle_NeverChecked_AreReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault(bool again)
            {
                var seq = {|NTF009:_notifier.ReadBegin()|};
                ulong copy = 0;
                while (again)
                {
                    copy = seq;
                    seq = copy;
                    again = copy != seq;
                }
            }
        }
        """);

    [Fact]
    public Task CopiesInACycle_OneCheckedAfterTheCycle_AreSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public bool Fault(bool again)
            {
                var seq = _notifier.ReadBegin();
                ulong copy = 0;
                while (again)
                {
                    copy = seq;
                    seq = copy;
                    again = copy != seq;
                }

                lock (_lock)
                {
                    return !_notifier.ReadRetry(copy);
                }
            }
        }
        """);

    [Fact]
    public Task ReassignedInALoopButNeverRetried_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class GpuMirror : IntervalNotifier
        {
            public GpuMirror(IntervalNotifierOps ops) : base(ops) { }
        }

        class Populator
        {
            private readonly GpuMirror _mirror;
            public Populator(GpuMirror mirror) { _mirror = mirror; }

            public void Populate()
            {
                ulong seq;
                int attempts = 0;
                do
                {
                    seq = {|NTF009:_mirror.ReadBegin()|};
                    attempts++;
                }
                while (!Fill() && attempts < 3);
            }

            private bool Fill() => true;
        }
        """);

    [Fact]
    public Task EveryUncheckedCallIsReportedOnItsOwn() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _a;
            private readonly IntervalNotifier _b;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier a, IntervalNotifier b) { _a = a; _b = b; }

            public void Fault()
            {
                var seqA = _a.ReadBegin();
                var seqB = {|NTF009:_b.ReadBegin()|};
                lock (_lock)
                {
                    if (_a.ReadRetry(seqA))
                    {
                        return;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task NullConditionalCallDiscarded_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private IntervalNotifier _notifier;

            public void Attach(IntervalNotifier notifier) { _notifier = notifier; }

            public void Settle()
            {
                _notifier?{|NTF009:.ReadBegin()|};
            }
        }
        """);

    [Fact]
    public Task CancellableOverload_IsJudgedTheSameWay() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Settle(CancellationToken cancellationToken)
            {
                {|NTF009:_notifier.ReadBegin(cancellationToken)|};
            }

            public bool Fault(CancellationToken cancellationToken)
            {
                var seq = _notifier.ReadBegin(cancellationToken);
                lock (_lock)
                {
                    return !_notifier.ReadRetry(seq);
                }
            }
        }
        """);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task KernelReadSideLoop_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault(ulong address)
            {
                ulong seq;
                do
                {
                    seq = _notifier.ReadBegin();
                    var page = Pin(address);
                    lock (_lock)
                    {
                        if (_notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        Program(address, page);
                        return;
                    }
                }
                while (true);
            }

            private long Pin(ulong address) => (long)address;
            private void Program(ulong address, long page) { }
        }
        """);

    [Fact]
    public Task ResultStoredInAFieldOrProperty_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Range
        {
            private readonly IntervalNotifier _notifier;
            private ulong _notifierSeq;
            public Range(IntervalNotifier notifier) { _notifier = notifier; }

            public ulong PendingSeq { get; private set; }

            public void GetUserPages()
            {
                _notifierSeq = _notifier.ReadBegin();
                PendingSeq = _notifier.ReadBegin();
            }

            public bool GetUserPagesDone() => !_notifier.ReadRetry(_notifierSeq) && !_notifier.ReadRetry(PendingSeq);
        }
        """);

    [Fact]
    public Task ResultReturnedOrPassedOn_IsSilent() => Verify.AnalyzerAsync("""
        using System.Collections.Generic;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly List<ulong> _pending = new List<ulong>();
            private readonly ulong[] _slots = new ulong[4];
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public ulong Begin() => _notifier.ReadBegin();

            public ulong BeginLogged()
            {
                var seq = _notifier.ReadBegin();
                return seq;
            }

            public void Queue()
            {
                _pending.Add(_notifier.ReadBegin());
                var seq = _notifier.ReadBegin();
                Schedule(seq);
                _slots[0] = _notifier.ReadBegin();
            }

            public void Begin(out ulong seq) { seq = _notifier.ReadBegin(); }

            public void Refresh(ref ulong seq)
            {
                var fresh = _notifier.ReadBegin();
                Exchange(ref fresh, ref seq);
            }

            private void Schedule(ulong seq) { }
            private static void Exchange(ref ulong a, ref ulong b) { var t = a; a = b; b = t; }
        }
        """);

    [Fact]
    public Task LocalCapturedByALambdaOrALocalFunction_IsSilent() => Verify.AnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public Task FaultAsync()
            {
                var seq = _notifier.ReadBegin();
                return Task.Run(() =>
                {
                    lock (_lock)
                    {
                        if (!_notifier.ReadRetry(seq))
                        {
                            Program();
                        }
                    }
                });
            }

            public void Fault()
            {
                var seq = _notifier.ReadBegin();
                bool Stale() => _notifier.ReadRetry(seq);
                lock (_lock)
                {
                    if (!Stale())
                    {
                        Program();
                    }
                }
            }

            private void Program() { }
        }
        """);

    [Fact]
    public Task CheckedWithCheckRetry_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Prefetcher
        {
            private readonly IntervalNotifier _notifier;
            public Prefetcher(IntervalNotifier notifier) { _notifier = notifier; }

            public void Prefetch()
            {
                var seq = _notifier.ReadBegin();
                while (!Fetch())
                {
                    if (_notifier.CheckRetry(seq))
                    {
                        seq = _notifier.ReadBegin();
                    }
                }
            }

            private bool Fetch() => true;
        }
        """);

    [Fact]
    public Task CopyCheckedLater_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public bool Fault()
            {
                var seq = _notifier.ReadBegin();
                ulong snapshot;
                snapshot = seq;
                lock (_lock)
                {
                    return !_notifier.ReadRetry(snapshot);
                }
            }
        }
        """);

    [Fact]
    public Task MonitorAndSemaphoreReaders_AreSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Fault()
            {
                while (true)
                {
                    var seq = _notifier.ReadBegin();
                    var taken = false;
                    try
                    {
                        Monitor.Enter(_lock, ref taken);
                        if (!_notifier.ReadRetry(seq))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_lock);
                    }
                }
            }

            public async Task FaultAsync()
            {
                while (true)
                {
                    var seq = _notifier.ReadBegin();
                    await _gate.WaitAsync();
                    try
                    {
                        if (!_notifier.ReadRetry(seq))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task RetriedThroughADerivedNotifierAndTupleStorage_IsSilent() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class GpuMirror : IntervalNotifier
        {
            public GpuMirror(IntervalNotifierOps ops) : base(ops) { }
        }

        class Populator
        {
            private readonly GpuMirror _mirror;
            private (ulong Seq, ulong Address) _pending;
            private readonly object _lock = new object();
            public Populator(GpuMirror mirror) { _mirror = mirror; }

            public void Start(ulong address) { _pending = (_mirror.ReadBegin(), address); }

            public bool Finish()
            {
                lock (_lock)
                {
                    return !_mirror.ReadRetry(_pending.Seq);
                }
            }

            public bool Direct()
            {
                lock (_lock)
                {
                    return !_mirror.ReadRetry(_mirror.ReadBegin());
                }
            }
        }
        """);

    [Fact]
    public Task NoRuntimeReference_NothingIsReported()
    {
        var test = new Verify.Test(LanguageVersion.Latest, withRuntime: false)
        {
            TestCode = """
                class IntervalNotifier { public ulong ReadBegin() => 0; }
                class Mirror
                {
                    public void Fault(IntervalNotifier n) { n.ReadBegin(); }
                }
                """,
        };
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ every language version

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task UncheckedAndCheckedReaders_UnderEveryLanguageVersion(LanguageVersion languageVersion) => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        class Mirror
        {
            private readonly IntervalNotifier _notifier;
            private readonly object _lock = new object();
            private ulong _seq;
            public Mirror(IntervalNotifier notifier) { _notifier = notifier; }

            public void Broken()
            {
                var seq = {|NTF009:_notifier.ReadBegin()|};
                {|NTF009:_notifier.ReadBegin()|};
                lock (_lock)
                {
                    Program();
                }
            }

            public void Good()
            {
                ulong seq;
                do
                {
                    seq = _notifier.ReadBegin();
                    lock (_lock)
                    {
                        if (_notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        Program();
                        return;
                    }
                }
                while (true);
            }

            public void Stored() { _seq = _notifier.ReadBegin(); }

            public bool Check() { return _notifier.CheckRetry(_seq); }

            private void Program() { }
        }
        """, languageVersion);
}
