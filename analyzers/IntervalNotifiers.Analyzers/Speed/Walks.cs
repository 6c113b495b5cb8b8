using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// The operation walks of member bodies (<see cref="MethodBody.Walk"/>), shared by every IntervalNotifiers analyzer
/// of one compilation.
/// </summary>
/// <remarks>
/// What it skips: walking the same body's operation tree once per analyzer (each analyzer collects its own
/// <see cref="TypeBodies"/>). Invariant that keeps it consistent: the driver hands all analyzers the same operation
/// trees, and a tree never changes, so a walk is keyed by the body's first block (by reference,
/// <see cref="OperationIdentity"/>). One table per compilation, dropped with it; only the bodies the analyzers ask
/// for (ops types, and types that call the runtime's checked methods) are walked and kept.
/// </remarks>
internal sealed class Walks
{
    private static readonly ConditionalWeakTable<Compilation, Walks> PerCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, Walks>.CreateValueCallback Create = _ => new Walks();

    private readonly ConcurrentDictionary<IOperation, IOperation[]> _walks = new(OperationIdentity.Instance);

    public static Walks For(Compilation compilation) => PerCompilation.GetValue(compilation, Create);

    public IOperation[] Get(ImmutableArray<IOperation> blocks)
    {
        if (_walks.TryGetValue(blocks[0], out var operations))
        {
            return operations;
        }

        operations = MethodBody.Walk(blocks);
        return _walks.GetOrAdd(blocks[0], operations);
    }
}
