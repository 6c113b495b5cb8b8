using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.ReadSide;

/// <summary>What is known about the locks held at one point of a method.</summary>
internal enum LockKind
{
    /// <summary>Provably no lock of the method itself is held there (callers of a private helper aside).</summary>
    None,

    /// <summary>At least one lock region encloses the point.</summary>
    Locked,

    /// <summary>Nothing can be said: a lock may be held through a helper, a lambda, an unknown construct.</summary>
    Unknown,
}

/// <summary>
/// The locks held at one point: <see cref="Named"/> are the field or property symbols the lock expressions
/// name; <see cref="HasUnnamed"/> says that some held lock (or a possible one) cannot be named that way, so the
/// point cannot be compared with another.
/// </summary>
internal readonly struct LockState
{
    public static readonly LockState None = new(LockKind.None, ImmutableArray<ISymbol>.Empty, hasUnnamed: false);
    public static readonly LockState Unknown = new(LockKind.Unknown, ImmutableArray<ISymbol>.Empty, hasUnnamed: true);

    public LockState(LockKind kind, ImmutableArray<ISymbol> named, bool hasUnnamed)
    {
        Kind = kind;
        Named = named;
        HasUnnamed = hasUnnamed;
    }

    public LockKind Kind { get; }

    public ImmutableArray<ISymbol> Named { get; }

    public bool HasUnnamed { get; }

    /// <summary>Locked, and every held lock is named: the state can be compared with another.</summary>
    public bool IsComparable => Kind == LockKind.Locked && !HasUnnamed && !Named.IsDefaultOrEmpty;

    /// <summary>Merges the states of the call sites of a helper (every path must agree, or nothing is known).</summary>
    public static LockState Merge(IEnumerable<LockState> states)
    {
        var any = false;
        var kind = LockKind.None;
        var named = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var builder = ImmutableArray.CreateBuilder<ISymbol>();
        var unnamed = false;
        foreach (var state in states)
        {
            if (state.Kind == LockKind.Unknown)
            {
                return Unknown;
            }

            if (any && state.Kind != kind)
            {
                return Unknown; // some paths locked, others not: stay silent
            }

            any = true;
            kind = state.Kind;
            unnamed |= state.HasUnnamed;
            foreach (var symbol in state.Named)
            {
                if (named.Add(symbol))
                {
                    builder.Add(symbol);
                }
            }
        }

        if (!any)
        {
            return Unknown;
        }

        return kind == LockKind.None ? None : new LockState(LockKind.Locked, builder.ToImmutable(), unnamed);
    }

    /// <summary>How a lock symbol is shown in messages: <c>Type.member</c>.</summary>
    public static string Display(ISymbol symbol)
        => symbol.ContainingType is null ? symbol.Name : symbol.ContainingType.Name + "." + symbol.Name;
}

/// <summary>
/// The lock types of RULES.md ("a lock", NTF010) resolved for one compilation, and the structural search
/// for the lock regions that enclose an operation: a <c>lock</c> statement; a <c>try</c> whose
/// <c>finally</c> releases a <c>Monitor</c>, <c>SemaphoreSlim</c>, <c>ReaderWriterLockSlim</c> or
/// <c>System.Threading.Lock</c>; a <c>using</c> of <c>Lock.EnterScope()</c>.
/// </summary>
internal sealed class LockRegions
{
    private readonly INamedTypeSymbol? _monitor;
    private readonly INamedTypeSymbol? _semaphoreSlim;
    private readonly INamedTypeSymbol? _readerWriterLockSlim;
    private readonly INamedTypeSymbol? _lock;
    private readonly INamedTypeSymbol _notifier;

    public LockRegions(Compilation compilation, INamedTypeSymbol notifier)
    {
        _monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
        _semaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        _readerWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
        _lock = compilation.GetTypeByMetadataName("System.Threading.Lock");
        _notifier = notifier;
    }

