using System.Runtime.CompilerServices;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// A type of the framework that the lock model compares with (<c>System.Threading.Monitor</c>, <c>Task</c>...),
/// resolved by its metadata name on first use instead of when the compilation starts (a speed-up only).
/// </summary>
/// <remarks>
/// What it skips: <c>GetTypeByMetadataName</c> for every lock and thread API in every compilation, and for a type
/// whose name no compared type carries. Invariant: <see cref="Is"/> answers what comparing with the type resolved at
/// the start would answer: the resolution is a pure function of the compilation (racing callers resolve the same
/// symbol, <see cref="Memo"/>), and a type whose simple name differs from the resolved type's cannot be it.
/// </remarks>
internal sealed class WellKnownType
{
    private readonly Compilation _compilation;
    private readonly string _metadataName;
    private readonly string _name;
    private StrongBox<INamedTypeSymbol?>? _resolved;

    /// <param name="compilation">The compilation the type is resolved in.</param>
    /// <param name="metadataName">The full metadata name (<c>System.Threading.Tasks.TaskFactory`1</c>).</param>
    /// <param name="name">The simple name every symbol of the type carries (<c>TaskFactory</c>).</param>
    public WellKnownType(Compilation compilation, string metadataName, string name)
    {
        _compilation = compilation;
        _metadataName = metadataName;
        _name = name;
    }

    /// <summary>Whether <paramref name="type"/> (an original definition) is the type; false when the compilation has none.</summary>
    public bool Is(INamedTypeSymbol? type)
        => type is not null && type.Name == _name
           && Memo.Get(ref _resolved, this,
                       static known => new StrongBox<INamedTypeSymbol?>(known._compilation.GetTypeByMetadataName(known._metadataName)))
               .Value is { } resolved
           && SymbolEqualityComparer.Default.Equals(type, resolved);
}
