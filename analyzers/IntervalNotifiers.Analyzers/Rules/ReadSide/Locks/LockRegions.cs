using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>
/// The structural search for the lock regions (docs/contract.md#locks) that enclose an operation: a <c>lock</c>
/// statement; a <c>try</c> whose <c>finally</c> releases a <c>Monitor</c>, <c>SemaphoreSlim</c>,
/// <c>ReaderWriterLockSlim</c> or <c>System.Threading.Lock</c>; a <c>using</c> of <c>Lock.EnterScope()</c>. Which
/// calls take and give back a lock is <see cref="LockApis"/>'s part.
/// </summary>
internal sealed class LockRegions
{
    private const int MaxLocalFunctionDepth = 8;

    private readonly LockApis _apis;

    public LockRegions(INamedTypeSymbol notifier) => _apis = new LockApis(notifier);

    /// <summary>
    /// The locks held at <paramref name="site"/> inside <paramref name="member"/>: a
    /// <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> method holds an unnamed lock around its whole body.
    /// </summary>
    public LockState Compute(IOperation site, ISymbol member, IReadOnlyList<LockAcquisition> acquisitions)
        => Compute(site, member, acquisitions, depth: 0);

    private LockState Compute(IOperation site, ISymbol member, IReadOnlyList<LockAcquisition> acquisitions, int depth)
    {
        var state = ComputeInFunction(site, acquisitions, member, depth);
        if (member is not IMethodSymbol method
            || (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) == 0
            || OperationFacts.IsInsideFunction(site))
        {
            return state;
        }

        return state.Kind switch
        {
            LockKind.None => new LockState(LockKind.Locked, ImmutableArray<ISymbol>.Empty, hasUnnamed: true),
            LockKind.Locked => new LockState(LockKind.Locked, state.Named, hasUnnamed: true, state.ByLockStatement),
            _ => state,
        };
    }

    /// <summary>
    /// The locks held at <paramref name="site"/>, judged inside its own method, lambda or local function;
    /// <paramref name="acquisitions"/> are those of the whole member body the site belongs to (<see cref="Classify"/>).
    /// A site inside a local function with no lock of its own holds what every call of the function holds; a site
    /// inside a lambda handed to another thread holds only the lambda's own locks (<see cref="LockState.Detached"/>).
    /// </summary>
    private LockState ComputeInFunction(IOperation site, IReadOnlyList<LockAcquisition> acquisitions, ISymbol member, int depth)
    {
        var regions = new List<LockKey>();
        var unknown = false;
        var inFunction = false;
        var detached = false;
        ILocalFunctionOperation? localFunction = null;
        IOperation function = site;

        var child = site;
        for (var current = site.Parent; current is not null; child = current, current = current.Parent)
        {
            function = current;
            switch (current)
            {
                case IAnonymousFunctionOperation anonymous:
                    inFunction = true;
                    detached = _apis.RunsOnAnotherThread(anonymous);
                    break;

                case ILocalFunctionOperation local:
                    inFunction = true;
                    localFunction = local;
                    break;

                case ILockOperation lockOperation when ReferenceEquals(child, lockOperation.Body):
                    var locked = LockApis.KeyOf(lockOperation.LockedValue);
                    regions.Add(new LockKey(locked.Symbol, locked.Text, isLockStatement: true));
                    break;

                case ITryOperation tryOperation when tryOperation.Finally is not null
                                                     && !ReferenceEquals(child, tryOperation.Finally):
                    var releases = Releases(tryOperation.Finally);
                    if (releases.Count == 0)
                    {
                        if (HasInvocation(tryOperation.Finally))
                        {
                            unknown = true; // a finally that may release something we do not know
                        }
                    }
                    else
                    {
                        foreach (var release in releases)
                        {
                            regions.Add(release);
                        }
                    }

                    break;

                case IUsingOperation usingOperation when ReferenceEquals(child, usingOperation.Body):
                    if (_apis.ScopeKeyOf(usingOperation.Resources) is { } scopeKey)
                    {
                        regions.Add(scopeKey);
                    }
                    else
                    {
                        unknown = true; // `using (helper.Lock())` and the like: maybe a lock
                    }

                    break;

                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (ReferenceEquals(statement, child))
                        {
                            break;
                        }

                        if (statement is IUsingDeclarationOperation declaration)
                        {
                            if (_apis.ScopeKeyOf(declaration.DeclarationGroup) is { } declaredKey)
                            {
                                regions.Add(declaredKey);
                            }
                            else
                            {
                                unknown = true;
                            }
                        }
                    }

                    break;
            }

            if (inFunction)
            {
                break; // regions outside a lambda or local function may be gone when it runs
            }
        }

        // Acquisitions that precede the site, inside its function, and do not belong to a region around it: an open
        // Monitor.Enter without try/finally, a helper's Enter(), a mutex... The site may be under them.
        var siteStart = site.Syntax.SpanStart;
        for (var i = 0; i < acquisitions.Count; i++)
        {
            var acquisition = acquisitions[i];
            var invocation = acquisition.Invocation;
            if (invocation.Syntax.SpanStart >= siteStart || (inFunction && !Contains(function, invocation)))
            {
                continue;
            }

            if (acquisition.Key is { } key)
            {
                if (AnyMatches(regions, key) || IsClosedRegion(invocation, key, site))
                {
                    continue;
                }
            }

            unknown = true;
        }

