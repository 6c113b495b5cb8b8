using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// NTF010's sites of one named type (docs/rules/NTF010.md): its ReadRetry and SetSequence calls, judged at the type's
/// end with the locks held there. A ReadRetry outside any lock is reported here (case 1); the others go to the
/// compilation-wide <see cref="RetryLockSites"/> (case 2). The calls of the type's private methods are kept too, so
/// that a site inside a private helper takes the locks its callers hold (<c>NTF010.TypeRetrySites.Callers.cs</c>).
/// </summary>
internal sealed partial class TypeRetrySites
{
    private readonly INamedTypeSymbol _type;
    private readonly NotifierTypes _types;
    private readonly LockRegions _regions;
    private readonly RetryLockSites _compilationSites;

    // Every collection is created on first use (under the lock of this object): one of these objects exists per type
    // that passes the text filter, and most have a site or two and no private helper.
    private List<(IInvocationOperation Call, ISymbol Member, bool IsRetry)>? _sites;

    // Calls that may acquire a lock (LockRegions.MayAcquire), of every member: a site is judged once the whole type
    // was seen, with those of its own body (AcquisitionsByBody), so that no body is walked for them.
    private List<IInvocationOperation>? _mayAcquire;

    public TypeRetrySites(INamedTypeSymbol type, NotifierTypes types, LockRegions regions, RetryLockSites compilationSites)
    {
        _type = type;
        _types = types;
        _regions = regions;
        _compilationSites = compilationSites;
    }

    public void OnInvocation(OperationAnalysisContext context)
    {
        if (context.Operation is not IInvocationOperation invocation)
        {
            return;
        }

        // What the call is comes first (a name test settles nearly every call), whether the caller is a member of
        // this type only when there is something to keep.
        var method = invocation.TargetMethod;
        if (ReadSideOperations.IsNotifierMethod(_types, method, "ReadRetry"))
        {
            if (IsOwnMember(context.ContainingSymbol))
            {
                Add(ref _sites, (invocation, context.ContainingSymbol, true));
            }

            return;
        }

        if (ReadSideOperations.IsNotifierMethod(_types, method, "SetSequence"))
        {
            if (IsOwnMember(context.ContainingSymbol))
            {
                Add(ref _sites, (invocation, context.ContainingSymbol, false));
            }

            return;
        }

        var mayAcquire = _regions.MayAcquire(method);
        var isHelperCall = IsPrivateHelper(method.OriginalDefinition);
        if ((!mayAcquire && !isHelperCall) || !IsOwnMember(context.ContainingSymbol))
        {
            return;
        }

        if (mayAcquire)
        {
            Add(ref _mayAcquire, invocation);
        }

        if (isHelperCall)
        {
            RecordHelperCall(invocation, context.ContainingSymbol);
        }
    }

    /// <summary>Judges every site of the type (every operation action of it has run: no more locking needed).</summary>
    public void OnEnd(SymbolAnalysisContext context)
    {
        if (_sites is null)
        {
            return;
        }

        var acquisitions = AcquisitionsByBody.Group(_mayAcquire, _regions);
        var judged = new List<(IInvocationOperation Call, ISymbol Member, bool IsRetry, LockState Locks)>(_sites.Count);
        foreach (var (call, member, isRetry) in _sites)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var locks = _regions.Compute(call, member, AcquisitionsByBody.Of(acquisitions, call));
            if (locks.DependsOnCallers && IsPrivateHelper(member))
            {
                locks = ResolveThroughCallers(member, 0, new HashSet<ISymbol>(SymbolEqualityComparer.Default), acquisitions,
                                              context.CancellationToken);
            }

            judged.Add((call, member, isRetry, locks));
        }

        OpsTypeLock? opsLock = null;
        if (_types.IsOpsType(_type))
        {
            var setSequenceStates = new List<LockState>(judged.Count);
            foreach (var site in judged)
            {
                if (!site.IsRetry)
                {
                    setSequenceStates.Add(site.Locks);
                }
            }

            opsLock = OpsTypeLock.Of(_type, setSequenceStates);
        }

        foreach (var (call, member, isRetry, locks) in judged)
        {
            if (isRetry)
            {
                OnReadRetry(call, member, locks, opsLock, context.ReportDiagnostic);
            }
            else
            {
                _compilationSites.Add(new SetSequenceFact(SetSequenceTargets.Of(_types, call), member.ContainingType, locks));
            }
        }
    }

    private void Add<T>(ref List<T>? list, T item)
    {
        lock (this)
        {
            (list ??= new List<T>()).Add(item);
        }
    }

    private void OnReadRetry(IInvocationOperation invocation, ISymbol member, LockState locks, OpsTypeLock? opsLock,
                             System.Action<Diagnostic> report)
    {
        if (locks.Kind == LockKind.None)
        {
            if (SelfContainedRetry.Is(_types, invocation))
            {
                var what = "is called outside any lock";
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (opsLock is not null && opsLock.IsReachableFrom(member))
                {
                    what += " (" + opsLock.Advice + ")";
                    properties = opsLock.Properties();
                }

                report(Diagnostic.Create(Descriptors.NTF010, invocation.Syntax.GetLocation(), properties, what));
            }

            return;
        }

        if (locks.IsComparable && SetSequenceTargets.DerivedNotifierType(_types, invocation.Instance?.Type) is { } notifierType)
        {
            _compilationSites.Add(new ReadRetrySite(invocation.Syntax.GetLocation(), notifierType, locks));
        }
    }

    private bool IsOwnMember(ISymbol member)
        => SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, _type.OriginalDefinition);
}