    /// <summary>A lock expression: the field or property it names, or (unnamed) its text for matching acquire and release.</summary>
    internal readonly struct LockKey
    {
        public LockKey(ISymbol? symbol, string text)
        {
            Symbol = symbol;
            Text = text;
        }

        public ISymbol? Symbol { get; }

        public string Text { get; }

        public bool Matches(LockKey other)
            => Symbol is not null
                ? SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol)
                : other.Symbol is null && Text == other.Text;
    }

    /// <summary>
    /// The locks held at <paramref name="site"/> inside <paramref name="member"/>: a
    /// <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> method holds an unnamed lock around its whole body.
    /// </summary>
    public LockState Compute(IOperation site, ISymbol member, IReadOnlyList<Acquisition> acquisitions)
    {
        var state = Compute(site, acquisitions);
        if (member is not IMethodSymbol method
            || (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) == 0
            || OperationFacts.IsInsideFunction(site))
        {
            return state;
        }

        return state.Kind switch
        {
            LockKind.None => new LockState(LockKind.Locked, ImmutableArray<ISymbol>.Empty, hasUnnamed: true),
            LockKind.Locked => new LockState(LockKind.Locked, state.Named, hasUnnamed: true),
            _ => state,
        };
    }

    /// <summary>
    /// The locks held at <paramref name="site"/>, judged inside its own method, lambda or local function;
    /// <paramref name="acquisitions"/> are those of the whole member body the site belongs to (<see cref="Classify"/>).
    /// </summary>
    private LockState Compute(IOperation site, IReadOnlyList<Acquisition> acquisitions)
    {
        var regions = new List<LockKey>();
        var unknown = false;
        var inFunction = false;
        IOperation function = site;

        var child = site;
        for (var current = site.Parent; current is not null; child = current, current = current.Parent)
        {
            function = current;
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    inFunction = true;
                    break;

                case ILockOperation lockOperation when ReferenceEquals(child, lockOperation.Body):
                    regions.Add(KeyOf(lockOperation.LockedValue));
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
                        regions.AddRange(releases);
                    }

                    break;

                case IUsingOperation usingOperation when ReferenceEquals(child, usingOperation.Body):
                    if (ScopeKeyOf(usingOperation.Resources) is { } scopeKey)
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
                            if (ScopeKeyOf(declaration.DeclarationGroup) is { } declaredKey)
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
                if (regions.Exists(region => region.Matches(key)) || IsClosedRegion(invocation, key, site))
                {
                    continue;
                }
            }

            unknown = true;
        }

        if (regions.Count == 0)
        {
            return unknown || inFunction ? LockState.Unknown : LockState.None;
        }

        var named = ImmutableArray.CreateBuilder<ISymbol>();
        var unnamed = unknown || inFunction;
        foreach (var region in regions)
        {
            if (region.Symbol is null)
            {
                unnamed = true;
            }
            else if (!named.Any(symbol => SymbolEqualityComparer.Default.Equals(symbol, region.Symbol)))
            {
                named.Add(region.Symbol);
            }
        }

        return new LockState(LockKind.Locked, named.ToImmutable(), unnamed);
    }

    /// <summary>
    /// Whether a call of <paramref name="method"/> may be an acquisition (<see cref="Classify"/>): its name alone says
    /// no for nearly every call, so callers keep only these.
    /// </summary>
    public bool MayAcquire(IMethodSymbol method) => LooksLikeAcquire(method);

    /// <summary>
    /// The acquisition <paramref name="invocation"/> makes: a lock it takes, or (null key) something that looks like it
    /// takes one; null when it is no acquisition (a release, say). Only a call that <see cref="MayAcquire"/> can be one.
    /// </summary>
    public Acquisition? Classify(IInvocationOperation invocation)
    {
        if (Acquires(invocation) is { } key)
        {
            return new Acquisition(invocation, key);
        }

        return !IsRelease(invocation) && LooksLikeAcquire(invocation.TargetMethod) ? new Acquisition(invocation, null) : null;
    }

    /// <summary>An invocation that acquires <see cref="Key"/>, or (null key) looks like it acquires something unknown.</summary>
    internal readonly struct Acquisition
    {
        public Acquisition(IInvocationOperation invocation, LockKey? key)
        {
            Invocation = invocation;
            Key = key;
        }

        public IInvocationOperation Invocation { get; }

        public LockKey? Key { get; }
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

    private bool ReleasesKey(IOperation finallyBlock, LockKey key)
        => Releases(finallyBlock).Exists(release => release.Matches(key));

    /// <summary>The locks a finally block releases: Monitor.Exit, SemaphoreSlim.Release, ReaderWriterLockSlim.Exit*Lock, Lock.Exit.</summary>
    private List<LockKey> Releases(IOperation finallyBlock)
    {
        var keys = new List<LockKey>();
        foreach (var operation in finallyBlock.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && Released(invocation) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private bool IsRelease(IInvocationOperation invocation) => Released(invocation) is not null;

    /// <summary>The lock a recognized release call gives back, or null when <paramref name="invocation"/> is none.</summary>
    private LockKey? Released(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (Is(type, _monitor) && method.Name == "Exit")
        {
            return FirstArgument(invocation) is { } locked ? KeyOf(locked) : null;
        }

        if (invocation.Instance is { } instance
            && ((Is(type, _semaphoreSlim) && method.Name == "Release")
                || (Is(type, _readerWriterLockSlim) && method.Name is "ExitReadLock" or "ExitWriteLock" or "ExitUpgradeableReadLock")
                || (Is(type, _lock) && method.Name == "Exit")))
        {
            return KeyOf(instance);
        }

        return null;
    }

    /// <summary>The lock a recognized acquisition takes, or null when <paramref name="invocation"/> is none.</summary>
    private LockKey? Acquires(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (Is(type, _monitor) && method.Name is "Enter" or "TryEnter")
        {
            return FirstArgument(invocation) is { } locked ? KeyOf(locked) : null;
        }

        if (invocation.Instance is not { } instance)
        {
            return null;
        }

        if ((Is(type, _semaphoreSlim) && method.Name is "Wait" or "WaitAsync")
            || (Is(type, _readerWriterLockSlim) && method.Name is "EnterReadLock" or "EnterWriteLock" or "EnterUpgradeableReadLock"
                or "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock")
            || (Is(type, _lock) && method.Name is "Enter" or "TryEnter" or "EnterScope"))
        {
            return KeyOf(instance);
        }

        return null;
    }

    /// <summary>A method of unknown kind whose name suggests it takes a lock or waits: the rule stays silent around it.</summary>
    private bool LooksLikeAcquire(IMethodSymbol method)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _notifier))
        {
            return false;
        }

        var name = method.Name;
        return name.StartsWith("Enter", System.StringComparison.Ordinal)
               || name.StartsWith("TryEnter", System.StringComparison.Ordinal)
               || name.StartsWith("Acquire", System.StringComparison.Ordinal)
               || name.StartsWith("TryAcquire", System.StringComparison.Ordinal)
               || name.StartsWith("TryLock", System.StringComparison.Ordinal)
               || name.StartsWith("Wait", System.StringComparison.Ordinal)
               || name.IndexOf("Lock", System.StringComparison.Ordinal) >= 0;
    }

    /// <summary>The lock of a <c>using</c> resource that is <c>Lock.EnterScope()</c>, or null.</summary>
    private LockKey? ScopeKeyOf(IOperation? resources)
    {
        if (resources is null)
        {
            return null;
        }

        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && invocation.Instance is { } instance
                && Is(invocation.TargetMethod.ContainingType?.OriginalDefinition, _lock)
                && invocation.TargetMethod.Name == "EnterScope")
            {
                return KeyOf(instance);
            }
        }

        return null;
    }

    private static IOperation? FirstArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The field or property a lock expression names (conversions stripped), else an unnamed key.</summary>
    private static LockKey KeyOf(IOperation expression)
    {
        var value = OperationFacts.StripConversions(expression);
        ISymbol? symbol = value switch
        {
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => PropertyLockSymbol(property.Property),
            _ => null,
        };

        return new LockKey(symbol, symbol is null ? value.Syntax.ToString() : string.Empty);
    }

    /// <summary>
    /// The symbol a property lock expression names: an override names the property it overrides at the root (the
    /// same lock whichever static type the receiver has); an interface or abstract property names no lock of its
    /// own (any implementation may stand behind it), so it is unnamed.
    /// </summary>
    private static ISymbol? PropertyLockSymbol(IPropertySymbol property)
    {
        var root = property;
        for (var i = 0; i < 16 && root.OverriddenProperty is { } overridden; i++)
        {
            root = overridden;
        }

        if (root.IsAbstract || root.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return null;
        }

        return root.OriginalDefinition;
    }

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? wellKnown)
        => type is not null && wellKnown is not null && SymbolEqualityComparer.Default.Equals(type, wellKnown);
}
