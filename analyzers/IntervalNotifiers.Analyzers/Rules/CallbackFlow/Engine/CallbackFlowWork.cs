using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// What the callback path rules did, counted for the tests and measurements (the analyzer keeps none by default):
/// the callbacks they looked at, each question answered on the operation tree, and the bodies whose control-flow
/// graph was asked for. Counts of work are independent of the machine's noise.
/// </summary>
internal sealed class CallbackFlowWork
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<MethodBody, byte> _graphs = new();

    /// <summary>Counts one event named <paramref name="what"/> (<c>callback</c>, <c>NTF008 tree</c>, <c>NTF007 graph</c>, ...).</summary>
    public void Count(string what) => _counts.AddOrUpdate(what, 1, static (_, n) => n + 1);

    /// <summary>Counts a question that needs the graph of <paramref name="body"/>, and the body once.</summary>
    public void Graph(string what, MethodBody body)
    {
        Count(what);
        _graphs.TryAdd(body, 0);
    }

    /// <summary>How many times <paramref name="what"/> was counted.</summary>
    public int this[string what] => _counts.TryGetValue(what, out var n) ? n : 0;

    /// <summary>The distinct bodies whose graph was asked for.</summary>
    public int GraphsBuilt => _graphs.Count;

    public override string ToString()
        => string.Join(", ", _counts.OrderBy(p => p.Key, System.StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))
           + $"; graphs built {GraphsBuilt}";
}