        if (regions.Count == 0)
        {
            if (unknown)
            {
                return LockState.Unknown;
            }

            if (!inFunction)
            {
                return LockState.None;
            }

            return detached ? LockState.Detached
                   : localFunction is not null ? AtCallsOf(localFunction, acquisitions, member, depth)
                   : LockState.Unknown; // a lambda may run under its caller's lock
        }

        var named = ImmutableArray.CreateBuilder<ISymbol>(regions.Count);
        ImmutableArray<ISymbol>.Builder? byLockStatement = null;
        var unnamed = unknown || (inFunction && !detached);
        foreach (var region in regions)
        {
            if (region.Symbol is not { } symbol)
            {
                unnamed = true;
                continue;
            }

            AddOnce(named, symbol);
            if (region.IsLockStatement)
            {
                AddOnce(byLockStatement ??= ImmutableArray.CreateBuilder<ISymbol>(1), symbol);
            }
        }

        return new LockState(LockKind.Locked, Freeze(named), unnamed, byLockStatement is null ? ImmutableArray<ISymbol>.Empty : Freeze(byLockStatement));
    }

    /// <summary>The builder's symbols, without a copy when it is full (it usually holds the one lock of one region).</summary>
    private static ImmutableArray<ISymbol> Freeze(ImmutableArray<ISymbol>.Builder symbols)
        => symbols.Count == symbols.Capacity ? symbols.MoveToImmutable() : symbols.ToImmutable();

    private static void AddOnce(ImmutableArray<ISymbol>.Builder symbols, ISymbol symbol)
    {
        foreach (var known in symbols)
        {
            if (SymbolEqualityComparer.Default.Equals(known, symbol))
            {
                return;
            }
        }

        symbols.Add(symbol);
    }

    /// <summary>
    /// The locks held at every call of <paramref name="localFunction"/> in its member body, merged: unknown when it is
    /// also used as a delegate, never called, or the calls nest too deep.
    /// </summary>
    private LockState AtCallsOf(ILocalFunctionOperation localFunction, IReadOnlyList<LockAcquisition> acquisitions, ISymbol member, int depth)
    {
        if (depth >= MaxLocalFunctionDepth)
        {
            return LockState.Unknown;
        }

        var states = new List<LockState>();
        foreach (var operation in OperationTree.Of(localFunction))
        {
            switch (operation)
            {
                case IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, localFunction.Symbol.OriginalDefinition):
                    states.Add(Compute(call, member, acquisitions, depth + 1));
                    break;
                case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.Symbol.OriginalDefinition):
                    return LockState.Unknown; // a delegate: it may run anywhere
            }
        }

        return LockState.Merge(states); // no call at all merges to Unknown
    }

    /// <summary>
    /// Whether a call of <paramref name="method"/> may be an acquisition (<see cref="Classify"/>): its name alone says
    /// no for nearly every call, so callers keep only these.
    /// </summary>
    public bool MayAcquire(IMethodSymbol method) => _apis.LooksLikeAcquire(method);

    /// <summary>
    /// The acquisition <paramref name="invocation"/> makes: a lock it takes, or (null key) something that looks like it
    /// takes one; null when it is no acquisition (a release, say). Only a call that <see cref="MayAcquire"/> can be one.
    /// </summary>
    public LockAcquisition? Classify(IInvocationOperation invocation)
    {
        if (_apis.Acquired(invocation) is { } key)
        {
            return new LockAcquisition(invocation, key);
        }

        return !IsRelease(invocation) && _apis.LooksLikeAcquire(invocation.TargetMethod) ? new LockAcquisition(invocation, null) : null;
    }

    private static bool HasInvocation(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the acquisition <paramref name="acquire"/> opens a try/finally region that releases
    /// <paramref name="key"/> and does not contain <paramref name="site"/> (so it is over, or not yet begun).
    /// </summary>
    private bool IsClosedRegion(IInvocationOperation acquire, LockKey key, IOperation site)
    {
        // The acquisition inside a try body whose finally releases the key.
        IOperation child = acquire;
        for (var current = acquire.Parent; current is not null; child = current, current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (current is ITryOperation tryOperation && ReferenceEquals(child, tryOperation.Body)
                && tryOperation.Finally is not null && ReleasesKey(tryOperation.Finally, key))
            {
                return !Contains(tryOperation, site);
            }

            if (current is IBlockOperation block)
            {
                // The acquisition statement followed, later in the block, by a try whose finally releases the key.
                var after = false;
                foreach (var statement in block.Operations)
                {
                    if (ReferenceEquals(statement, child))
                    {
                        after = true;
                        continue;
                    }

                    if (after && statement is ITryOperation next && next.Finally is not null && ReleasesKey(next.Finally, key))
                    {
                        return !Contains(next, site);
                    }
                }

                return false;
            }
        }

        return false;
    }

    private static bool Contains(IOperation ancestor, IOperation operation)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    private bool ReleasesKey(IOperation finallyBlock, LockKey key) => AnyMatches(Releases(finallyBlock), key);

    private static bool AnyMatches(List<LockKey> keys, LockKey key)
    {
        foreach (var candidate in keys)
        {
            if (candidate.Matches(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The locks a finally block releases: Monitor.Exit, SemaphoreSlim.Release, ReaderWriterLockSlim.Exit*Lock, Lock.Exit.</summary>
    private List<LockKey> Releases(IOperation finallyBlock)
    {
        var keys = new List<LockKey>();
        foreach (var operation in finallyBlock.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && _apis.Released(invocation) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private bool IsRelease(IInvocationOperation invocation) => _apis.Released(invocation) is not null;
}
