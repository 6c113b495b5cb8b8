namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// How a finish leaves the two-pass list (docs/rules/NTF002.md): the outermost step of an <see cref="Escape"/>.
/// The analyzer picks its advice by this kind, and reports it in the diagnostic property
/// <see cref="FinishLifetimeAnalyzer.EscapeKindKey"/> (the name of the member).
/// </summary>
internal enum EscapeKind
{
    /// <summary>Assigned to an instance field: <c>_last = f</c>.</summary>
    Field,

    /// <summary>Assigned to a static field.</summary>
    StaticField,

    /// <summary>Assigned to an instance property.</summary>
    Property,

    /// <summary>Assigned to a static property.</summary>
    StaticProperty,

    /// <summary>Assigned through an indexer: <c>_byEngine[e] = f</c>.</summary>
    Indexer,

    /// <summary>Assigned to an array element.</summary>
    ArrayElement,

    /// <summary>Handed to a known storing API: <c>Add</c>, <c>Enqueue</c>, <c>Interlocked.Exchange</c>, <c>SetResult</c>, ...</summary>
    StoringCall,

    /// <summary>Put in an array made here, which then escapes: <c>_batch = new[] { f }</c>.</summary>
    InEscapingArray,

    /// <summary>Stored in a field of an object (or collection) made here, which then escapes.</summary>
    InEscapingObject,

    /// <summary>Put in a tuple, or a struct's field, that then escapes: <c>_pending = (f, range.Start)</c>.</summary>
    InEscapingValue,

    /// <summary>Written through a <c>ref</c> local, a <c>ref</c> conditional or a ref-returning method that points at a field or array element.</summary>
    ThroughRef,

    /// <summary>Yielded by an iterator whose sequence (or its materialised copy) is then stored.</summary>
    InIteratorSequence,

    /// <summary>Passed to a sequence operator (<c>ToList</c>, <c>Concat</c>, <c>new List&lt;T&gt;(items)</c>) whose result then escapes.</summary>
    InOperatorResult,

    /// <summary>A delegate subscribed to an event (only inside a capture).</summary>
    SubscribedToEvent,

    /// <summary>A delegate handed to a scheduling API that runs it later (only inside a capture).</summary>
    Scheduled,

    /// <summary>Captured by a lambda that escapes.</summary>
    CapturedByLambda,

    /// <summary>Captured by a local function that escapes.</summary>
    CapturedByLocalFunction,

    /// <summary>Passed to a method of the type whose returned lambda captures it, and that lambda escapes.</summary>
    CapturedByReturnedLambda,

    /// <summary>Passed to a source method that keeps it.</summary>
    PassedToMethod,

    /// <summary>Passed as the <c>state</c> argument of an API that hands it to a callback later.</summary>
    PassedAsState,
}
