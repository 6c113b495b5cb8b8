using System;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// <see cref="NotifierTypes"/> of a compilation, resolved by the first analyzer (or code fix) that asks and shared
/// with the others.
/// </summary>
/// <remarks>
/// What it skips: each analyzer's own look-up of the runtime's types and members at compilation start (six analyzers,
/// a dozen <c>GetTypeByMetadataName</c> and member look-ups each). Invariant that keeps it consistent: the types a
/// compilation resolves never change for that compilation (it is immutable), so every caller would compute an equal
/// value; the table is keyed by the compilation object and dropped with it. A null result (the runtime is not
/// referenced) is kept too.
/// </remarks>
internal static class ResolvedTypes
{
    private static readonly ConditionalWeakTable<Compilation, Box> PerCompilation = new();

    public static NotifierTypes? For(Compilation compilation, Func<Compilation, NotifierTypes?> resolve)
    {
        if (PerCompilation.TryGetValue(compilation, out var box))
        {
            return box.Types;
        }

        // Racing first callers may both resolve; the table keeps one value and every caller gets that one.
        return PerCompilation.GetValue(compilation, c => new Box(resolve(c))).Types;
    }

    private sealed class Box
    {
        public Box(NotifierTypes? types) => Types = types;

        public NotifierTypes? Types { get; }
    }
}
