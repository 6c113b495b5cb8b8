using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers;

/// <summary>The descriptor catalogue: one place for every rule's title, message, severity and help link.</summary>
public static class Descriptors
{
    /// <summary>Where the rule pages live; each descriptor's help link is this plus <c>NTFnnn.md</c>.</summary>
    public const string HelpLinkBase = RepositoryInfo.Url + "/blob/main/docs/rules/";

    private const string Contract = "IntervalNotifiers.Contract";
    private const string Usage = "IntervalNotifiers.Usage";

    private static DiagnosticDescriptor Create(string id, string title, string message, string category,
                                               DiagnosticSeverity severity, string description)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description: description,
               helpLinkUri: HelpLinkBase + id + ".md");

    /// <summary>NTF001: an ops type overrides InvalidateStart without InvalidateFinish. {0} = type name.</summary>
    public static readonly DiagnosticDescriptor NTF001 = Create(
        DiagnosticIds.StartWithoutFinish,
        "Ops type defines InvalidateStart without InvalidateFinish",
        "Ops type '{0}' overrides InvalidateStart but not InvalidateFinish, so the finish pass never runs: add an InvalidateFinish override, or turn the start into an Invalidate override if it never hands out a finish",
        Contract, DiagnosticSeverity.Error,
        "An ops type that overrides InvalidateStart must also override InvalidateFinish: the runtime links the finish objects the start hands out and calls InvalidateFinish for each. The kernel rejects such ops with WARN_ON_ONCE in mmu_interval_notifier_insert.");

    /// <summary>NTF002: finish state used outside the two-pass list. {0} = which use, and how to fix it.</summary>
    public static readonly DiagnosticDescriptor NTF002 = Create(
        DiagnosticIds.FinishOutsideList,
        "Finish state used outside the two-pass list",
        "Finish object used outside the two-pass list: {0}",
        Contract, DiagnosticSeverity.Error,
        "A NotifierFinish lives only in the two-pass list: created in InvalidateStart (or rented from a NotifierFinishPool), handed out through the 'out finish' parameter, finished by the runtime and seen again only as the parameter of InvalidateFinish, which may return it to its pool.");

    /// <summary>NTF003: an ops type overrides neither Invalidate nor InvalidateStart. {0} = type name.</summary>
    public static readonly DiagnosticDescriptor NTF003 = Create(
        DiagnosticIds.NoInvalidateCallback,
        "Ops type defines no invalidate callback",
        "Ops type '{0}' overrides neither Invalidate nor InvalidateStart, and the runtime rejects it at Insert: add an Invalidate override",
        Contract, DiagnosticSeverity.Error,
        "Every ops type must define Invalidate or InvalidateStart; IntervalNotifier.Insert throws for one that defines neither.");

    /// <summary>NTF004: an ops type overrides both Invalidate and InvalidateStart. {0} = type name.</summary>
    public static readonly DiagnosticDescriptor NTF004 = Create(
        DiagnosticIds.DeadInvalidate,
        "Invalidate is never called when InvalidateStart is defined",
        "Ops type '{0}' overrides both Invalidate and InvalidateStart, and the runtime never calls Invalidate: remove the dead Invalidate, or call it from the start's fallback path",
        Contract, DiagnosticSeverity.Warning,
        "When an ops type defines InvalidateStart, the runtime calls it instead of Invalidate (mn_itree_invalidate picks invalidate_start when it is set).");

    /// <summary>NTF005: an ops type overrides InvalidateFinish but not InvalidateStart. {0} = type name.</summary>
    public static readonly DiagnosticDescriptor NTF005 = Create(
        DiagnosticIds.FinishWithoutStart,
        "InvalidateFinish is never called without InvalidateStart",
        "Ops type '{0}' overrides InvalidateFinish but not InvalidateStart, so the finish is never called: add an InvalidateStart override that hands out a finish",
        Contract, DiagnosticSeverity.Warning,
        "The runtime calls InvalidateFinish only for finish objects that an InvalidateStart handed out.");

    /// <summary>NTF006: a non-null finish is handed out on a path that returns false.</summary>
    public static readonly DiagnosticDescriptor NTF006 = Create(
        DiagnosticIds.FinishOnFalseReturn,
        "A finish handed out on a false return is never finished",
        "InvalidateStart returns false after assigning a finish, and the runtime never finishes a start that returned false: set 'finish = null' before this return",
        Contract, DiagnosticSeverity.Error,
        "The runtime links a finish only when the start returned true and set a finish (the kernel's 'if (ret && finish)' in mn_itree_invalidate).");

    /// <summary>NTF007: a callback can return false on a blockable range. {0} = callback name.</summary>
    public static readonly DiagnosticDescriptor NTF007 = Create(
        DiagnosticIds.FalseOnBlockableRange,
        "Callback returns false on a blockable range",
        "'{0}' can return false while range.IsBlockable is true, and false is allowed only when the range cannot block: guard this return with 'if (!range.IsBlockable)'",
        Contract, DiagnosticSeverity.Warning,
        "A callback may return false only when it would have to sleep and the range is not blockable; on a blockable range the kernel WARNs and goes on.");

    /// <summary>NTF008: a callback returns true on a path without SetSequence. {0} = callback name, {1} = notifier parameter, {2} = sequence parameter.</summary>
    public static readonly DiagnosticDescriptor NTF008 = Create(
        DiagnosticIds.MissingSetSequence,
        "Invalidate callback returns true without SetSequence",
        "'{0}' returns true on a path that does not call SetSequence, so readers never see this invalidation: call '{1}.SetSequence({2})' on every path, under the driver lock",
        Contract, DiagnosticSeverity.Warning,
        "mmu_interval_set_seq must be called unconditionally from the invalidate callback, under the lock that readers hold around mmu_interval_read_retry.");

    /// <summary>
    /// NTF008, the part that needs the whole compilation (a callback that never calls SetSequence, while the sequence
    /// of its notifier type is read somewhere): the same rule as <see cref="NTF008"/>, tagged <c>CompilationEnd</c>
    /// because it is reported at compilation end (build, full-solution analysis), not while one file is open.
    /// </summary>
    internal static readonly DiagnosticDescriptor NTF008CompilationEnd = new(
        DiagnosticIds.MissingSetSequence, NTF008.Title, NTF008.MessageFormat, Contract, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: NTF008.Description, helpLinkUri: HelpLinkBase + DiagnosticIds.MissingSetSequence + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>NTF009: a ReadBegin result is never checked.</summary>
    public static readonly DiagnosticDescriptor NTF009 = Create(
        DiagnosticIds.UncheckedReadBegin,
        "ReadBegin result is never checked",
        "The sequence returned by ReadBegin is never checked with ReadRetry or CheckRetry: keep it and call ReadRetry under the driver lock before using what was read",
        Usage, DiagnosticSeverity.Warning,
        "mmu_interval_read_begin starts a read-side critical section that only mmu_interval_read_retry can close: without the retry, a concurrent invalidation goes unnoticed.");

    /// <summary>NTF010: ReadRetry outside the lock of SetSequence. {0} = what is wrong.</summary>
    public static readonly DiagnosticDescriptor NTF010 = Create(
        DiagnosticIds.ReadRetryOutsideLock,
        "ReadRetry is not under the lock that guards SetSequence",
        "ReadRetry {0}: call it while holding the lock that the invalidate callback holds around SetSequence",
        Usage, DiagnosticSeverity.Warning,
        "mmu_interval_read_retry is reliable only under the driver lock that the invalidate callback holds around mmu_interval_set_seq.");

    /// <summary>
    /// NTF010's part that needs the whole compilation (ReadRetry under another lock than the one around SetSequence): the
    /// same rule as <see cref="NTF010"/>, tagged <see cref="WellKnownDiagnosticTags.CompilationEnd"/> because it is
    /// reported at the compilation's end (a build, full-solution analysis), never in an open document alone.
    /// </summary>
    internal static readonly DiagnosticDescriptor NTF010CompilationEnd = new(
        DiagnosticIds.ReadRetryOutsideLock, NTF010.Title, NTF010.MessageFormat, Usage, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, NTF010.Description, HelpLinkBase + DiagnosticIds.ReadRetryOutsideLock + ".md",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>NTF011: Remove called from an ops callback. {0} = callback name.</summary>
    public static readonly DiagnosticDescriptor NTF011 = Create(
        DiagnosticIds.RemoveFromCallback,
        "Remove called from an ops callback deadlocks",
        "Remove() is called from the ops callback '{0}' and waits for the callbacks to end, a deadlock: remove the notifier outside its callbacks",
        Contract, DiagnosticSeverity.Error,
        "mmu_interval_notifier_remove waits until no callback runs and must not be called from an ops callback.");

    /// <summary>NTF012: SetSequence called outside an invalidate callback.</summary>
    public static readonly DiagnosticDescriptor NTF012 = Create(
        DiagnosticIds.SetSequenceOutsideCallback,
        "SetSequence called outside an invalidate callback",
        "SetSequence is called outside an invalidate callback: call it only from Invalidate or InvalidateStart, with their currentSequence, under the driver lock",
        Usage, DiagnosticSeverity.Warning,
        "mmu_interval_set_seq may only be called from the invalidate callback, with the sequence it was given.");

    /// <summary>NTF013: ReadBegin reached from an ops callback. {0} = callback name.</summary>
    public static readonly DiagnosticDescriptor NTF013 = Create(
        DiagnosticIds.ReadBeginFromCallback,
        "ReadBegin called from an ops callback deadlocks",
        "ReadBegin() is reached from the ops callback '{0}' and waits for the invalidation in progress, which waits for this callback, a deadlock: call ReadBegin only in readers, and in the callback use the currentSequence it is given",
        Contract, DiagnosticSeverity.Error,
        "mmu_interval_read_begin waits for an invalidation of the notifier in flight to end, and the invalidation ends only when its callbacks return: it must not be called from an ops callback.");

    /// <summary>NTF014: a finish rented from a pool is not returned on some path. {0} = pool, {1} = finish.</summary>
    public static readonly DiagnosticDescriptor NTF014 = Create(
        DiagnosticIds.PooledFinishNotReturned,
        "A pooled finish is not returned to its pool",
        "A finish rented from '{0}' is neither handed out nor returned on this path, and every later start that finds the pool empty takes its slow path: return it with '{0}.Return({1})' on this path",
        Contract, DiagnosticSeverity.Warning,
        "A finish rented from a NotifierFinishPool must go back to it: InvalidateStart hands it out or returns it, and InvalidateFinish returns it on every path (a finally, a helper or the finish's own method may do it). The kernel's xe driver clears the in-use flag of its embedded finish at the end of every finish pass.");
}
