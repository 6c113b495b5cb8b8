using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;

/// <summary>
/// A type of the framework that the lock model compares with (<c>System.Threading.Monitor</c>, <c>Task</c>...), known by
/// its metadata name: a top-level type of that namespace and name, wherever it is defined (a speed-up, and the way the
/// callback rules recognise the same types, <c>FlowFacts.IsThreadingType</c>).
/// </summary>
/// <remarks>
/// What it skips: <c>Compilation.GetTypeByMetadataName</c> for every lock and thread API in every compilation (3.7 % of
/// our profile samples on the valid-code project), which searches every referenced assembly to make sure only one
/// defines the name. Invariant: a type is the well-known type when its namespace, name and arity are the metadata name's,
/// which is the type <c>GetTypeByMetadataName</c> resolves whenever it resolves one. When two assemblies define the name
/// (a polyfill of <c>System.Threading.Lock</c> beside the framework's), that look-up finds none, and a lock taken through
/// either was not seen as a lock; now both are.
/// </remarks>
internal sealed class WellKnownType
{
    private readonly string[] _namespace;
    private readonly string _metadataName;

    /// <param name="metadataName">The full metadata name of a top-level type (<c>System.Threading.Tasks.TaskFactory`1</c>).</param>
    public WellKnownType(string metadataName)
    {
        var parts = metadataName.Split('.');
        _namespace = new string[parts.Length - 1];
        System.Array.Copy(parts, _namespace, _namespace.Length);
        _metadataName = parts[parts.Length - 1];
    }

    /// <summary>Whether <paramref name="type"/> (an original definition) is the type.</summary>
    public bool Is(INamedTypeSymbol? type)
    {
        if (type is null || type.ContainingType is not null || type.MetadataName != _metadataName)
        {
            return false;
        }

        var ns = type.ContainingNamespace;
        for (var i = _namespace.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.IsGlobalNamespace || ns.Name != _namespace[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }
}
