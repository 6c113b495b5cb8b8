using System.Collections.Generic;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// A set of identifiers that a run of characters can be looked up in without making a string of it: the words of a text
/// (<see cref="WordIndex"/>) are compared with many names at once, one hash per word of a length some name has.
/// </summary>
/// <remarks>
/// What it skips: a substring search of the text per name (<see cref="SourceNames.SpellsAny"/>), which grows with the
/// number of names, and a string per word. Invariant that keeps it consistent: a word is in the set exactly when it is
/// equal, character by character, to one of the names added (the length and the hash only pick the names to compare with).
/// </remarks>
internal sealed class WordSet
{
    private readonly Dictionary<int, List<string>> _byHash = new();
    private bool[] _lengths = new bool[16];

    /// <summary>The length of the longest name (a longer word is in no set).</summary>
    public int MaxLength { get; private set; }

    /// <summary>How many distinct names the set holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="name"/> (an empty name is in no text, and is not added).</summary>
    public void Add(string name)
    {
        if (name.Length == 0)
        {
            return;
        }

        var hash = Hash(name.ToCharArray(), name.Length);
        if (!_byHash.TryGetValue(hash, out var names))
        {
            _byHash[hash] = names = new List<string>(1);
        }

        if (!names.Contains(name))
        {
            names.Add(name);
            Count++;
            MaxLength = System.Math.Max(MaxLength, name.Length);
            if (name.Length >= _lengths.Length)
            {
                System.Array.Resize(ref _lengths, name.Length * 2);
            }

            _lengths[name.Length] = true;
        }
    }

    /// <summary>Whether <c>word[0..length)</c> is one of the names.</summary>
    public bool Contains(char[] word, int length)
    {
        if (length == 0 || length > MaxLength || !_lengths[length] || !_byHash.TryGetValue(Hash(word, length), out var names))
        {
            return false;
        }

        foreach (var name in names)
        {
            if (name.Length == length && Same(name, word))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(string name, char[] word)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != word[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int Hash(char[] word, int length)
    {
        unchecked
        {
            var hash = (int)2166136261;
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ word[i]) * 16777619;
            }

            return hash;
        }
    }
}
