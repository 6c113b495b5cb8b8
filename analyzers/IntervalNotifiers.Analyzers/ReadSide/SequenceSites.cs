using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.ReadSide;

/// <summary>A <c>SetSequence</c> call: the notifier types it may set, the type it sits in, the locks held there.</summary>
internal sealed class SetSequenceFact
{
    public SetSequenceFact(ImmutableArray<INamedTypeSymbol> notifierTypes, INamedTypeSymbol? opsType, LockState locks)
    {
        NotifierTypes = notifierTypes;
        OpsType = opsType;
        Locks = locks;
    }

    /// <summary>The derived notifier types the call is tied to; empty when none could be found (ties to every type).</summary>
    public ImmutableArray<INamedTypeSymbol> NotifierTypes { get; }

    public INamedTypeSymbol? OpsType { get; }

    public LockState Locks { get; }
}

/// <summary>A <c>ReadRetry</c> call under named locks, through a receiver of a derived notifier type.</summary>
internal sealed class ReadRetrySite
{
    public ReadRetrySite(Location location, INamedTypeSymbol notifierType, LockState locks)
    {
        Location = location;
        NotifierType = notifierType;
        Locks = locks;
    }

    public Location Location { get; }

    public INamedTypeSymbol NotifierType { get; }

    public LockState Locks { get; }
}

/// <summary>
/// The compilation-wide knowledge of NTF010: every SetSequence fact and every comparable ReadRetry site.
/// The "different lock" case needs both, so it is judged at the compilation's end.
/// </summary>
internal sealed class SequenceSites
{
    private readonly ConcurrentQueue<SetSequenceFact> _facts = new();
    private readonly ConcurrentQueue<ReadRetrySite> _readers = new();

    public void Add(SetSequenceFact fact) => _facts.Enqueue(fact);

    public void Add(ReadRetrySite reader) => _readers.Enqueue(reader);

    public void ReportDifferentLocks(CompilationAnalysisContext context, LockAliases aliases)
    {
        if (_facts.IsEmpty || _readers.IsEmpty)
        {
            return;
        }

        // Index the facts once (single-threaded, at the compilation's end) so that each reader meets only the
        // facts tied to a related notifier type: byType holds a fact under each of its types, bySubtype under each
        // of its types' base types too (a fact on a type derived from the reader's).
        var untyped = new List<SetSequenceFact>();
        var byType = new Dictionary<INamedTypeSymbol, List<SetSequenceFact>>(SymbolEqualityComparer.Default);
        var bySubtype = new Dictionary<INamedTypeSymbol, List<SetSequenceFact>>(SymbolEqualityComparer.Default);
        foreach (var fact in _facts)
        {
            if (fact.NotifierTypes.IsEmpty)
            {
                untyped.Add(fact);
                continue;
            }

            foreach (var type in fact.NotifierTypes)
            {
                Index(byType, type.OriginalDefinition, fact);
                for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                {
                    Index(bySubtype, t.OriginalDefinition, fact);
                }
            }
        }

        // A fact tied to no type may be tied to any reader's: one that is not comparable silences every reader, and a
        // reader that shares a lock with any of the others is silent. Their canonical locks go in one set, so that a
        // reader is not compared with each of them in turn (they are most of the facts when callbacks call
        // SetSequence on their plain IntervalNotifier parameter: that was quadratic in the number of drivers).
        var canonical = new Canonicalizer(aliases);
        var untypedLocks = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var fact in untyped)
        {
            if (!fact.Locks.IsComparable)
            {
                return;
            }

            foreach (var symbol in fact.Locks.Named)
            {
                untypedLocks.Add(canonical.Of(symbol));
            }
        }

        // Readers of one notifier type meet the same facts: those are summarised once per type (the drivers of a
        // large project each read their own notifier type, so this is one summary per driver, not one per read).
        var summaries = new Dictionary<INamedTypeSymbol, RelatedFacts>(SymbolEqualityComparer.Default);
        foreach (var reader in _readers)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var key = reader.NotifierType.OriginalDefinition;
            if (!summaries.TryGetValue(key, out var related))
            {
                summaries[key] = related = RelatedFacts.Of(reader.NotifierType, byType, bySubtype, canonical);
            }

            if (Judge(reader, untypedLocks, related, canonical) is { } diagnostic)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static void Index(Dictionary<INamedTypeSymbol, List<SetSequenceFact>> index, INamedTypeSymbol type, SetSequenceFact fact)
    {
        if (!index.TryGetValue(type, out var list))
        {
            index[type] = list = new List<SetSequenceFact>();
        }

        if (list.Count == 0 || !ReferenceEquals(list[list.Count - 1], fact))
        {
            list.Add(fact);
        }
    }

