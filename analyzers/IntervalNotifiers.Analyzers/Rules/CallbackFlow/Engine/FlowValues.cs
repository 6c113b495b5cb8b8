using System;
using System.Collections.Generic;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;

/// <summary>
/// The lattice helper of the callback path rules: an immutable map from tracked entities (symbols, flow capture
/// ids, sentinels; compared by <see cref="FlowKeyComparer"/>) to a small set of possible values, one bit per value.
/// An entity not in the map holds <see cref="Top"/> (the rule's "anything"); the join of two maps is the union of
/// the sets, entity by entity. Each rule names its own bits; the map, its join and its comparison live here once.
/// </summary>
/// <remarks>
/// Speed (Speed/README.md): a callback tracks a handful of entities, so the map is two small arrays searched in
/// order, copied on write: no hashing, and one allocation per change instead of a tree of nodes.
/// </remarks>
internal sealed class FlowValues
{
    private static readonly object[] NoKeys = Array.Empty<object>();
    private static readonly byte[] NoValues = Array.Empty<byte>();

    private readonly object[] _keys;
    private readonly byte[] _values;

    private FlowValues(byte top, object[] keys, byte[] values)
    {
        Top = top;
        _keys = keys;
        _values = values;
    }

    /// <summary>The value of every entity nothing is known about.</summary>
    public byte Top { get; }

    /// <summary>The map where every entity holds <paramref name="top"/>.</summary>
    public static FlowValues Empty(byte top) => new(top, NoKeys, NoValues);

    public byte this[object key]
    {
        get
        {
            var index = IndexOf(key);
            return index < 0 ? Top : _values[index];
        }
    }

    private int IndexOf(object key)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (ReferenceEquals(_keys[i], key) || FlowKeyComparer.Instance.Equals(_keys[i], key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The map with <paramref name="key"/> holding <paramref name="value"/> (this map when nothing changes).</summary>
    public FlowValues Set(object key, byte value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            if (value == Top)
            {
                return this;
            }

            var keys = new object[_keys.Length + 1];
            var values = new byte[_values.Length + 1];
            Array.Copy(_keys, keys, _keys.Length);
            Array.Copy(_values, values, _values.Length);
            keys[_keys.Length] = key;
            values[_values.Length] = value;
            return new FlowValues(Top, keys, values);
        }

        if (_values[index] == value)
        {
            return this;
        }

        if (value == Top)
        {
            var keys = new object[_keys.Length - 1];
            var values = new byte[_values.Length - 1];
            Array.Copy(_keys, 0, keys, 0, index);
            Array.Copy(_values, 0, values, 0, index);
            Array.Copy(_keys, index + 1, keys, index, _keys.Length - index - 1);
            Array.Copy(_values, index + 1, values, index, _values.Length - index - 1);
            return new FlowValues(Top, keys, values);
        }

        var changed = (byte[])_values.Clone();
        changed[index] = value;
        return new FlowValues(Top, _keys, changed);
    }

    /// <summary>The union of the two maps' sets, entity by entity.</summary>
    public FlowValues Join(FlowValues other)
    {
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        var result = this;
        for (var i = 0; i < _keys.Length; i++)
        {
            result = result.Set(_keys[i], (byte)(_values[i] | other[_keys[i]]));
        }

        for (var i = 0; i < other._keys.Length; i++)
        {
            if (IndexOf(other._keys[i]) < 0)
            {
                result = result.Set(other._keys[i], (byte)(other._values[i] | Top));
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

        if (_keys.Length != other._keys.Length)
        {
            return false;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            var index = ReferenceEquals(other._keys.Length > i ? other._keys[i] : null, _keys[i]) ? i : other.IndexOf(_keys[i]);
            if (index < 0 || other._values[index] != _values[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The entities whose value differs between <paramref name="before"/> and this map.</summary>
    public IEnumerable<object> ChangedSince(FlowValues before)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (before[_keys[i]] != _values[i])
            {
                yield return _keys[i];
            }
        }

        for (var i = 0; i < before._keys.Length; i++)
        {
            if (IndexOf(before._keys[i]) < 0 && before._values[i] != Top)
            {
                yield return before._keys[i];
            }
        }
    }
}
