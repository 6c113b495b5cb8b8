using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// "Parameter i of method M may be kept": what a source method of any type does with a finish (or a delegate capturing
/// one) passed to it (docs/contract.md#calls-followed-through-source). One per compilation, shared by every ops type
/// and caller; each (method, parameter) is computed once, on first use, and kept. Computing one summary may ask for
/// others (the calls the method makes), up to <see cref="MaxCallDepth"/> calls deep; a call back into a method whose
/// summary is being computed counts as keeping nothing (no proof, no diagnostic).
/// </summary>
/// <remarks>
/// Thread-safe without locks: two threads that ask for the same summary at once may both compute it, and the first
/// result stored is the one every caller sees. Nothing waits on another thread, so mutual recursion across threads
/// cannot deadlock.
/// </remarks>
internal sealed class KeepSummaries
{
    /// <summary>How many calls deep one summary may look.</summary>
    public const int MaxCallDepth = 6;

    private static readonly Escape KeepsNothing = Escape.Of(EscapeKind.PassedToMethod, string.Empty);

    [ThreadStatic]
    private static HashSet<(IMethodSymbol, int)>? t_inProgress;

    private readonly Compilation _compilation;
    private readonly NotifierTypes _types;
    private readonly StoreTargets _stores;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), Escape> _summaries = new(KeyComparer.Instance);
    private readonly ConcurrentDictionary<IMethodSymbol, Bound> _bound = new(SymbolEqualityComparer.Default);

    public KeepSummaries(Compilation compilation, NotifierTypes types)
    {
        _compilation = compilation;
        _types = types;
        _stores = new StoreTargets(types);
    }

    /// <summary>
    /// Whether calls of <paramref name="method"/> are judged by its body: a method (or constructor) of this compilation
    /// with a body that is the one a call runs (not abstract, not an overridable virtual), or a record's primary
    /// constructor.
    /// </summary>
    public static bool IsFollowed(IMethodSymbol method)
    {
        method = Definition(method);
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.Constructor)
            || method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty
            || method.IsPartialDefinition)
        {
            return false;
        }

        var overridable = (method.IsVirtual || method.IsOverride) && !method.IsSealed
                          && method.ContainingType is { IsSealed: false, IsValueType: false };
        return !overridable;
    }

    /// <summary>
    /// What <paramref name="method"/> does with its parameter <paramref name="ordinal"/> when that is kept beyond the
    /// call (stored, captured by an escaping delegate, handed to code that keeps it), or null. Ask only for methods
    /// that are <see cref="IsFollowed"/>.
    /// </summary>
    public Escape? WhatKeeps(IMethodSymbol method, int ordinal)
        => Summarize(method, ordinal, Compute);

    /// <summary>
    /// For a method that returns by <c>ref</c>: the store its returned reference points at (a field, an array element),
    /// or null. Ask only for methods that are <see cref="IsFollowed"/>.
    /// </summary>
    public Escape? WhatRefReturns(IMethodSymbol method)
        => Summarize(method, RefReturnOrdinal, (m, _) => BodyOf(m) is { } body
            ? new EscapeWalk(_types, null, _stores, this).ReturnedRefStore(body)
            : null);

    /// <summary>Whether the iterator <paramref name="method"/> yields its parameter <paramref name="ordinal"/> (<c>yield return f;</c>).</summary>
    public bool Yields(IMethodSymbol method, int ordinal)
    {
        method = Definition(method);
        if (ordinal < 0 || ordinal >= method.Parameters.Length)
        {
            return false;
        }

        var bound = BoundOf(method);
        return Array.IndexOf(bound.Yielded ??= YieldedParameters(method, bound.Body), ordinal) >= 0;
    }

    /// <summary>The ordinals of the parameters that <paramref name="method"/>'s body yields (<c>yield return f;</c>), computed for all parameters at once.</summary>
    private static int[] YieldedParameters(IMethodSymbol method, MethodBody? body)
    {
        if (body is null)
        {
            return Array.Empty<int>();
        }

        List<int>? yielded = null;
        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.YieldReturn && operation is IReturnOperation { ReturnedValue: { } value }
                && OperationShapes.Unwrap(value) is IParameterReferenceOperation reference)
            {
                var ordinal = reference.Parameter.Ordinal;
                if (ordinal < method.Parameters.Length
                    && SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, method.Parameters[ordinal].OriginalDefinition)
                    && (yielded is null || !yielded.Contains(ordinal)))
                {
                    (yielded ??= new List<int>()).Add(ordinal);
                }
            }
        }

        return yielded?.ToArray() ?? Array.Empty<int>();
    }

    private const int RefReturnOrdinal = -1;

    private Escape? Summarize(IMethodSymbol method, int ordinal, Func<IMethodSymbol, int, Escape?> compute)
    {
        method = Definition(method);
        var key = (method, ordinal);
        if (_summaries.TryGetValue(key, out var known))
        {
            return ReferenceEquals(known, KeepsNothing) ? null : known;
        }

        var inProgress = t_inProgress ??= new HashSet<(IMethodSymbol, int)>(KeyComparer.Instance);
        if (inProgress.Count >= MaxCallDepth || !inProgress.Add(key))
        {
            return null; // too deep, or recursion: not proved here (and not stored, the outer computation decides)
        }

        Escape? computed;
        try
        {
            computed = compute(method, ordinal);
        }
        finally
        {
            inProgress.Remove(key);
        }

        var stored = _summaries.GetOrAdd(key, computed ?? KeepsNothing);
        return ReferenceEquals(stored, KeepsNothing) ? null : stored;
    }

    private Escape? Compute(IMethodSymbol method, int ordinal)
    {
        if (ordinal < 0 || ordinal >= method.Parameters.Length || method.Parameters[ordinal].RefKind == RefKind.Out)
        {
            return null;
        }

        var parameter = method.Parameters[ordinal];
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (syntax is RecordDeclarationSyntax)
        {
            // A positional record: its primary constructor keeps every parameter in a property of the new object.
            return Escape.Of(EscapeKind.Property, "stored in the property '" + parameter.Name + "'", inReceiver: true);
        }

        var body = BodyOf(method);
        if (body is null)
        {
            return null;
        }

        var walk = new EscapeWalk(_types, null, _stores, this);
        Escape? inReceiver = null;
        foreach (var operation in body.Operations())
        {
            if (operation.Kind == OperationKind.ParameterReference && operation is IParameterReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter.OriginalDefinition)
                && !OperationShapes.IsWriteTarget(reference))
            {
                var escape = walk.ParameterEscape(reference, body);
                if (escape is not null && !escape.InReceiver)
                {
                    return escape;
                }

                inReceiver ??= escape;
            }
        }

        // Kept in the object's own state: kept for good when the method lets the object itself escape.
        return inReceiver is not null && walk.ThisEscape(body) is { } objectEscape
            ? inReceiver.Then(EscapeKind.InEscapingObject, " of an object that is ", objectEscape)
            : inReceiver;
    }

    /// <summary>
    /// What is kept per method (<see cref="Definition"/>), whatever the parameter asked about: its bound body (bound once,
    /// not once per parameter and question) and the parameters it yields. Racing threads may bind twice; the first
    /// stored wins and both are equal.
    /// </summary>
    private sealed class Bound
    {
        public Bound(MethodBody? body) => Body = body;

        public MethodBody? Body { get; }

        public int[]? Yielded { get; set; }
    }

    private Bound BoundOf(IMethodSymbol method)
        => _bound.TryGetValue(method, out var bound) ? bound : _bound.GetOrAdd(method, new Bound(Bind(method)));

    /// <summary>The operation body of a source method (bound once per method), or null.</summary>
    private MethodBody? BodyOf(IMethodSymbol method) => BoundOf(method).Body;

    /// <summary>The operation body of a source method, or null (no body: an expression-less declaration, a shape the binder rejects).</summary>
    private MethodBody? Bind(IMethodSymbol method)
    {
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (syntax is not (BaseMethodDeclarationSyntax { Body: not null } or BaseMethodDeclarationSyntax { ExpressionBody: not null }))
        {
            return null;
        }

        var operation = SourceCalls.BodyOf(syntax, _compilation, CancellationToken.None);
        return operation is null ? null : new MethodBody(method, ImmutableArray.Create(operation), Walks.For(_compilation));
    }

    /// <summary>The declaration whose body a call runs: the original definition, and for a partial method its implementation.</summary>
    private static IMethodSymbol Definition(IMethodSymbol method) => SourceCalls.BodyDefinition(method);

    private sealed class KeyComparer : IEqualityComparer<(IMethodSymbol Method, int Ordinal)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((IMethodSymbol Method, int Ordinal) x, (IMethodSymbol Method, int Ordinal) y)
            => x.Ordinal == y.Ordinal && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

        public int GetHashCode((IMethodSymbol Method, int Ordinal) obj)
            => (SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31) + obj.Ordinal;
    }
}
