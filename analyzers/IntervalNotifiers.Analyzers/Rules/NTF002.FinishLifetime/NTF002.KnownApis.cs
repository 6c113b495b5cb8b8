using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// What NTF002 knows of methods whose bodies it does not see (docs/contract.md#calls-followed-through-source): the
/// BCL's storing, reading and scheduling APIs, by name.
/// </summary>
internal static class KnownApis
{
    /// <summary>Methods that keep their argument (collections, completion sources, channels, atomics).</summary>
    public static readonly HashSet<string> StoringMethods = new(StringComparer.Ordinal)
    {
        "Add", "Insert", "Enqueue", "Push", "TryAdd", "AddOrUpdate", "GetOrAdd", "TryUpdate", "AddFirst", "AddLast",
        "AddBefore", "AddAfter", "SetValue", "SetResult", "TrySetResult", "Post", "TryWrite", "WriteAsync",
        "FromResult", "Exchange", "CompareExchange", "AddRange", "InsertRange", "EnqueueRange", "PushRange", "UnionWith",
    };

    /// <summary>LINQ operators whose result holds the elements of their source (or the element appended).</summary>
    private static readonly HashSet<string> SequenceOperators = new(StringComparer.Ordinal)
    {
        "ToArray", "ToList", "ToHashSet", "AsEnumerable", "Cast", "OfType", "Where", "Concat", "Append", "Prepend",
        "Union", "Distinct", "Reverse", "Take", "Skip", "TakeWhile", "SkipWhile", "TakeLast", "SkipLast",
        "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "DefaultIfEmpty", "Chunk",
        "ToImmutableArray", "ToImmutableList", "ToImmutableHashSet", "ToFrozenSet",
    };

    /// <summary>Methods that return an element kept in a collection.</summary>
    public static readonly HashSet<string> CollectionReads = new(StringComparer.Ordinal)
    {
        "Dequeue", "Pop", "Peek", "First", "FirstOrDefault", "Last", "LastOrDefault", "ElementAt",
        "ElementAtOrDefault", "Single", "SingleOrDefault", "GetValueOrDefault", "Take",
    };

    /// <summary>Methods that hand out an element kept in a collection through an <c>out</c> parameter.</summary>
    public static readonly HashSet<string> CollectionTryReads = new(StringComparer.Ordinal)
    {
        "TryDequeue", "TryTake", "TryPop", "TryPeek", "TryGetValue", "TryRemove",
    };

    /// <summary><c>Interlocked.Exchange</c> / <c>CompareExchange</c>, <c>Volatile.Write</c>: a store into their <c>ref</c> location.</summary>
    public static bool IsAtomicStore(IMethodSymbol callee)
        => callee.ContainingType is { ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } type
           && ((type.Name == "Interlocked" && callee.Name is "Exchange" or "CompareExchange")
               || (type.Name == "Volatile" && callee.Name == "Write"));

    /// <summary>A BCL API that runs a delegate later: <c>Task.Run</c>, <c>ThreadPool.QueueUserWorkItem</c>, <c>new Timer</c>, ...</summary>
    public static bool IsScheduler(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        if (ns != "System.Threading" && ns != "System.Threading.Tasks" && ns != "System.Runtime.CompilerServices")
        {
            return false;
        }

        if (method.MethodKind == MethodKind.Constructor)
        {
            return type.Name is "Thread" or "Timer" or "Task";
        }

        return method.Name is "Run" or "StartNew" or "ContinueWith" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem"
            or "RegisterWaitForSingleObject" or "UnsafeRegisterWaitForSingleObject" or "Register" or "UnsafeRegister"
            or "Post" or "OnCompleted" or "UnsafeOnCompleted";
    }

    /// <summary>
    /// Whether a sequence (or element) passed as <paramref name="parameter"/> of <paramref name="method"/> ends up in
    /// its result: a LINQ or immutable-collection operator that keeps the elements (<c>ToList</c>, <c>Where</c>,
    /// <c>Concat</c>, <c>Append</c>, ...), or a BCL collection constructed from it (<c>new List&lt;T&gt;(items)</c>).
    /// </summary>
    public static bool IsSequenceOperator(IMethodSymbol method, IParameterSymbol parameter)
    {
        var type = method.ContainingType;
        var ns = type?.ContainingNamespace?.ToDisplayString();
        if (type is null || ns is null)
        {
            return false;
        }

        if (method.MethodKind == MethodKind.Constructor)
        {
            return ns is "System.Collections.Generic" or "System.Collections.Concurrent"
                   && parameter.Name == "collection";
        }

        return ns is "System.Linq" or "System.Collections.Immutable" or "System.Collections.Frozen"
               && method.IsStatic
               && SequenceOperators.Contains(method.Name)
               && parameter.Name is "source" or "first" or "second" or "element" or "items";
    }
}
