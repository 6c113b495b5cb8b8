using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

using IntervalNotifiers.Analyzers.Core;

namespace IntervalNotifiers.Analyzers.Speed;

/// <summary>
/// A compilation-wide gate in front of every analyzer (Core/NotifierAnalyzer.cs): a compilation that references the
/// runtime but whose source can name none of its types gets no action at all, so the driver keeps no per-type or
/// per-member state for our analyzers there and builds no operation tree for them. The usual case is a large project
/// that references the package (directly or through another project) and uses it in none of its files.
/// </summary>
/// <remarks>
/// What it skips: every analyzer's symbol-start action (and all that it registers) for each type of such a compilation.
/// Invariant that keeps it consistent: every rule judges code that uses a runtime type (an ops type, a notifier, a
/// finish, a pool, their members), and source reaches a type of the runtime only through its namespace
/// <c>IntervalNotifiers</c>: a <c>using</c> (plain, static, alias or global, in any file of the compilation, generated
/// ones included), a qualified name, or a namespace declaration inside it, each of which spells the namespace, unless an
/// identifier spells it with <c>\u</c> escapes. The other way in is a member of another referenced assembly whose type
/// is a runtime type (a library's base ops class, a method that returns a notifier), so the gate never closes when
/// another reference was built against the runtime. The text search is <c>Speed/SourceNames.cs</c>'s (the namespace and the
/// escapes only), kept per tree, so an IDE's next compilation reads only the edited tree again.
/// </remarks>
internal static class UnusedRuntime
{
    private static readonly ConditionalWeakTable<Compilation, StrongBox<bool>> PerCompilation = new();

    /// <summary>Whether no code of <paramref name="compilation"/> can use the runtime of <paramref name="types"/> (see the type's remarks).</summary>
    public static bool IsProven(Compilation compilation, NotifierTypes types, CancellationToken cancellationToken)
    {
        if (PerCompilation.TryGetValue(compilation, out var known))
        {
            return known.Value;
        }

        var proven = Prove(compilation, types, cancellationToken); // a cancelled search throws before anything is kept
        return PerCompilation.GetValue(compilation, _ => new StrongBox<bool>(proven)).Value;
    }

    private static bool Prove(Compilation compilation, NotifierTypes types, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (SourceNames.MayNameTheRuntimeIn(tree, cancellationToken))
            {
                return false;
            }
        }

        return !AnotherReferenceUsesTheRuntime(compilation, types);
    }

    /// <summary>
    /// Whether an assembly that <paramref name="compilation"/> references, other than the runtime, was itself built
    /// against the runtime (its types may derive from the runtime's or hand them out). Identities are read from
    /// metadata; nothing is resolved. The answer for each referenced assembly is kept with its symbol, which the
    /// compilations that share the reference share (an IDE's after each edit, a compiler server's).
    /// </summary>
    public static bool AnotherReferenceUsesTheRuntime(Compilation compilation, NotifierTypes types)
    {
        var runtime = types.Ops.ContainingAssembly;
        var name = runtime.Identity.Name;
        foreach (var reference in compilation.References)
        {
            if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol assembly
                && !SymbolEqualityComparer.Default.Equals(assembly, runtime)
                && Array.IndexOf(ReferencedNames.GetValue(assembly, Names), name) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    // Per referenced assembly: the names of the assemblies its modules reference.
    private static readonly ConditionalWeakTable<IAssemblySymbol, string[]> ReferencedNames = new();
    private static readonly ConditionalWeakTable<IAssemblySymbol, string[]>.CreateValueCallback Names = ReadNames;

    private static string[] ReadNames(IAssemblySymbol assembly)
    {
        var names = new List<string>();
        foreach (var module in assembly.Modules)
        {
            foreach (var referenced in module.ReferencedAssemblies)
            {
                names.Add(referenced.Name);
            }
        }

        return names.ToArray();
    }
}
