using System.Collections.Generic;
using System.Collections.Immutable;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The lattice helper of the callback path rules: an immutable map from tracked entities (symbols, flow capture
/// ids, sentinels; compared by <see cref="FlowKeyComparer"/>) to a small set of possible values, one bit per value.
/// An entity not in the map holds <see cref="Top"/> (the rule's "anything"); the join of two maps is the union of
/// the sets, entity by entity. Each rule names its own bits; the map, its join and its comparison live here once.
/// </summary>
internal sealed class FlowValues
{
    private readonly ImmutableDictionary<object, byte> _map;

    private FlowValues(byte top, ImmutableDictionary<object, byte> map)
    {
        Top = top;
        _map = map;
    }

    /// <summary>The value of every entity nothing is known about.</summary>
    public byte Top { get; }

    /// <summary>The map where every entity holds <paramref name="top"/>.</summary>
    public static FlowValues Empty(byte top) => new(top, ImmutableDictionary.Create<object, byte>(FlowKeyComparer.Instance));

    public byte this[object key] => _map.TryGetValue(key, out var value) ? value : Top;

    /// <summary>The map with <paramref name="key"/> holding <paramref name="value"/> (this map when nothing changes).</summary>
    public FlowValues Set(object key, byte value)
    {
        var map = value == Top ? _map.Remove(key) : _map.SetItem(key, value);
        return ReferenceEquals(map, _map) ? this : new FlowValues(Top, map);
    }

    /// <summary>The union of the two maps' sets, entity by entity.</summary>
    public FlowValues Join(FlowValues other)
    {
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        var result = this;
        foreach (var pair in _map)
        {
            result = result.Set(pair.Key, (byte)(pair.Value | other[pair.Key]));
        }

        foreach (var pair in other._map)
        {
            if (!_map.ContainsKey(pair.Key))
            {
                result = result.Set(pair.Key, (byte)(pair.Value | Top));
            }
        }

        return result;
    }

    public bool Same(FlowValues other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_map.Count != other._map.Count)
        {
            return false;
        }

        foreach (var pair in _map)
        {
            if (!other._map.TryGetValue(pair.Key, out var value) || value != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The entities whose value differs between <paramref name="before"/> and this map.</summary>
    public IEnumerable<object> ChangedSince(FlowValues before)
    {
        foreach (var pair in _map)
        {
            if (before[pair.Key] != pair.Value)
            {
                yield return pair.Key;
            }
        }

        foreach (var pair in before._map)
        {
            if (!_map.ContainsKey(pair.Key) && pair.Value != Top)
            {
                yield return pair.Key;
            }
        }
    }
}
