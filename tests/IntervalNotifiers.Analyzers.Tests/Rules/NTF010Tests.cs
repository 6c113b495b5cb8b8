using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = IntervalNotifiers.Analyzers.Tests.Verifiers.Verify<IntervalNotifiers.Analyzers.ReadSideAnalyzer>;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>NTF010: ReadRetry outside any lock, or under another lock than the one around SetSequence.</summary>
public class NTF010Tests
{
    public static IEnumerable<object[]> LanguageVersions => NotifierTestState.LanguageVersions.Select(v => new object[] { v });

    /// <summary>
    /// A driver in the kernel's shape: the notifier is embedded in the mirror object (container_of), the ops
    /// callback casts it back and sets the sequence under the mirror's page-table lock. C# 7.3 compatible.
    /// </summary>
    private const string Driver = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

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
                    mirror.Owner.Zap(range.Start, range.End);
                }

                return true;
            }
        }

        partial class Mirror
        {
            internal readonly object PageTableLock = new object();
            internal readonly object StatsLock = new object();
            internal MirrorNotifier Notifier;
            internal void Zap(ulong start, ulong end) { }
            internal long Pin(ulong address) { return (long)address; }
            internal void Program(ulong address, long page) { }
        }

        """;

    // ------------------------------------------------------------------ flagged

    [Fact]
    public Task RetryAfterTheLockIsReleased_IsReportedOutsideAnyLock() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                while (true)
                {
                    var seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (PageTableLock)
                    {
                        Program(address, page);
                    }

                    if (!{|#0:Notifier.ReadRetry(seq)|})
                    {
                        return;
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0).WithArguments("is called outside any lock"));

    [Fact]
    public Task PlainNotifierWithoutAnyLock_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class Prefetcher
        {
            private readonly IntervalNotifier _notifier;
            public Prefetcher(IntervalNotifier notifier) { _notifier = notifier; }

            public void Prefetch(ulong address)
            {
                ulong seq;
                do
                {
                    seq = _notifier.ReadBegin();
                    Fetch(address);
                }
                while ({|NTF010:_notifier.ReadRetry(seq)|});
            }

            private void Fetch(ulong address) { }
        }
        """);

    [Fact]
    public Task AsyncReaderWithoutAnyLock_IsReported() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public async Task FaultAsync(ulong address)
            {
                while (true)
                {
                    var seq = Notifier.ReadBegin();
                    await Task.Yield();
                    if ({|NTF010:Notifier.ReadRetry(seq)|})
                    {
                        continue;
                    }

                    Program(address, Pin(address));
                    return;
                }
            }
        }
        """);

    [Fact]
    public Task PrivateHelperCalledWithoutALock_IsReportedInTheHelper() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                while (!TryFault(address))
                {
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
    public Task RetryUnderAnotherLock_IsReportedWithBothLocks() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                while (true)
                {
                    var seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (StatsLock)
                    {
                        if ({|#0:Notifier.ReadRetry(seq)|})
                        {
                            continue;
                        }

                        Program(address, page);
                        return;
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Mirror.StatsLock', but 'MirrorOps' calls SetSequence under 'Mirror.PageTableLock'"));

    /// <summary>
    /// One lock object under several names: a property that returns the field, a field of the ops type copied from
    /// the mirror's lock in its constructor, a field initialized from it. A field that is also assigned another
    /// object is no alias: a reader under it is still reported.
    /// </summary>
    [Fact]
    public Task SameLockUnderAnotherName_IsSilent_AndAReassignedCopyIsNot() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        class Device
        {
            private readonly object _notifierLock = new object();
            public object NotifierLock => _notifierLock;
            public object NotifierLockToo { get { return this._notifierLock; } }
            public object Other = new object();
        }

        class DeviceNotifier : IntervalNotifier
        {
            public DeviceNotifier(IntervalNotifierOps ops, Device device) : base(ops) { Device = device; }
            public Device Device { get; }
        }

        class DeviceOps : IntervalNotifierOps
        {
            private readonly object _lock;
            public DeviceOps(Device device) { _lock = device.NotifierLock; }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var n = (DeviceNotifier)notifier;
                lock (_lock)
                {
                    n.SetSequence(currentSequence);
                }

                return true;
            }
        }

        class Readers
        {
            private static readonly Device Shared = new Device();
            private readonly object _copy = Shared.NotifierLock;
            private object _reassigned = Shared.NotifierLock;

            public void Swap() { _reassigned = Shared.Other; }

            public bool ByProperty(DeviceNotifier n, ulong seq) { lock (n.Device.NotifierLock) { return n.ReadRetry(seq); } }
            public bool ByOtherProperty(DeviceNotifier n, ulong seq) { lock (n.Device.NotifierLockToo) { return n.ReadRetry(seq); } }
            public bool ByCopy(DeviceNotifier n, ulong seq) { lock (_copy) { return n.ReadRetry(seq); } }
            public bool ByReassigned(DeviceNotifier n, ulong seq) { lock (_reassigned) { return {|#0:n.ReadRetry(seq)|}; } }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Readers._reassigned', but 'DeviceOps' calls SetSequence under 'DeviceOps._lock'"));

    /// <summary>
    /// A lock reached through an interface, or through a virtual property and its override: the reader names it by
    /// another symbol than the callback, yet it may well be the same object, so the "different lock" case is silent.
    /// </summary>
    [Fact]
    public Task LockThroughAnInterfaceOrAnOverride_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        interface ILocked { object Gate { get; } }

        class BaseNotifier : IntervalNotifier, ILocked
        {
            private readonly object _gate = new object();
            public BaseNotifier(IntervalNotifierOps ops) : base(ops) { }
            public virtual object Gate => _gate;
        }

        class DerivedNotifier : BaseNotifier
        {
            public DerivedNotifier(IntervalNotifierOps ops) : base(ops) { }
            public override object Gate => base.Gate;
        }

        class Ops : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var n = (DerivedNotifier)notifier;
                lock (((BaseNotifier)n).Gate)
                {
                    n.SetSequence(currentSequence);
                }

                return true;
            }
        }

        static class Readers
        {
            public static bool ThroughTheInterface(DerivedNotifier n, ulong seq) { lock (((ILocked)n).Gate) { return n.ReadRetry(seq); } }
            public static bool ThroughTheOverride(DerivedNotifier n, ulong seq) { lock (n.Gate) { return n.ReadRetry(seq); } }
        }
        """);

    [Fact]
    public Task SemaphoreReaderAgainstALockStatementInTheOps_IsReported() => Verify.AnalyzerAsync(Driver + """
        class AsyncFaulter
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly MirrorNotifier _notifier;
            public AsyncFaulter(MirrorNotifier notifier) { _notifier = notifier; }

            public async Task FaultAsync(ulong address)
            {
                while (true)
                {
                    var seq = _notifier.ReadBegin();
                    await _gate.WaitAsync();
                    try
                    {
                        if ({|NTF010:_notifier.ReadRetry(seq)|})
                        {
                            continue;
                        }

                        _notifier.Owner.Program(address, 0);
                        return;
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
    public Task ReaderInAnotherFile_IsReportedAtTheCompilationEnd() => Verify.AnalyzerAsync(new[]
    {
        """
        using System.Threading;
        using IntervalNotifiers;

        class SvmRange : IntervalNotifier
        {
            public SvmRange(IntervalNotifierOps ops) : base(ops) { }
        }

        class SvmOps : IntervalNotifierOps
        {
            internal static readonly ReaderWriterLockSlim MapLock = new ReaderWriterLockSlim();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (!(notifier is SvmRange svm))
                {
                    return true;
                }

                MapLock.EnterWriteLock();
                try
                {
                    svm.SetSequence(currentSequence);
                }
                finally
                {
                    MapLock.ExitWriteLock();
                }

                return true;
            }
        }
        """,
        """
        using System.Threading;

        class SvmFaulter
        {
            private static readonly ReaderWriterLockSlim ListLock = new ReaderWriterLockSlim();

            public bool Fault(SvmRange range)
            {
                var seq = range.ReadBegin();
                ListLock.EnterReadLock();
                try
                {
                    return !{|#0:range.ReadRetry(seq)|};
                }
                finally
                {
                    ListLock.ExitReadLock();
                }
            }
        }
        """,
    }, LanguageVersion.Latest, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
        .WithArguments("is called under 'SvmFaulter.ListLock', but 'SvmOps' calls SetSequence under 'SvmOps.MapLock'"));

    [Fact]
    public Task MonitorTryEnterUnderAnotherLock_IsReported() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public bool TryFault(ulong address)
            {
                var seq = Notifier.ReadBegin();
                var page = Pin(address);
                if (!Monitor.TryEnter(StatsLock, 100))
                {
                    return false;
                }

                try
                {
                    if ({|NTF010:Notifier.ReadRetry(seq)|})
                    {
                        return false;
                    }

                    Program(address, page);
                    return true;
                }
                finally
                {
                    Monitor.Exit(StatsLock);
                }
            }
        }
        """);

    [Fact]
    public Task SetSequenceInAPrivateOpsHelper_TakesTheCallbacksLock() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class PageNotifier : IntervalNotifier
        {
            public PageNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        class PageOps : IntervalNotifierOps
        {
            internal static readonly object UpdateLock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (UpdateLock)
                {
                    Invalidated((PageNotifier)notifier, currentSequence);
                }

                return true;
            }

            private static void Invalidated(PageNotifier page, ulong currentSequence)
            {
                page.SetSequence(currentSequence);
            }
        }

        class Faulter
        {
            private static readonly object FaultLock = new object();

            public bool Fault(PageNotifier page)
            {
                var seq = page.ReadBegin();
                lock (FaultLock)
                {
                    return !{|#0:page.ReadRetry(seq)|};
                }
            }

            public bool FaultRight(PageNotifier page)
            {
                var seq = page.ReadBegin();
                lock (PageOps.UpdateLock)
                {
                    return !page.ReadRetry(seq);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Faulter.FaultLock', but 'PageOps' calls SetSequence under 'PageOps.UpdateLock'"));

    [Fact]
    public Task GenericMirrorUnderAnotherLock_IsReported() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class MirrorNotifier<TPage> : IntervalNotifier
        {
            public MirrorNotifier(IntervalNotifierOps ops, Mirror<TPage> owner) : base(ops) { Owner = owner; }
            public Mirror<TPage> Owner { get; }
        }

        sealed class MirrorOps<TPage> : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                if (notifier is MirrorNotifier<TPage> mirror)
                {
                    lock (mirror.Owner.PageTableLock)
                    {
                        mirror.SetSequence(currentSequence);
                    }
                }

                return true;
            }
        }

        class Mirror<TPage>
        {
            internal readonly object PageTableLock = new object();
            internal readonly object StatsLock = new object();
            internal MirrorNotifier<TPage> Notifier;

            public bool Good()
            {
                var seq = Notifier.ReadBegin();
                lock (PageTableLock)
                {
                    return !Notifier.ReadRetry(seq);
                }
            }

            public bool Wrong()
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !{|NTF010:Notifier.ReadRetry(seq)|};
                }
            }
        }

        class IntMirror : Mirror<int>
        {
            public bool Derived()
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !{|NTF010:Notifier.ReadRetry(seq)|};
                }
            }
        }
        """);

    [Fact]
    public Task ReaderInANestedType_IsReportedOnce() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            internal sealed class Worker
            {
                private readonly Mirror _owner;
                public Worker(Mirror owner) { _owner = owner; }

                public bool Run()
                {
                    var seq = _owner.Notifier.ReadBegin();
                    return !{|NTF010:_owner.Notifier.ReadRetry(seq)|};
                }
            }
        }
        """);

    // ------------------------------------------------------------------ silent

    [Fact]
    public Task KernelReadSideLoopUnderTheSetSequenceLock_IsSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                ulong seq;
                do
                {
                    seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (PageTableLock)
                    {
                        if (Notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        Program(address, page);
                        return;
                    }
                }
                while (true);
            }
        }
        """);

    [Fact]
    public Task SameLockThroughMonitorAndNestedLocks_IsSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public bool TryFault(ulong address)
            {
                var seq = Notifier.ReadBegin();
                var page = Pin(address);
                var taken = false;
                try
                {
                    Monitor.Enter(PageTableLock, ref taken);
                    if (Notifier.ReadRetry(seq))
                    {
                        return false;
                    }

                    Program(address, page);
                    return true;
                }
                finally
                {
                    if (taken)
                    {
                        Monitor.Exit(PageTableLock);
                    }
                }
            }

            public bool FaultCounted(ulong address)
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    lock (PageTableLock)
                    {
                        return !Notifier.ReadRetry(seq);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockOnBothSides_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        sealed class UserPtr : IntervalNotifier
        {
            public UserPtr(IntervalNotifierOps ops, Vm vm) : base(ops) { Vm = vm; }
            public Vm Vm { get; }
        }

        sealed class Vm
        {
            public readonly Lock NotifierLock = new();
        }

        sealed class UserPtrOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var userPtr = notifier as UserPtr;
                if (userPtr is null)
                {
                    return true;
                }

                using (userPtr.Vm.NotifierLock.EnterScope())
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }
        }

        sealed class Binder
        {
            public bool Bind(UserPtr userPtr)
            {
                var seq = userPtr.ReadBegin();
                lock (userPtr.Vm.NotifierLock)
                {
                    if (userPtr.ReadRetry(seq))
                    {
                        return false;
                    }
                }

                var again = userPtr.ReadBegin();
                using var scope = userPtr.Vm.NotifierLock.EnterScope();
                return !userPtr.ReadRetry(again);
            }

            public bool BindExplicit(UserPtr userPtr)
            {
                var seq = userPtr.ReadBegin();
                userPtr.Vm.NotifierLock.Enter();
                try
                {
                    return !userPtr.ReadRetry(seq);
                }
                finally
                {
                    userPtr.Vm.NotifierLock.Exit();
                }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterLockReadAndWriteModes_AreTheSameLock() => Verify.AnalyzerAsync("""
        using System.Threading;
        using IntervalNotifiers;

        class SvmRange : IntervalNotifier
        {
            public SvmRange(IntervalNotifierOps ops) : base(ops) { }
        }

        class Svm
        {
            internal static readonly ReaderWriterLockSlim MapLock = new ReaderWriterLockSlim();

            public bool Fault(SvmRange range)
            {
                var seq = range.ReadBegin();
                MapLock.EnterReadLock();
                try
                {
                    return !range.ReadRetry(seq);
                }
                finally
                {
                    MapLock.ExitReadLock();
                }
            }

            public bool Upgrade(SvmRange range)
            {
                var seq = range.ReadBegin();
                if (!MapLock.TryEnterUpgradeableReadLock(50))
                {
                    return false;
                }

                try
                {
                    return !range.ReadRetry(seq);
                }
                finally
                {
                    MapLock.ExitUpgradeableReadLock();
                }
            }
        }

        class SvmOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                switch (notifier)
                {
                    case SvmRange svm:
                        Svm.MapLock.EnterWriteLock();
                        try
                        {
                            svm.SetSequence(currentSequence);
                        }
                        finally
                        {
                            Svm.MapLock.ExitWriteLock();
                        }

                        return true;
                    default:
                        return true;
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreOnBothSidesAndSetSequenceInAnOpsHelper_IsSilent() => Verify.AnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        class BufferNotifier : IntervalNotifier
        {
            public BufferNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        class Device
        {
            internal readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

            public async Task<bool> MapAsync(BufferNotifier buffer)
            {
                var seq = buffer.ReadBegin();
                await Gate.WaitAsync();
                try
                {
                    return !buffer.ReadRetry(seq);
                }
                finally
                {
                    Gate.Release();
                }
            }
        }

        class BufferOps : IntervalNotifierOps
        {
            private readonly Device _device;
            public BufferOps(Device device) { _device = device; }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _device.Gate.Wait();
                try
                {
                    Update((BufferNotifier)notifier, currentSequence);
                }
                finally
                {
                    _device.Gate.Release();
                }

                return true;
            }

            private static void Update(BufferNotifier buffer, ulong currentSequence) => buffer.SetSequence(currentSequence);
        }
        """);

    [Fact]
    public Task PlainNotifierUnderSomeLock_TiesToNoOpsType_IsSilent() => Verify.AnalyzerAsync(Driver + """
        class GenericFaulter
        {
            private readonly object _gate = new object();

            public bool Fault(IntervalNotifier notifier)
            {
                var seq = notifier.ReadBegin();
                lock (_gate)
                {
                    return !notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task PrivateHelperCalledOnlyUnderTheLock_IsSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                while (true)
                {
                    var seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (PageTableLock)
                    {
                        if (ProgramIfCurrent(seq, address, page))
                        {
                            return;
                        }
                    }
                }
            }

            private bool ProgramIfCurrent(ulong seq, ulong address, long page)
            {
                if (Notifier.ReadRetry(seq))
                {
                    return false;
                }

                Program(address, page);
                return true;
            }
        }
        """);

    [Fact]
    public Task LockHeldThroughAHelper_IsSilent() => Verify.AnalyzerAsync(Driver + """
        sealed class DriverLock
        {
            private readonly object _inner = new object();
            public IDisposable Lock() { Monitor.Enter(_inner); return new Releaser(_inner); }
            public void Enter() => Monitor.Enter(_inner);
            public void Exit() => Monitor.Exit(_inner);

            private sealed class Releaser : IDisposable
            {
                private readonly object _inner;
                public Releaser(object inner) { _inner = inner; }
                public void Dispose() => Monitor.Exit(_inner);
            }
        }

        partial class Mirror
        {
            private readonly DriverLock _driverLock = new DriverLock();

            public bool FaultScoped(ulong address)
            {
                var seq = Notifier.ReadBegin();
                using (_driverLock.Lock())
                {
                    return !Notifier.ReadRetry(seq);
                }
            }

            public bool FaultExplicit(ulong address)
            {
                var seq = Notifier.ReadBegin();
                _driverLock.Enter();
                try
                {
                    return !Notifier.ReadRetry(seq);
                }
                finally
                {
                    _driverLock.Exit();
                }
            }

            public bool FaultWithoutFinally(ulong address)
            {
                var seq = Notifier.ReadBegin();
                Monitor.Enter(PageTableLock);
                var stale = Notifier.ReadRetry(seq);
                Monitor.Exit(PageTableLock);
                return !stale;
            }
        }
        """);

    [Fact]
    public Task UnnamedLocks_AreNotCompared() => Verify.AnalyzerAsync(Driver + """
        class LocalLocker
        {
            private readonly MirrorNotifier _notifier;
            public LocalLocker(MirrorNotifier notifier) { _notifier = notifier; }

            public bool FaultOnThis()
            {
                var seq = _notifier.ReadBegin();
                lock (this)
                {
                    return !_notifier.ReadRetry(seq);
                }
            }

            public bool FaultOnLocal(object gate)
            {
                var seq = _notifier.ReadBegin();
                lock (gate)
                {
                    return !_notifier.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task WrapperCheckLambdaAndCheckRetry_AreSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public bool IsStale(ulong seq) => Notifier.ReadRetry(seq);

            public Task<bool> FaultLaterAsync()
            {
                var seq = Notifier.ReadBegin();
                return Task.Run(() => Notifier.ReadRetry(seq));
            }

            public void Prefetch()
            {
                var seq = Notifier.ReadBegin();
                while (Notifier.CheckRetry(seq))
                {
                    seq = Notifier.ReadBegin();
                }
            }
        }
        """);

    [Fact]
    public Task OpsWithAnUnnamedLockOrNoSetSequence_AreNotCompared() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class TileNotifier : IntervalNotifier
        {
            public TileNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        class TileOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var tile = (TileNotifier)notifier;
                lock (tile)
                {
                    tile.SetSequence(currentSequence);
                }

                return true;
            }
        }

        class QuietNotifier : IntervalNotifier
        {
            public QuietNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        class Reader
        {
            private readonly object _gate = new object();

            public bool Tile(TileNotifier tile)
            {
                var seq = tile.ReadBegin();
                lock (_gate)
                {
                    return !tile.ReadRetry(seq);
                }
            }

            public bool Quiet(QuietNotifier quiet)
            {
                var seq = quiet.ReadBegin();
                lock (_gate)
                {
                    return !quiet.ReadRetry(seq);
                }
            }
        }
        """);

    [Fact]
    public Task SetSequenceUnderAnUnknownLockSomewhere_SilencesTheDifferentLockCase() => Verify.AnalyzerAsync(Driver + """
        class SecondOps : IntervalNotifierOps
        {
            private readonly DeviceLock _deviceLock = new DeviceLock();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                _deviceLock.Acquire();
                try
                {
                    notifier.SetSequence(currentSequence);
                }
                finally
                {
                    _deviceLock.Drop();
                }

                return true;
            }
        }

        sealed class DeviceLock
        {
            public void Acquire() { }
            public void Drop() { }
        }

        partial class Mirror
        {
            public bool Fault()
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !Notifier.ReadRetry(seq);
                }
            }
        }
        """);

    /// <summary>
    /// An ops type that never casts its notifier ties its SetSequence to no notifier type, so to every reader: a reader
    /// under its lock is silent, a reader under a lock that neither ops type holds is still reported. (The judgement
    /// gathers the locks of such facts in one set; this pins what it must keep.)
    /// </summary>
    [Fact]
    public Task SetSequenceTiedToNoType_SilencesOnlyTheReadersUnderItsLock() => Verify.AnalyzerAsync(Driver + """
        static class Shared
        {
            internal static readonly object Gate = new object();
        }

        class UntypedOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (Shared.Gate)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }
        }

        partial class Mirror
        {
            public bool FaultUnderTheSharedGate()
            {
                var seq = Notifier.ReadBegin();
                lock (Shared.Gate)
                {
                    return !Notifier.ReadRetry(seq);
                }
            }

            public bool FaultUnderTheStatsLock()
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !{|#0:Notifier.ReadRetry(seq)|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Mirror.StatsLock', but 'MirrorOps' calls SetSequence under 'Mirror.PageTableLock'"));

    /// <summary>
    /// The acquisitions that may hold a lock at a ReadRetry are those of its own body, before it, nested lambdas and
    /// local functions included (they are gathered per type, not by walking the body): an open acquisition in another
    /// member, or after the site, does not silence it.
    /// </summary>
    [Fact]
    public Task OpenAcquisitions_CountOnlyBeforeTheSiteInItsOwnBody() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Warm() { Monitor.Enter(PageTableLock); }

            public bool FaultBeforeEnter(ulong address)
            {
                var seq = Notifier.ReadBegin();
                var stale = {|#0:Notifier.ReadRetry(seq)|};
                Monitor.Enter(PageTableLock);
                return !stale;
            }

            public bool FaultWrongLockBeforeEnter(ulong address)
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    if ({|#1:Notifier.ReadRetry(seq)|})
                    {
                        return false;
                    }
                }

                Monitor.Enter(PageTableLock);
                return true;
            }

            public bool FaultAfterALocalFunctionEnters(ulong address)
            {
                void Take() => Monitor.Enter(PageTableLock);
                Take();
                var seq = Notifier.ReadBegin();
                return !Notifier.ReadRetry(seq);
            }

            public bool FaultAfterALambdaWaits(ulong address, System.Threading.SemaphoreSlim gate)
            {
                Action take = () => gate.Wait();
                take();
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !Notifier.ReadRetry(seq);
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.NTF010).WithLocation(0).WithArguments("is called outside any lock"),
        Verify.Diagnostic(Descriptors.NTF010).WithLocation(1)
              .WithArguments("is called under 'Mirror.StatsLock', but 'MirrorOps' calls SetSequence under 'Mirror.PageTableLock'"));

    [Fact]
    public Task HelperAlsoUsedAsADelegate_IsSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Fault(ulong address)
            {
                Func<ulong, bool> attempt = TryFault;
                lock (PageTableLock)
                {
                    attempt(address);
                }
            }

            public void FaultDirect(ulong address) => TryFault(address);

            private bool TryFault(ulong address)
            {
                var seq = Notifier.ReadBegin();
                return !Notifier.ReadRetry(seq);
            }
        }
        """);

    [Fact]
    public Task SynchronizedMethod_HoldsAnUnnamedLock_IsSilent() => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
            public bool FaultSynchronized()
            {
                var seq = Notifier.ReadBegin();
                return !Notifier.ReadRetry(seq);
            }
        }
        """);

    /// <summary>
    /// Several SetSequence facts of one notifier type under other locks than the reader's: the message names the first
    /// ops type by name, and of its facts the first lock by name (whatever order the calls come in).
    /// </summary>
    [Fact]
    public Task SeveralFactsUnderOtherLocks_TheMessageNamesTheFirstOpsTypeAndLock() => Verify.AnalyzerAsync("""
        using IntervalNotifiers;

        class SharedNotifier : IntervalNotifier
        {
            public SharedNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        static class Locks
        {
            public static readonly object Alpha = new object();
            public static readonly object Beta = new object();
            public static readonly object Zeta = new object();
            public static readonly object Stats = new object();
        }

        sealed class ZetaOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var shared = (SharedNotifier)notifier;
                lock (Locks.Alpha)
                {
                    shared.SetSequence(currentSequence);
                }

                return true;
            }
        }

        sealed class AlphaOps : IntervalNotifierOps
        {
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var shared = (SharedNotifier)notifier;
                if (range.Start == 0)
                {
                    lock (Locks.Zeta)
                    {
                        shared.SetSequence(currentSequence);
                    }
                }
                else
                {
                    lock (Locks.Beta)
                    {
                        shared.SetSequence(currentSequence);
                    }
                }

                return true;
            }
        }

        class Reader
        {
            internal SharedNotifier Notifier;

            public bool Read()
            {
                var seq = Notifier.ReadBegin();
                lock (Locks.Stats)
                {
                    return !{|#0:Notifier.ReadRetry(seq)|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Locks.Stats', but 'AlphaOps' calls SetSequence under 'Locks.Beta'"));

    /// <summary>
    /// Only <c>System.Threading.Monitor</c> takes a named lock: a type of source called <c>Monitor</c> with the same
    /// methods is a call that may take some lock, so the reader under it is not compared (the real one is).
    /// </summary>
    [Fact]
    public Task MonitorOfAnotherNamespace_IsNoKnownLock() => Verify.AnalyzerAsync(Driver + """
        namespace Fakes
        {
            static class Monitor
            {
                public static void Enter(object gate) { }
                public static void Exit(object gate) { }
            }
        }

        partial class Mirror
        {
            public bool FakeMonitor()
            {
                var seq = Notifier.ReadBegin();
                Fakes.Monitor.Enter(StatsLock);
                try
                {
                    return !Notifier.ReadRetry(seq);
                }
                finally
                {
                    Fakes.Monitor.Exit(StatsLock);
                }
            }

            public bool RealMonitor()
            {
                var seq = Notifier.ReadBegin();
                Monitor.Enter(StatsLock);
                try
                {
                    return !{|#0:Notifier.ReadRetry(seq)|};
                }
                finally
                {
                    Monitor.Exit(StatsLock);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.NTF010).WithLocation(0)
            .WithArguments("is called under 'Mirror.StatsLock', but 'MirrorOps' calls SetSequence under 'Mirror.PageTableLock'"));

    [Fact]
    public Task NoRuntimeReference_NothingIsReported()
    {
        var test = new Verify.Test(LanguageVersion.Latest, withRuntime: false)
        {
            TestCode = """
                class IntervalNotifier { public ulong ReadBegin() => 0; public bool ReadRetry(ulong s) => false; }
                class Mirror
                {
                    public bool Fault(IntervalNotifier n) { var s = n.ReadBegin(); return n.ReadRetry(s); }
                }
                """,
        };
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ every language version

    [Theory]
    [MemberData(nameof(LanguageVersions))]
    public Task ReadersUnderEveryLanguageVersion(LanguageVersion languageVersion) => Verify.AnalyzerAsync(Driver + """
        partial class Mirror
        {
            public void Good(ulong address)
            {
                ulong seq;
                do
                {
                    seq = Notifier.ReadBegin();
                    var page = Pin(address);
                    lock (PageTableLock)
                    {
                        if (Notifier.ReadRetry(seq))
                        {
                            continue;
                        }

                        Program(address, page);
                        return;
                    }
                }
                while (true);
            }

            public bool Unlocked(ulong address)
            {
                var seq = Notifier.ReadBegin();
                return !{|NTF010:Notifier.ReadRetry(seq)|};
            }

            public bool WrongLock(ulong address)
            {
                var seq = Notifier.ReadBegin();
                lock (StatsLock)
                {
                    return !{|NTF010:Notifier.ReadRetry(seq)|};
                }
            }
        }
        """, languageVersion);
}
