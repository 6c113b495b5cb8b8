using System.Collections.Generic;
using System.Linq;
using System.Threading;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide;

/// <summary>
/// The callers part of <see cref="TypeRetrySites"/>: a ReadRetry or a SetSequence inside a private helper of the type
/// takes the locks its callers hold around the call (docs/rules/NTF010.md, "When it stays silent"). A private method
/// that no source code calls (an unused helper, <c>Main</c>, the top-level statements' method) is an entry point,
/// judged as called with no lock held (docs/contract.md#entry-points).
/// </summary>
internal sealed partial class TypeRetrySites
{
    private const int MaxDepth = 8;

    private Dictionary<IMethodSymbol, List<(ISymbol Caller, IInvocationOperation Call)>>? _calls;
    // Private helpers referenced as a delegate: they may run anywhere.
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

    /// <summary>Records a call of a private helper (<see cref="IsPrivateHelper"/>) made by a member of this type.</summary>
    private void RecordHelperCall(IInvocationOperation invocation, ISymbol caller)
    {
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
                                            Dictionary<IOperation, List<LockAcquisition>>? acquisitions,
                                            CancellationToken cancellationToken)
    {
        if (!IsPrivateHelper(member))
        {
            return LockState.None; // a root: nothing is held around it inside this type
        }

        var method = (IMethodSymbol)TypeBodies.Key(member);
        if (_delegates?.Contains(method) == true)
        {
            return LockState.Unknown;
        }

        if (_calls is null || !_calls.TryGetValue(method, out var calls))
        {
            // An entry point, unless a nested type (whose calls this type does not see) may call it.
            return MayBeCalledFromANestedType(method, cancellationToken) ? LockState.Unknown : LockState.None;
        }

        if (depth > MaxDepth || !visiting.Add(method))
        {
            return LockState.Unknown;
        }

        var states = new List<LockState>();
        foreach (var (caller, call) in calls)
        {
            var state = _regions.Compute(call, caller, AcquisitionsByBody.Of(acquisitions, call));
            if (state.DependsOnCallers)
            {
                state = ResolveThroughCallers(caller, depth + 1, visiting, acquisitions, cancellationToken);
            }

            states.Add(state);
        }

        visiting.Remove(method);
        return LockState.Merge(states);
    }

    /// <summary>Whether a nested type of this type spells <paramref name="method"/>'s name (a syntax search, done only for an uncalled helper).</summary>
    private bool MayBeCalledFromANestedType(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var nested = new Stack<INamedTypeSymbol>(_type.GetTypeMembers());
        while (nested.Count > 0)
        {
            var type = nested.Pop();
            foreach (var member in type.GetTypeMembers())
            {
                nested.Push(member);
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var name in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Identifier.ValueText == method.Name)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
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
