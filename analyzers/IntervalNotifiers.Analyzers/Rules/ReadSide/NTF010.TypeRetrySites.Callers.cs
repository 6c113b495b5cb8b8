using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Infrastructure;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Shortcuts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// The callers part of <see cref="TypeRetrySites"/>: a ReadRetry or a SetSequence inside a private helper of the type
/// takes the locks its callers hold around the call (docs/rules/NTF010.md, "When it stays silent").
/// </summary>
internal sealed partial class TypeRetrySites
{
    private const int MaxDepth = 8;

    private Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>>? _calls;
    private HashSet<IMethodSymbol>? _delegates;

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

    private void RecordHelperCall(IInvocationOperation invocation, ISymbol caller)
    {
        if (!IsPrivateHelper(invocation.TargetMethod.OriginalDefinition))
        {
            return;
        }

        lock (this)
        {
            var target = (IMethodSymbol)TypeBodies.Key(invocation.TargetMethod);
            _calls ??= new Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>>(SymbolEqualityComparer.Default);
            if (!_calls.TryGetValue(target, out var list))
            {
                _calls[target] = list = new List<(ISymbol, IInvocationOperation)>();
            }

            list.Add((TypeBodies.Key(caller), invocation));
        }
    }

    /// <summary>The locks held at every call of the private helper <paramref name="member"/>, merged.</summary>
    private LockState ResolveThroughCallers(ISymbol member, int depth, HashSet<ISymbol> visiting,
                                            Dictionary<IOperation, List<LockAcquisition>>? acquisitions)
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
            var state = _regions.Compute(call, caller, AcquisitionsByBody.Of(acquisitions, call));
            if (state.Kind == LockKind.None)
            {
                state = ResolveThroughCallers(caller, depth + 1, visiting, acquisitions);
            }

            states.Add(state);
        }

        visiting.Remove(method);
        return LockState.Merge(states);
    }

    /// <summary>A private, non-virtual ordinary method of this type: its callers are all inside the type.</summary>
    private bool IsPrivateHelper(ISymbol member)
        => member is IMethodSymbol
        {
            MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private,
            IsVirtual: false, IsOverride: false, IsAbstract: false, IsExtern: false,
        }
           && IsOwnMember(member);
}
