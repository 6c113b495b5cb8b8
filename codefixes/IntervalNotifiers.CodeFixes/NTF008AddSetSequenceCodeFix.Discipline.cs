using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.ReadSide;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF008AddSetSequenceCodeFix
{
    /// <summary>
    /// The lock discipline of an ops type (docs/contract.md#locks): the locks held at each <c>SetSequence</c> and
    /// <c>ReadRetry</c> call of the type's own members (every callback, every reader, every part of a partial type), with
    /// the lock model NTF010 uses; a call inside a private helper holds what the helper's callers in the type hold. The
    /// readers elsewhere of the notifier types the callback casts its notifier to count too
    /// (<c>NTF008AddSetSequenceCodeFix.Readers.cs</c>). Also the locks held at the offending <c>return</c>.
    /// </summary>
    private sealed partial class LockDiscipline
    {
        private const int MaxDepth = 8;

        private readonly INamedTypeSymbol _type;
        private readonly LockRegions _regions;
        private readonly LockApis _apis;
        private readonly SameLock _same;
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly List<(IInvocationOperation Call, ISymbol Member)> _sites = new();
        private readonly List<IInvocationOperation> _mayAcquire = new();
        private readonly Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>> _calls = new(SymbolEqualityComparer.Default);
        private readonly HashSet<IMethodSymbol> _delegates = new(SymbolEqualityComparer.Default);
        private Dictionary<IOperation, List<LockAcquisition>>? _acquisitions;
        private bool _unseenSite;
        private IMethodSymbol? _callback;
        private IOperation[] _callbackTree = System.Array.Empty<IOperation>();

        private LockDiscipline(INamedTypeSymbol type, Compilation compilation, INamedTypeSymbol notifier, CancellationToken cancellationToken)
        {
            _type = type;
            _regions = new LockRegions(notifier);
            _apis = new LockApis(notifier);
            _same = new SameLock(compilation, cancellationToken);
            _compilation = compilation;
            _cancellationToken = cancellationToken;
        }

        /// <summary>No lock is held at any call: there is no discipline the new call could break.</summary>
        public bool NoLock { get; private set; }

        /// <summary>The one nameable lock held wherever a lock is held at a call (none when <see cref="NoLock"/> or undetermined).</summary>
        public NamedLock? Lock { get; private set; }

        /// <summary>Whether the type's code takes the lock with <c>EnterScope()</c> (a <c>System.Threading.Lock</c> held by a <c>using</c>).</summary>
        public bool ByScope { get; private set; }

        /// <summary>The locks held at the offending return.</summary>
        public LockState AtReturn { get; private set; }

        /// <summary>Whether <see cref="Lock"/> is held at <paramref name="statement"/> of the callback (the same lock-state
        /// computation as <see cref="AtReturn"/>).</summary>
        public bool HoldsTheLockAt(StatementSyntax statement)
        {
            if (Lock is not { } driverLock || _callback is null || _acquisitions is null
                || _callbackTree.FirstOrDefault(operation => operation.Syntax == statement) is not { } site)
            {
                return false;
            }

            return Holds(_regions.Compute(site, _callback, AcquisitionsBefore(site)));
        }

        /// <summary>Whether <paramref name="state"/> holds <see cref="Lock"/>, under any of its names (<see cref="SameLock"/>).</summary>
        public bool Holds(LockState state)
            => Lock is { } driverLock && state.Kind == LockKind.Locked && _same.Contains(state.Named, driverLock.Member);

        /// <summary>
        /// The discipline of the type whose callback holds <paramref name="statement"/>; null when the statement is not a
        /// return of an ops type's method that <paramref name="model"/> can see.
        /// </summary>
        public static LockDiscipline? Of(SemanticModel model, NotifierTypes types, ReturnStatementSyntax statement,
                                         CancellationToken cancellationToken)
        {
            if (model.GetEnclosingSymbol(statement.SpanStart, cancellationToken) is not IMethodSymbol callback
                || callback.ContainingType is not { } type || !types.IsOpsType(type))
            {
                return null;
            }

            var discipline = new LockDiscipline(type, model.Compilation, types.Notifier, cancellationToken);
            IReturnOperation? atReturn = null;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    continue;
                }

                var declarationModel = declaration.SyntaxTree == model.SyntaxTree
                    ? model
                    : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
                foreach (var (body, member) in Bodies(declaration, declarationModel, cancellationToken))
                {
                    foreach (var operation in ReadSideOperations.TreeOf(body))
                    {
                        discipline.Record(types, operation, member);
                        if (operation is IReturnOperation candidate && candidate.Syntax == statement)
                        {
                            atReturn = candidate;
                        }
                    }
                }

                discipline._unseenSite |= SpellsASiteOutside(declaration, discipline._sites);
            }

            if (atReturn is null)
            {
                return null;
            }

            discipline.Judge(model, types, callback, atReturn, cancellationToken);
            return discipline;
        }

        /// <summary>The member bodies of <paramref name="declaration"/> (not of its nested types) and the member each belongs to.</summary>
        private static IEnumerable<(IOperation Body, ISymbol Member)> Bodies(TypeDeclarationSyntax declaration, SemanticModel model,
                                                                             CancellationToken cancellationToken)
        {
            foreach (var member in declaration.Members)
            {
                var owners = member switch
                {
                    BaseMethodDeclarationSyntax method => new SyntaxNode[] { method },
                    BasePropertyDeclarationSyntax property when property.AccessorList is { } accessors => accessors.Accessors.ToArray<SyntaxNode>(),
                    _ => System.Array.Empty<SyntaxNode>(),
                };
                foreach (var owner in owners)
                {
                    if (model.GetOperation(owner, cancellationToken) is { } body
                        && model.GetDeclaredSymbol(owner, cancellationToken) is { } symbol)
                    {
                        yield return (body, symbol);
                    }
                }
            }
        }

        /// <summary>
        /// Whether <paramref name="declaration"/> spells <c>SetSequence</c> or <c>ReadRetry</c> outside the calls found (an
        /// expression-bodied property, a field initializer...): then the discipline is not known.
        /// </summary>
        private static bool SpellsASiteOutside(TypeDeclarationSyntax declaration, List<(IInvocationOperation Call, ISymbol Member)> sites)
            => declaration.DescendantNodes(n => n == declaration || n is not BaseTypeDeclarationSyntax)
                          .OfType<SimpleNameSyntax>()
                          .Any(name => name.Identifier.ValueText is "SetSequence" or "ReadRetry"
                                       && !sites.Any(site => site.Call.Syntax.Span.Contains(name.Span)));

        private void Record(NotifierTypes types, IOperation operation, ISymbol member)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (ReadSideOperations.IsNotifierMethod(types, method, "SetSequence")
                        || ReadSideOperations.IsNotifierMethod(types, method, "ReadRetry"))
                    {
                        _sites.Add((invocation, member));
                    }
                    else if (_regions.MayAcquire(method))
                    {
                        _mayAcquire.Add(invocation);
                    }

                    if (IsPrivateHelper(method))
                    {
                        var target = method.OriginalDefinition;
                        if (!_calls.TryGetValue(target, out var calls))
                        {
                            _calls[target] = calls = new List<(ISymbol, IInvocationOperation)>();
                        }

                        calls.Add((member, invocation));
                    }

                    break;
                case IMethodReferenceOperation reference when IsPrivateHelper(reference.Method):
                    _delegates.Add(reference.Method.OriginalDefinition);
                    break;
            }
        }

        private void Judge(SemanticModel model, NotifierTypes types, IMethodSymbol callback, IReturnOperation atReturn,
                           CancellationToken cancellationToken)
        {
            _acquisitions = AcquisitionsByBody.Group(_mayAcquire, _regions);
            AtReturn = Unseen(_regions.Compute(atReturn, callback, AcquisitionsBefore(atReturn)), atReturn);
            if (_unseenSite)
            {
                return;
            }

            var callbackTree = ReadSideOperations.TreeOf(atReturn);
            _callback = callback;
            _callbackTree = callbackTree;
            var states = _sites.Select(site => LocksAt(site.Call, site.Member, 0, new HashSet<ISymbol>(SymbolEqualityComparer.Default),
                                                       cancellationToken))
                               .Concat(ReadersElsewhere(model, types, callback, callbackTree, cancellationToken));
            var locked = new List<LockState>();
            var named = new List<ISymbol>();
            var locks = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var state in states)
            {
                if (state.Kind == LockKind.Unknown || (state.Kind == LockKind.Locked && state.Named.IsDefaultOrEmpty))
                {
                    return; // a lock that cannot be named, or a helper that may take one
                }

                // A state that holds named locks and perhaps another the model cannot name (a finally that calls the pool's
                // Return, a fence's Wait before the region) still holds the named ones for sure: the new call, under the
                // one named lock, is ordered with that site whatever else it holds.

                if (state.Kind == LockKind.Locked)
                {
                    locked.Add(state);
                    foreach (var symbol in state.Named)
                    {
                        locks.Add(_same.Canonical(symbol)); // a property that returns the field, a copy of another member: one lock
                        if (!named.Contains(symbol, SymbolEqualityComparer.Default))
                        {
                            named.Add(symbol);
                        }
                    }
                }
            }

            if (locks.Count == 0)
            {
                NoLock = true;
                return;
            }

            if (locks.Count != 1)
            {
                return;
            }

            // The lock has one or more names; the fix writes the first the callback can write, preferring those the
            // callback itself uses.
            foreach (var name in named.OrderBy(symbol => callbackTree.Any(operation => IsTheMember(operation, symbol)) ? 0 : 1))
            {
                Lock = Named(types, callback, callbackTree, locked, name);
                if (Lock is not null)
                {
                    break;
                }
            }

            ByScope = Lock is not null
                      && _mayAcquire.Any(call => call.TargetMethod.Name == "EnterScope"
                                                 && _regions.Classify(call)?.Key?.Symbol is { } symbol
                                                 && _same.Same(symbol, Lock.Member));
        }

        /// <summary>
        /// The lock held at the <paramref name="locked"/> states, written through <paramref name="name"/> (one of its
        /// names): a member of the ops type, else of the notifier through the callback's cast local, else through the one
        /// local the callback takes it through, else through the one object the ops type holds for good and reaches it
        /// through everywhere (<see cref="HolderOf"/>); null when the callback cannot write it that way.
        /// </summary>
        private NamedLock? Named(NotifierTypes types, IMethodSymbol callback, IOperation[] callbackTree, List<LockState> locked, ISymbol name)
        {
            var renamed = locked.Select(state => new LockState(
                LockKind.Locked, ImmutableArray.Create(name), hasUnnamed: false,
                state.ByLockStatement.IsEmpty ? ImmutableArray<ISymbol>.Empty : ImmutableArray.Create(name))).ToList();
            if (OpsTypeLock.Of(_type, renamed) is { } opsLock)
            {
                return opsLock.IsReachableFrom(callback) ? new NamedLock(opsLock.Member, opsLock.Expression, opsLock.IsLockStatement, null) : null;
            }

            if ((NotifierHandle(types, callback, callbackTree, name) ?? LockHolderLocal(callbackTree, name)) is { } handle)
            {
                var byLockStatement = renamed.All(state => !state.ByLockStatement.IsEmpty);
                return new NamedLock(name, SyntaxHelpers.Escape(handle.Local.Name) + "." + SyntaxHelpers.Escape(name.Name), byLockStatement,
                                     handle.Declaration);
            }

            if (!callback.IsStatic && HolderOf(name) is { } holder)
            {
                var byLockStatement = renamed.All(state => !state.ByLockStatement.IsEmpty);
                return new NamedLock(name, HolderWritten(holder, callback, callbackTree) + "." + SyntaxHelpers.Escape(name.Name), byLockStatement, null);
            }

            return null;
        }

        /// <summary>The locks held at <paramref name="call"/>; in a private helper with no lock of its own, those held at every call of the helper in the type.</summary>
        private LockState LocksAt(IOperation call, ISymbol member, int depth, HashSet<ISymbol> visiting, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = Unseen(_regions.Compute(call, member, AcquisitionsBefore(call)), call);
            if (!state.DependsOnCallers || member is not IMethodSymbol method || !IsPrivateHelper(method))
            {
                return state;
            }

            var helper = method.OriginalDefinition;
            if (_delegates.Contains(helper) || !_calls.TryGetValue(helper, out var calls) || depth >= MaxDepth || !visiting.Add(helper))
            {
                return LockState.Unknown; // a delegate, a helper called from where this walk does not see, or recursion
            }

            var merged = LockState.Merge(calls.Select(c => LocksAt(c.Call, c.Caller, depth + 1, visiting, cancellationToken)).ToList());
            visiting.Remove(helper);
            return merged;
        }

        /// <summary><paramref name="state"/>, or unknown when it holds no lock but <paramref name="site"/> comes between a lock's acquisition and its try (<see cref="MayHoldBeforeItsTry"/>).</summary>
        private LockState Unseen(LockState state, IOperation site)
            => state.Kind == LockKind.None && MayHoldBeforeItsTry(site) ? LockState.Unknown : state;

        /// <summary>A private, non-virtual ordinary method of the type: its callers are the type's own code.</summary>
        private bool IsPrivateHelper(IMethodSymbol method)
            => method is
            {
                MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private,
                IsVirtual: false, IsOverride: false, IsAbstract: false, IsExtern: false,
            }
               && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _type.OriginalDefinition);
    }
}