    private static Diagnostic? Judge(ReadRetrySite reader, HashSet<ISymbol> untypedLocks, RelatedFacts related, Canonicalizer canonical)
    {
        if (related.First is not { } first || related.AnyIncomparable)
        {
            return null; // no fact to compare with, or one whose locks cannot be named
        }

        foreach (var symbol in reader.Locks.Named)
        {
            var lockSymbol = canonical.Of(symbol);
            if (untypedLocks.Contains(lockSymbol) || related.Locks.Contains(lockSymbol))
            {
                return null; // shares a lock with a related fact, or with a fact tied to no type (so possibly to this one)
            }
        }

        var message = "is called under '" + FirstLock(reader.Locks) + "', but '" + (first.OpsType?.Name ?? "?")
                      + "' calls SetSequence under '" + FirstLock(first.Locks) + "'";
        return Diagnostic.Create(Descriptors.NTF010, reader.Location, message);
    }

    /// <summary>
    /// What the readers of one notifier type are judged against: the facts tied to it, to one of its base types or to
    /// a type derived from it, as the canonical locks they hold, whether any holds locks that cannot be compared, and
    /// the one a message names.
    /// </summary>
    private sealed class RelatedFacts
    {
        private RelatedFacts(SetSequenceFact? first, bool anyIncomparable, HashSet<ISymbol> locks)
        {
            First = first;
            AnyIncomparable = anyIncomparable;
            Locks = locks;
        }

        /// <summary>The fact a message names (by ops type name, then lock name), or null when there is none.</summary>
        public SetSequenceFact? First { get; }

        public bool AnyIncomparable { get; }

        public HashSet<ISymbol> Locks { get; }

        public static RelatedFacts Of(INamedTypeSymbol readerType,
                                      Dictionary<INamedTypeSymbol, List<SetSequenceFact>> byType,
                                      Dictionary<INamedTypeSymbol, List<SetSequenceFact>> bySubtype,
                                      Canonicalizer canonical)
        {
            var related = new List<SetSequenceFact>();
            if (bySubtype.TryGetValue(readerType.OriginalDefinition, out var derived))
            {
                related.AddRange(derived);
            }

            for (var t = readerType.BaseType; t is not null; t = t.BaseType)
            {
                if (byType.TryGetValue(t.OriginalDefinition, out var facts))
                {
                    related.AddRange(facts); // a fact met twice (tied to several types) changes nothing below
                }
            }

            var locks = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var anyIncomparable = false;
            foreach (var fact in related)
            {
                anyIncomparable |= !fact.Locks.IsComparable;
                foreach (var symbol in fact.Locks.Named)
                {
                    locks.Add(canonical.Of(symbol));
                }
            }

            var first = related
                .OrderBy(fact => fact.OpsType?.Name, System.StringComparer.Ordinal)
                .ThenBy(fact => FirstLock(fact.Locks), System.StringComparer.Ordinal)
                .FirstOrDefault();
            return new RelatedFacts(first, anyIncomparable, locks);
        }
    }

    /// <summary><see cref="LockAliases.Canonical"/>, memoized for the compilation-end pass (single-threaded).</summary>
    private sealed class Canonicalizer
    {
        private readonly LockAliases _aliases;
        private readonly Dictionary<ISymbol, ISymbol> _cache = new(SymbolEqualityComparer.Default);

        public Canonicalizer(LockAliases aliases) => _aliases = aliases;

        public ISymbol Of(ISymbol symbol)
        {
            if (!_cache.TryGetValue(symbol, out var result))
            {
                _cache[symbol] = result = _aliases.Canonical(symbol);
            }

            return result;
        }
    }

    private static string FirstLock(LockState state)
        => state.Named.Select(LockState.Display).OrderBy(name => name, System.StringComparer.Ordinal).FirstOrDefault() ?? "?";
}

/// <summary>
/// The NTF010 sites of one named type, and the calls of its private methods, so that a ReadRetry or a
/// SetSequence inside a private helper takes the locks its callers hold.
/// </summary>
internal sealed class TypeSequenceSites
{
    private const int MaxDepth = 8;

    private readonly INamedTypeSymbol _type;
    private readonly NotifierTypes _types;
    private readonly LockRegions _regions;
    private readonly SequenceSites _compilationSites;

    // Every collection is created on first use (under the lock of this object): one of these objects exists per type
    // that passes the name filter, and most have a site or two and no private helper.
    private Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>>? _calls;
    private HashSet<IMethodSymbol>? _delegates;
    private List<(IInvocationOperation Call, ISymbol Member, bool IsRetry)>? _sites;

    // Calls that may acquire a lock (LockRegions.MayAcquire), of every member: a site is judged once the whole type
    // was seen, with those of its own body, so that no body is walked for them.
    private List<IInvocationOperation>? _mayAcquire;

