using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Infrastructure;

/// <summary>
/// A per-compilation pre-filter on source text: which of a few method names occur anywhere in a syntax tree's
/// text (a plain substring search, done once per tree). A call of a method always spells its name in the source,
/// so a type whose files never contain the name cannot call it, and an analyzer can skip registering anything for
/// that type. The answer errs towards "maybe": a name inside a comment or a longer identifier counts, and a file
/// with a Unicode escape (<c>\u</c>, which may spell an identifier) counts as containing every name.
/// </summary>
internal sealed class SourceNames
{
    private readonly string[] _names;
    private readonly ConcurrentDictionary<SyntaxTree, int> _masks = new();

    /// <param name="names">At most 30 names; bit <c>i</c> of a mask stands for <c>names[i]</c>.</param>
    public SourceNames(params string[] names) => _names = names;

    /// <summary>Whether some declaration of <paramref name="symbol"/> sits in a tree whose text may hold a name of <paramref name="mask"/>.</summary>
    public bool MayName(ISymbol symbol, int mask, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if ((MaskOf(reference.SyntaxTree, cancellationToken) & mask) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private int MaskOf(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (_masks.TryGetValue(tree, out var mask))
        {
            return mask;
        }

        var text = tree.GetText(cancellationToken).ToString();
        if (text.IndexOf("\\u", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            mask = -1;
        }
        else
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (text.IndexOf(_names[i], StringComparison.Ordinal) >= 0)
                {
                    mask |= 1 << i;
                }
            }
        }

        _masks.TryAdd(tree, mask);
        return mask;
    }
}
