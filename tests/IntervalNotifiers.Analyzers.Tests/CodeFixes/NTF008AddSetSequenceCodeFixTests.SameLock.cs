using System.Threading.Tasks;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.CodeFixes;

/// <summary>
/// One lock under two names (docs/rules/NTF008.md, "Code fix"): the callback takes the field, the reader a get-only
/// property that only returns it (i915's <c>MmLock =&gt; _mmLock</c>), or the ops type's lock and the notifier's are
/// copies of one driver member passed to both constructors (mlx5 ODP's umem mutex). The fix takes the lock the way the
/// callback names it; two genuinely different locks still get no fix.
/// </summary>
public partial class NTF008AddSetSequenceCodeFixTests
{
    private static Shape ThroughProperty(string field, string take, string give, string property)
        => new(field, take.Replace("LOCK", field.Contains("s_lock") ? "s_lock" : "_lock"), give.Replace("LOCK", field.Contains("s_lock") ? "s_lock" : "_lock"),
               take.Replace("LOCK", property), give.Replace("LOCK", property));

    private const string MonitorTake = "Monitor.Enter(LOCK);\ntry\n{";
    private const string MonitorGive = "}\nfinally\n{\n    Monitor.Exit(LOCK);\n}";

    /// <summary>i915's shape: the callback enters the field with Monitor, the reader enters the property that returns it.</summary>
    [Fact]
    public Task OneLockTwoNames_TheReaderTakesAnExpressionBodiedProperty_TheFieldIsTaken_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            ThroughProperty("private readonly object _lock = new object();", MonitorTake, MonitorGive, "MmLock"),
            Held("Monitor.Enter(_lock);", "Monitor.Exit(_lock);"),
            members: "\n    public object MmLock => _lock;");

    [Fact]
    public Task OneLockTwoNames_AGetterWithAReturnStatement_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            ThroughProperty("private readonly object _lock = new object();", "lock (LOCK)\n{", "}", "Lock"),
            SetUnderLock,
            members: "\n    public object Lock { get { return this._lock; } }");

    [Fact]
    public Task OneLockTwoNames_AStaticReadonlyLockAndAStaticProperty_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            ThroughProperty("private static readonly object s_lock = new object();", "lock (LOCK)\n{", "}", "Gate"),
            SetUnderLock.Replace("_lock", "s_lock"),
            members: "\n    private static object Gate => s_lock;");

    [Fact]
    public Task OneLockTwoNames_AThreadingLockHeldByScopes_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            new Shape("private readonly Lock _gate = new Lock();", "using (_gate.EnterScope())\n{", "}",
                      "using (Gate.EnterScope())\n{", "}"),
            """
                    using (_gate.EnterScope())
                    {
                        notifier.SetSequence(currentSequence);
                    }
        """,
            members: "\n    public Lock Gate { get => _gate; }");

    /// <summary>The lock and its property live in a base class of the ops type.</summary>
    [Fact]
    public Task OneLockTwoNames_InABaseClass_AndTheFixedProgramIsOrdered()
        => VerifyEarlyReturnAndRun(
            ThroughProperty(string.Empty, "lock (LOCK)\n{", "}", "Lock"),
            SetUnderLock,
            edit: text => text.Replace("public sealed class DeviceOps : IntervalNotifierOps", """
                public abstract class DeviceOpsBase : IntervalNotifierOps
                {
                    protected readonly object _lock = new object();

                    protected object Lock => _lock;
                }

                public sealed class DeviceOps : DeviceOpsBase
                """));

    /// <summary>The callback takes the property, the reader the field: the fix writes the lock as the callback does.</summary>
    [Fact]
    public Task OneLockTwoNames_TheCallbackTakesTheProperty_SoDoesTheFix() => VerifyFix(
        Ops(new Shape("private readonly object _lock = new object();", "lock (Lock)\n{", "}", "lock (_lock)\n{", "}"), Early,
            members: "\n    public object Lock => _lock;"),
        Ops(new Shape("private readonly object _lock = new object();", "lock (Lock)\n{", "}", "lock (_lock)\n{", "}"),
            After(SetUnderLock.Replace("lock (_lock)", "lock (Lock)")), members: "\n    public object Lock => _lock;"));

    /// <summary>The property returns another field: two locks, no fix.</summary>
    [Fact]
    public Task NoFix_ThePropertyReturnsAnotherLock() => VerifyNoFix(Ops(
        ThroughProperty("private readonly object _lock = new object();", "lock (LOCK)\n{", "}", "Lock"), Early,
        members: "\n    private readonly object _other = new object();\n    public object Lock => _other;"));

    /// <summary>A property of another type than the field (Monitor on a SemaphoreSlim object is not its Wait): no fix.</summary>
    [Fact]
    public Task NoFix_ThePropertyHasAnotherTypeThanTheField() => VerifyNoFix(Ops(
        new Shape("private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);", "_gate.Wait();\ntry\n{", "}\nfinally\n{\n    _gate.Release();\n}",
                  "lock (GateObject)\n{", "}"),
        Early, members: "\n    public object GateObject => _gate;"));

    /// <summary>A getter that does more than return the field is not read: no fix.</summary>
    [Fact]
    public Task NoFix_AGetterThatDoesMoreThanReturnTheField() => VerifyNoFix(Ops(
        ThroughProperty("private readonly object _lock = new object();", "lock (LOCK)\n{", "}", "Lock"), Early,
        members: "\n    public int Reads;\n    public object Lock { get { Reads++; return _lock; } }"));

    // ------------------------------------------------------------------ copies of one driver member (mlx5 ODP)

    private static string OdpShape(string early, string opsLock = "_umemMutex", string umemLock = "_umemMutex", string access = "internal") => """
        using System.Threading;
        using IntervalNotifiers;

        ACCESS sealed class OdpUmem : IntervalNotifier
        {
            public OdpUmem(IntervalNotifierOps ops, ReaderWriterLockSlim umemMutex) : base(ops) => UmemMutex = umemMutex;
            public ReaderWriterLockSlim UmemMutex { get; }
            public int Npages;
        }

        ACCESS sealed class OdpOps : IntervalNotifierOps
        {
            private readonly ReaderWriterLockSlim _umemMutex;

            public OdpOps(ReaderWriterLockSlim umemMutex)
            {
                _umemMutex = umemMutex;
            }

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                var umem = (OdpUmem)notifier;
                if (Volatile.Read(ref umem.Npages) == 0)
                {
        EARLY
                }

                if (range.IsBlockable)
                {
                    _umemMutex.EnterWriteLock();
                }
                else if (!_umemMutex.TryEnterWriteLock(0))
                {
                    return false;
                }

                try
                {
                    notifier.SetSequence(currentSequence);
                    umem.Npages = 0;
                }
                finally
                {
                    _umemMutex.ExitWriteLock();
                }

                return true;
            }
        }

        ACCESS sealed class OdpDriver
        {
            private readonly ReaderWriterLockSlim _umemMutex = new ReaderWriterLockSlim();
            private readonly ReaderWriterLockSlim _otherMutex = new ReaderWriterLockSlim();

            public OdpUmem Explicit() => new OdpUmem(new OdpOps(_umemMutex), _umemMutex);

            public OdpUmem Implicit() => new OdpUmem(new OdpOps(OPSLOCK), UMEMLOCK);

            public static bool Fault(OdpUmem umem)
            {
                var seq = umem.ReadBegin();
                umem.UmemMutex.EnterReadLock();
                try
                {
                    if (umem.ReadRetry(seq))
                    {
                        return false;
                    }

                    umem.Npages = 1;
                    return true;
                }
                finally
                {
                    umem.UmemMutex.ExitReadLock();
                }
            }
        }
        """.Replace("ACCESS", access).Replace("EARLY", early).Replace("OPSLOCK", opsLock).Replace("UMEMLOCK", umemLock);

    /// <summary>
    /// mlx5 ODP's shape: the ops type's mutex and the notifier's are both the driver's <c>_umemMutex</c>, passed to both
    /// constructors by every creation; the callback takes it as its own field.
    /// </summary>
    [Fact]
    public Task OneLockTwoNames_TheOpsLockAndTheNotifiersAreOneDriverMember_PassedToBothConstructors() => VerifyFix(
        OdpShape(Early),
        OdpShape(After(Held("_umemMutex.EnterWriteLock();", "_umemMutex.ExitWriteLock();"))));

    /// <summary>One creation passes another mutex to the notifier: the reader's lock may not be the callback's, no fix.</summary>
    [Fact]
    public Task NoFix_OneCreationPassesAnotherLockToTheNotifier() => VerifyNoFix(OdpShape(Early, umemLock: "_otherMutex"));

    [Fact]
    public Task NoFix_OneCreationPassesAnotherLockToTheOpsType() => VerifyNoFix(OdpShape(Early, opsLock: "new ReaderWriterLockSlim()"));

    /// <summary>Public constructors of a library: another assembly may pass another lock, no fix.</summary>
    [Fact]
    public Task NoFix_PublicConstructorsOfALibrary() => VerifyNoFix(OdpShape(Early, access: "public"));
}