    public TypeSequenceSites(INamedTypeSymbol type, NotifierTypes types, LockRegions regions, SequenceSites compilationSites)
    {
        _type = type;
        _types = types;
        _regions = regions;
        _compilationSites = compilationSites;
    }

    public void OnInvocation(OperationAnalysisContext context)
    {
        if (context.Operation is not IInvocationOperation invocation || !IsOwnMember(context.ContainingSymbol))
        {
            return;
        }

        var method = invocation.TargetMethod;
        if (ReadSideOperations.IsNotifierMethod(_types, method, "ReadRetry"))
        {
            Add(ref _sites, (invocation, context.ContainingSymbol, true));
            return;
        }

        if (ReadSideOperations.IsNotifierMethod(_types, method, "SetSequence"))
        {
            Add(ref _sites, (invocation, context.ContainingSymbol, false));
            return;
        }

        if (_regions.MayAcquire(method))
        {
            Add(ref _mayAcquire, invocation);
        }

        if (IsPrivateHelper(method.OriginalDefinition))
        {
            lock (this)
            {
                var target = (IMethodSymbol)TypeBodies.Key(method);
                _calls ??= new Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>>(SymbolEqualityComparer.Default);
                if (!_calls.TryGetValue(target, out var list))
                {
                    _calls[target] = list = new List<(ISymbol, IInvocationOperation)>();
                }

                list.Add((TypeBodies.Key(context.ContainingSymbol), invocation));
            }
        }
    }

    public void OnMethodReference(OperationAnalysisContext context)
    {
        if (context.Operation is IMethodReferenceOperation reference && IsPrivateHelper(reference.Method.OriginalDefinition))
        {
            lock (this)
            {
                (_delegates ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)).Add((IMethodSymbol)TypeBodies.Key(reference.Method));
            }
        }
    }

    /// <summary>Judges every site of the type (every operation action of it has run: no more locking needed).</summary>
    public void OnEnd(SymbolAnalysisContext context)
    {
        if (_sites is null)
        {
            return;
        }

        var acquisitions = AcquisitionsByBody();
        foreach (var (call, member, isRetry) in _sites)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var locks = Compute(call, member, acquisitions);
            if (locks.Kind == LockKind.None && IsPrivateHelper(member))
            {
                locks = ResolveThroughCallers(member, 0, new HashSet<ISymbol>(SymbolEqualityComparer.Default), acquisitions);
            }

            if (isRetry)
            {
                OnReadRetry(call, locks, context.ReportDiagnostic);
            }
            else
            {
                OnSetSequence(call, member, locks);
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

    /// <summary>The acquisitions of the type's calls that may acquire a lock, by the member body (root operation) they sit in.</summary>
    private Dictionary<IOperation, List<LockRegions.Acquisition>>? AcquisitionsByBody()
    {
        Dictionary<IOperation, List<LockRegions.Acquisition>>? byBody = null;
        if (_mayAcquire is null)
        {
            return null;
        }

        foreach (var invocation in _mayAcquire)
        {
            if (_regions.Classify(invocation) is not { } acquisition)
            {
                continue;
            }

            byBody ??= new Dictionary<IOperation, List<LockRegions.Acquisition>>(OperationIdentity.Instance);
            var body = ReadSideOperations.Root(invocation);
            if (!byBody.TryGetValue(body, out var list))
            {
                byBody[body] = list = new List<LockRegions.Acquisition>();
            }

            list.Add(acquisition);
        }

        return byBody;
    }

    private LockState Compute(IInvocationOperation call, ISymbol member, Dictionary<IOperation, List<LockRegions.Acquisition>>? acquisitions)
    {
        IReadOnlyList<LockRegions.Acquisition> inBody = System.Array.Empty<LockRegions.Acquisition>();
        if (acquisitions is not null && acquisitions.TryGetValue(ReadSideOperations.Root(call), out var list))
        {
            inBody = list;
        }

        return _regions.Compute(call, member, inBody);
    }

    private void OnReadRetry(IInvocationOperation invocation, LockState locks, System.Action<Diagnostic> report)
    {
        if (locks.Kind == LockKind.None)
        {
            if (ReadSideOperations.IsSelfContainedRetry(_types, invocation))
            {
                report(Diagnostic.Create(Descriptors.NTF010, invocation.Syntax.GetLocation(), "is called outside any lock"));
            }

            return;
        }

        if (locks.IsComparable && DerivedNotifierType(invocation.Instance?.Type) is { } notifierType)
        {
            _compilationSites.Add(new ReadRetrySite(invocation.Syntax.GetLocation(), notifierType, locks));
        }
    }

    private void OnSetSequence(IInvocationOperation invocation, ISymbol member, LockState locks)
        => _compilationSites.Add(new SetSequenceFact(SetNotifierTypes(invocation), member.ContainingType, locks));

    /// <summary>The locks held at every call of the private helper <paramref name="member"/>, merged.</summary>
    private LockState ResolveThroughCallers(ISymbol member, int depth, HashSet<ISymbol> visiting,
                                            Dictionary<IOperation, List<LockRegions.Acquisition>>? acquisitions)
    {
        if (!IsPrivateHelper(member))
        {
            return LockState.None; // a root: nothing is held around it inside this type
        }

        var method = (IMethodSymbol)TypeBodies.Key(member);
        if (_delegates?.Contains(method) == true || _calls is null || !_calls.TryGetValue(method, out var calls))
        {
            return LockState.Unknown;
        }

        if (depth > MaxDepth || !visiting.Add(method))
        {
            return LockState.Unknown;
        }

        var states = new List<LockState>();
        foreach (var (caller, call) in calls)
        {
            var state = Compute(call, caller, acquisitions);
            if (state.Kind == LockKind.None)
            {
                state = ResolveThroughCallers(caller, depth + 1, visiting, acquisitions);
            }

            states.Add(state);
        }

        visiting.Remove(method);
        return LockState.Merge(states);
    }

    private bool IsOwnMember(ISymbol member)
        => SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, _type.OriginalDefinition);

    /// <summary>A private, non-virtual ordinary method of this type: its callers are all inside the type.</summary>
    private bool IsPrivateHelper(ISymbol member)
        => member is IMethodSymbol
        {
            MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private,
            IsVirtual: false, IsOverride: false, IsAbstract: false, IsExtern: false,
        }
           && IsOwnMember(member);

    /// <summary>A notifier type derived from <c>IntervalNotifier</c> (not the base itself, not a type parameter), or null.</summary>
    private INamedTypeSymbol? DerivedNotifierType(ITypeSymbol? type)
        => type is INamedTypeSymbol named && _types.IsNotifierType(named)
           && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _types.Notifier)
            ? named
            : null;

    /// <summary>
    /// The derived notifier types a SetSequence call is tied to: its receiver's static type, or, for a plain
    /// <c>IntervalNotifier</c> parameter or local, the types the method casts or matches it to.
    /// </summary>
    private ImmutableArray<INamedTypeSymbol> SetNotifierTypes(IInvocationOperation invocation)
    {
        if (invocation.Instance is not { } receiver)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        if (DerivedNotifierType(receiver.Type) is { } direct)
        {
            return ImmutableArray.Create(direct);
        }

        var symbol = SymbolOf(receiver);
        if (symbol is null)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        var found = new List<INamedTypeSymbol>();
        void AddType(ITypeSymbol? type)
        {
            if (DerivedNotifierType(type) is { } derived && !found.Contains(derived, SymbolEqualityComparer.Default))
            {
                found.Add(derived);
            }
        }

        void AddPatternTypes(IOperation? pattern)
        {
            if (pattern is null)
            {
                return;
            }

            foreach (var operation in pattern.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IDeclarationPatternOperation declaration:
                        AddType(declaration.MatchedType);
                        break;
                    case ITypePatternOperation typePattern:
                        AddType(typePattern.MatchedType);
                        break;
                    case IRecursivePatternOperation recursive:
                        AddType(recursive.MatchedType);
                        break;
                }
            }
        }

        foreach (var operation in ReadSideOperations.Root(invocation).DescendantsAndSelf())
        {
            switch (operation)
            {
                case IConversionOperation conversion when RefersTo(conversion.Operand, symbol):
                    AddType(conversion.Type);
                    break;
                case IIsTypeOperation isType when RefersTo(isType.ValueOperand, symbol):
                    AddType(isType.TypeOperand);
                    break;
                case IIsPatternOperation isPattern when RefersTo(isPattern.Value, symbol):
                    AddPatternTypes(isPattern.Pattern);
                    break;
                case ISwitchExpressionOperation switchExpression when RefersTo(switchExpression.Value, symbol):
                    foreach (var arm in switchExpression.Arms)
                    {
                        AddPatternTypes(arm.Pattern);
                    }

                    break;
                case ISwitchOperation switchStatement when RefersTo(switchStatement.Value, symbol):
                    foreach (var section in switchStatement.Cases)
                    {
                        foreach (var clause in section.Clauses)
                        {
                            if (clause is IPatternCaseClauseOperation patternClause)
                            {
                                AddPatternTypes(patternClause.Pattern);
                            }
                        }
                    }

                    break;
            }
        }

        return found.ToImmutableArray();
    }

    private static ISymbol? SymbolOf(IOperation? operation) => ReadSideOperations.StripConversions(operation) switch
    {
        IParameterReferenceOperation parameter => parameter.Parameter,
        ILocalReferenceOperation local => local.Local,
        _ => null,
    };

    private static bool RefersTo(IOperation? operation, ISymbol symbol)
        => SymbolEqualityComparer.Default.Equals(SymbolOf(operation), symbol);
}
