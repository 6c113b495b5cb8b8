using System;
using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.FinishLifetime;

/// <summary>
/// The operation walks behind NTF002: from a use of a finish value (or of a delegate that captures one) up to
/// the operation that consumes it, accepting only the sanctioned consumptions and naming the escaping ones.
/// Every method returns a passive phrase ("stored in the field '_last'") or null when the use stays inside
/// the list or cannot be proved to leave it.
/// </summary>
internal sealed class FinishFlow
{
    private const int MaxDepth = 3;

    private static readonly HashSet<string> StoringMethods = new(StringComparer.Ordinal)
    {
        "Add", "Insert", "Enqueue", "Push", "TryAdd", "AddOrUpdate", "GetOrAdd", "TryUpdate", "AddFirst", "AddLast",
        "AddBefore", "AddAfter", "SetValue", "SetResult", "TrySetResult", "Post", "TryWrite", "WriteAsync",
        "FromResult", "Exchange", "CompareExchange",
    };

    private static readonly HashSet<string> CollectionReads = new(StringComparer.Ordinal)
    {
        "Dequeue", "Pop", "Peek", "First", "FirstOrDefault", "Last", "LastOrDefault", "ElementAt",
        "ElementAtOrDefault", "Single", "SingleOrDefault", "GetValueOrDefault", "Take",
    };

    private static readonly HashSet<string> CollectionTryReads = new(StringComparer.Ordinal)
    {
        "TryDequeue", "TryTake", "TryPop", "TryPeek", "TryGetValue", "TryRemove",
    };

    private readonly NotifierTypes _types;
    private readonly TypeBodies? _bodies;

    public FinishFlow(NotifierTypes types, TypeBodies? bodies)
    {
        _types = types;
        _bodies = bodies;
    }

    public NotifierTypes Types => _types;

    /// <summary>Whether the member is part of the two-pass list (a start or finish override, or one of their helpers).</summary>
    public bool IsInList(ISymbol member)
        => _bodies is not null && (_bodies.MembershipOf(member) & (CallbackKind.InvalidateStart | CallbackKind.InvalidateFinish)) != 0;

    /// <summary>Whether a finish created in the member is created inside the start (or a helper of it).</summary>
    public bool IsInStart(ISymbol member)
        => _bodies is not null && (_bodies.MembershipOf(member) & CallbackKind.InvalidateStart) != 0;

    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>Climbs from a value through the operations that pass it on unchanged (conversions, ?:, ??).</summary>
    public static (IOperation? Consumer, IOperation Child) Climb(IOperation value)
    {
        var child = value;
        var parent = value.Parent;
        while (parent is not null)
        {
            switch (parent)
            {
                case IConversionOperation:
                case IParenthesizedOperation:
                case IDelegateCreationOperation:
                    break;
                case IConditionalOperation conditional when conditional.Condition != child:
                    break;
                case ICoalesceOperation:
                    break;
                case ISwitchExpressionArmOperation arm when arm.Value == child:
                    break;
                case ISwitchExpressionOperation switchExpression when switchExpression.Value != child:
                    break;
                case IArrayCreationOperation { IsImplicit: true }:
                case IArrayInitializerOperation { IsImplicit: true }:
                    // A params array: the consumer is the call.
                    break;
                default:
                    return (parent, child);
            }

            child = parent;
            parent = parent.Parent;
        }

        return (null, child);
    }

    /// <summary>Whether the receiver is a finish itself (writing a finish's own fields keeps the data in the list).</summary>
    public bool IsOwnedByFinish(IOperation? receiver)
    {
        if (receiver is null)
        {
            return false;
        }

        receiver = Unwrap(receiver);
        return receiver switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation
                or IObjectCreationOperation or ITypeParameterObjectCreationOperation => _types.IsFinishType(receiver.Type),
            _ => false,
        };
    }

    private static bool IsLocalStruct(IOperation? receiver)
        => receiver is not null
           && Unwrap(receiver) is ILocalReferenceOperation { Type.IsValueType: true };

    /// <summary>What storing into <paramref name="target"/> means, or null when the target is a local or the finish's own state.</summary>
    public string? StoreTarget(IOperation target)
    {
        target = Unwrap(target);
        switch (target)
        {
            case IFieldReferenceOperation field:
                if (!field.Field.IsStatic && (IsOwnedByFinish(field.Instance) || IsLocalStruct(field.Instance)))
                {
                    return null;
                }

                return (field.Field.IsStatic ? "stored in the static field '" : "stored in the field '") + field.Field.Name + "'";
            case IPropertyReferenceOperation property:
                if (!property.Arguments.IsEmpty || property.Property.IsIndexer)
                {
                    return "stored in a collection through the indexer of '" + TypeName(property.Property.ContainingType) + "'";
                }

                if (!property.Property.IsStatic && IsOwnedByFinish(property.Instance))
                {
                    return null;
                }

                return (property.Property.IsStatic ? "stored in the static property '" : "stored in the property '") + property.Property.Name + "'";
            case IArrayElementReferenceOperation:
                return "stored in an array element";
            default:
                return null;
        }
    }

    /// <summary>
    /// Where a finish value flows from its use <paramref name="use"/> inside <paramref name="body"/>: a passive phrase
    /// when it leaves the list, null otherwise. Returns are never escapes: the value goes back to the caller, whose
    /// own use is judged there (an in-list helper may hand the finish back).
    /// </summary>
    public string? FinishEscape(IOperation use, MethodBody? body, int depth) => FinishEscape(use, body, depth, out _);

    /// <summary>As above, with the operation to report at: the capture, the assignment or the call.</summary>
    public string? FinishEscape(IOperation use, MethodBody? body, int depth, out IOperation at)
    {
        at = use;
        if (depth > MaxDepth)
        {
            return null;
        }

        if (use is ILocalReferenceOperation or IParameterReferenceOperation)
        {
            var capture = CaptureEscape(use, body, depth);
            if (capture is not null)
            {
                return capture;
            }
        }

        var (consumer, child) = Climb(use);
        switch (consumer)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                at = assignment;
                return StoreTarget(assignment.Target) is { } stored ? LocalObjectEscape(assignment.Target, stored, body, depth) : null;
            case ICoalesceAssignmentOperation assignment when assignment.Value == child:
                at = assignment;
                return StoreTarget(assignment.Target) is { } coalesced ? LocalObjectEscape(assignment.Target, coalesced, body, depth) : null;
            case IArgumentOperation argument when argument.Value == child && argument.Parameter is { RefKind: not RefKind.Out }:
                at = argument.Parent ?? argument;
                return ArgumentEscape(argument, body, depth, isDelegate: false);
            case IArrayInitializerOperation { Parent: IArrayCreationOperation array }:
            {
                // An array made here is judged by where the array goes (a local array dies with the pass).
                var escape = FinishEscape(array, body, depth + 1, out at);
                return escape is null ? null : "put in an array that is " + escape;
            }

            default:
                return null;
        }
    }

    private string? ArgumentEscape(IArgumentOperation argument, MethodBody? body, int depth, bool isDelegate)
    {
        var parameter = argument.Parameter;
        IMethodSymbol? callee = argument.Parent switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        };
        if (callee is null || parameter is null)
        {
            return null;
        }

        if (NotifierTypes.Is(callee, _types.PoolReturn) || NotifierTypes.Is(callee, _types.PoolTryRent)
            || NotifierTypes.Is(callee, _types.InvalidateFinish) || _types.GetCallbackKind(callee) == CallbackKind.InvalidateFinish
            || callee.MethodKind == MethodKind.LocalFunction || callee.MethodKind == MethodKind.AnonymousFunction
            || callee.MethodKind == MethodKind.DelegateInvoke)
        {
            return null;
        }

        if (_bodies is not null
            && SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition))
        {
            if (_bodies.MembershipOf(callee) != CallbackKind.None || callee.IsAbstract || callee.IsVirtual || callee.IsOverride)
            {
                return null;
            }

            var calleeBody = FindBody(callee);
            var calleeParameter = calleeBody is null ? null : FindParameter(calleeBody, parameter);
            if (calleeBody is null || calleeParameter is null)
            {
                return null;
            }

            foreach (var operation in calleeBody.Operations())
            {
                if (operation is IParameterReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Parameter, calleeParameter))
                {
                    var escape = isDelegate ? DelegateEscape(reference, calleeBody, depth + 1) : FinishEscape(reference, calleeBody, depth + 1);
                    if (escape is not null)
                    {
                        return "passed to '" + callee.Name + "', where it is " + escape;
                    }
                }
            }

            return null;
        }

        if (_types.IsPoolType(callee.ContainingType))
        {
            return null;
        }

        if ((isDelegate || string.Equals(parameter.Name, "state", StringComparison.Ordinal))
            && (IsWaitedAtOnce(argument.Parent) || IsJoinedBeforeReturn(callee, argument.Parent, body)))
        {
            return null; // Task.Run(...).Wait(), Task.WaitAll(tasks), a disposed registration: the work ends before the pass does
        }

        if (isDelegate && IsScheduler(callee))
        {
            return "passed to '" + CalleeName(callee) + "', which runs it later";
        }

        var isAtomicStore = IsAtomicStore(callee);
        if (callee.MethodKind == MethodKind.Ordinary && (StoringMethods.Contains(callee.Name) || isAtomicStore)
            && !(isAtomicStore && parameter.Name != "value")
            && parameter.Name != "comparisonValue"
            && !StoresIntoLocal(argument.Parent, body, isAtomicStore))
        {
            return "stored through '" + TypeName(callee.ContainingType) + "." + callee.Name + "'";
        }

        if (!isDelegate && string.Equals(parameter.Name, "state", StringComparison.Ordinal))
        {
            return "passed as the state of '" + CalleeName(callee) + "', which hands it to a callback that runs later";
        }

        return null;
    }

    /// <summary>
    /// Whether the handle that a scheduling call returns may be waited for (or its callback unregistered) before the
    /// method returns, so that the scheduled work cannot be proved to outlive the pass: a task kept in a local that
    /// is read again, passed on (<c>Task.WaitAll(...)</c>, a list of tasks) or returned from a lambda
    /// (<c>gpus.Select(g => Task.Run(...))</c>); a thread kept in a local that is joined; a
    /// <c>CancellationToken.Register</c> registration disposed by <c>using</c> or <c>Dispose()</c> (disposing it waits
    /// for a callback in flight). A task that is discarded, stored in a field, or added to a field's collection is lost.
    /// </summary>
    private bool IsJoinedBeforeReturn(IMethodSymbol callee, IOperation? call, MethodBody? body)
    {
        if (call is null)
        {
            return false;
        }

        if (callee.Name is "Register" or "UnsafeRegister")
        {
            return IsDisposedHere(call, body);
        }

        var isTask = callee.MethodKind == MethodKind.Constructor
            ? callee.ContainingType?.Name == "Task"
            : callee.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" };
        var isThread = callee.MethodKind == MethodKind.Constructor && callee.ContainingType?.Name == "Thread";
        if (!isTask && !isThread)
        {
            return false;
        }

        var (consumer, child) = ClimbHandle(call);
        switch (consumer)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return LocalIsUsed(declarator.Symbol, body, isThread ? "Join" : null);
            case ISimpleAssignmentOperation assignment when assignment.Value == child
                                                           && Unwrap(assignment.Target) is ILocalReferenceOperation local:
                return LocalIsUsed(local.Local, body, isThread ? "Join" : null);
            case IArgumentOperation handed when isTask:
                // Task.WaitAll(t), tasks.Add(t) on a local list...; a field's collection keeps it.
                return !(handed.Parent is IInvocationOperation { Instance: { } receiver } invocation
                         && StoringMethods.Contains(invocation.TargetMethod.Name)
                         && StoreTarget(receiver) is not null);
            case IReturnOperation when isTask:
                return OperationFacts.IsInsideFunction(consumer);
            default:
                return false;
        }
    }

    /// <summary><c>Interlocked.Exchange</c> / <c>CompareExchange</c>, <c>Volatile.Write</c>: a store into their <c>ref</c> location.</summary>
    private static bool IsAtomicStore(IMethodSymbol callee)
        => callee.ContainingType is { ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } type
           && ((type.Name == "Interlocked" && callee.Name is "Exchange" or "CompareExchange")
               || (type.Name == "Volatile" && callee.Name == "Write"));

    /// <summary>
    /// Whether a storing call keeps the finish only in something local to the pass: an atomic store into a local
    /// or into the finish's own field, or <c>Add</c>/<c>Enqueue</c>/... on a local collection created in the method
    /// (like a local array, it dies with the pass unless it goes somewhere else, which is not followed).
    /// </summary>
    private bool StoresIntoLocal(IOperation? call, MethodBody? body, bool isAtomicStore)
    {
        if (call is not IInvocationOperation invocation)
        {
            return false;
        }

        if (isAtomicStore)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { RefKind: RefKind.Ref } && argument.Value is not null)
                {
                    return StoreTarget(argument.Value) is null && Unwrap(argument.Value) is ILocalReferenceOperation or IFieldReferenceOperation;
                }
            }

            return false;
        }

        if (invocation.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            // A collection initializer: '{ f }' adds to the collection being created; judge where that goes.
            for (var parent = invocation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IObjectCreationOperation creation)
                {
                    return FinishEscape(creation, body, MaxDepth) is null && Climb(creation).Consumer is IVariableInitializerOperation;
                }
            }

            return false;
        }

        return invocation.Instance is not null && Unwrap(invocation.Instance) is ILocalReferenceOperation local
               && IsLocalCollection(local.Local, body) && LocalEscape(local.Local, body, MaxDepth - 1) is null;
    }

    /// <summary>
    /// A store into a field or property of an object made in the pass (a local that only ever holds new objects, or
    /// the object of an object initializer) is judged by where that object goes; any other store is <paramref name="stored"/>.
    /// </summary>
    private string? LocalObjectEscape(IOperation target, string stored, MethodBody? body, int depth)
    {
        var instance = Unwrap(target) switch
        {
            IFieldReferenceOperation { Field.IsStatic: false } field => field.Instance,
            IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false } property => property.Instance,
            _ => null,
        };
        if (instance is null || body is null)
        {
            return stored;
        }

        instance = Unwrap(instance);
        if (instance is ILocalReferenceOperation local && IsLocalCollection(local.Local, body))
        {
            var escape = LocalEscape(local.Local, body, depth + 1);
            return escape is null ? null : stored + " of a local object that is " + escape;
        }

        if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            for (var parent = target.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IObjectCreationOperation creation)
                {
                    var escape = FinishEscape(creation, body, depth + 1);
                    if (escape is null && Climb(creation).Consumer is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                    {
                        escape = LocalEscape(declarator.Symbol, body, depth + 1);
                    }

                    return escape is null ? null : stored + " of a new object that is " + escape;
                }
            }
        }

        return stored;
    }

    /// <summary>Where a local holding an object made in the pass goes: the first escaping read of it, or null.</summary>
    private string? LocalEscape(ILocalSymbol local, MethodBody? body, int depth)
    {
        if (body is null || depth > MaxDepth)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && !IsWriteTarget(reference))
            {
                var escape = CaptureEscape(reference, body, depth) ?? FinishEscape(reference, body, depth);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    /// <summary>Whether every value the local ever holds is a collection created in the method.</summary>
    private static bool IsLocalCollection(ILocalSymbol local, MethodBody? body)
    {
        if (body is null || local.IsRef)
        {
            return false;
        }

        var writes = 0;
        foreach (var operation in body.Operations())
        {
            IOperation? value = operation switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    => declarator.Initializer?.Value ?? (IOperation)declarator,
                ISimpleAssignmentOperation assignment when Unwrap(assignment.Target) is ILocalReferenceOperation target
                                                           && SymbolEqualityComparer.Default.Equals(target.Local, local)
                    => assignment.Value,
                _ => null,
            };
            if (value is null || value is IVariableDeclaratorOperation)
            {
                continue; // a declaration without initializer
            }

            value = Unwrap(value);
            if (value is not (IObjectCreationOperation or IArrayCreationOperation) && value.Kind.ToString() != "CollectionExpression")
            {
                return false;
            }

            writes++;
        }

        return writes > 0;
    }

    /// <summary>Climbs from a handle through conversions and array or collection initializers.</summary>
    private static (IOperation? Consumer, IOperation Child) ClimbHandle(IOperation value)
    {
        while (true)
        {
            var (consumer, child) = Climb(value);
            switch (consumer)
            {
                case IArrayInitializerOperation initializer:
                    var top = (IOperation)initializer;
                    while (top.Parent is IArrayInitializerOperation)
                    {
                        top = top.Parent;
                    }

                    if (top.Parent is IArrayCreationOperation array)
                    {
                        value = array;
                        continue;
                    }

                    return (consumer, child);
                case IArgumentOperation or IReturnOperation or IExpressionStatementOperation or null:
                    return (consumer, child);
                default:
                    // A params collection (implicit) or a collection expression '[t1, t2]' (newer compilers): go on.
                    if (consumer.IsImplicit || consumer.Kind.ToString() == "CollectionExpression")
                    {
                        value = consumer;
                        continue;
                    }

                    return (consumer, child);
            }
        }
    }

    /// <summary>Whether <paramref name="local"/> is read somewhere in the body (with <paramref name="method"/>: called that method on).</summary>
    private static bool LocalIsUsed(ILocalSymbol local, MethodBody? body, string? method)
    {
        if (body is null)
        {
            return true;
        }

        foreach (var operation in body.Operations())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && !IsWriteTarget(reference))
            {
                if (method is null || reference.Parent is IInvocationOperation { TargetMethod.Name: var name } && name == method)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether the value of <paramref name="call"/> is a <c>using</c> resource, or kept in a local that is disposed.</summary>
    private static bool IsDisposedHere(IOperation call, MethodBody? body)
    {
        var (consumer, child) = Climb(call);
        switch (consumer)
        {
            case IUsingOperation:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                for (var parent = declarator.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is IUsingOperation or IUsingDeclarationOperation)
                    {
                        return true;
                    }

                    if (parent is not (IVariableDeclarationOperation or IVariableDeclarationGroupOperation))
                    {
                        break;
                    }
                }

                return LocalIsUsed(declarator.Symbol, body, "Dispose");
            case ISimpleAssignmentOperation assignment when assignment.Value == child
                                                           && Unwrap(assignment.Target) is ILocalReferenceOperation local:
                return LocalIsUsed(local.Local, body, "Dispose");
            default:
                return false;
        }
    }

    /// <summary>Whether the task a call returns is waited for at once (<c>.Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>, <c>await</c>).</summary>
    private static bool IsWaitedAtOnce(IOperation? call)
    {
        var parent = call?.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IInvocationOperation { TargetMethod.Name: "Wait" } => true,
            IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter
                => awaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" },
            IPropertyReferenceOperation { Property.Name: "Result" } => true,
            IAwaitOperation => true,
            _ => false,
        };
    }

    /// <summary>
    /// When <paramref name="call"/> calls a method of this type that returns a delegate capturing one of its
    /// finish parameters, and the delegate the call returns escapes from <paramref name="body"/>, the phrase for it.
    /// </summary>
    public string? ReturnedCaptureEscape(IInvocationOperation call, MethodBody body)
    {
        var callee = call.TargetMethod;
        if (_bodies is null || callee.ReturnType.TypeKind != TypeKind.Delegate
            || !SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, _bodies.Type.OriginalDefinition))
        {
            return null;
        }

        var passesFinish = false;
        foreach (var argument in call.Arguments)
        {
            passesFinish |= argument.Value is not null && _types.IsFinishType(Unwrap(argument.Value).Type);
        }

        var calleeBody = passesFinish ? FindBody(callee) : null;
        if (calleeBody is null || !ReturnsCapturingDelegate(calleeBody))
        {
            return null;
        }

        var escape = DelegateEscape(call, body, 1);
        return escape is null ? null : "captured by a lambda that '" + callee.Name + "' returns, which is " + escape;
    }

    private bool ReturnsCapturingDelegate(MethodBody body)
    {
        foreach (var operation in body.Operations())
        {
            if (operation is not IReturnOperation { ReturnedValue: { } value } || OperationFacts.IsInsideFunction(operation))
            {
                continue;
            }

            value = Unwrap(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = creation.Target;
            }

            if (value is IAnonymousFunctionOperation lambda)
            {
                foreach (var inner in lambda.Descendants())
                {
                    if (inner is IParameterReferenceOperation reference && _types.IsFinishType(reference.Type)
                        && !IsDeclaredInside(reference.Parameter, lambda.Syntax))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private MethodBody? FindBody(IMethodSymbol method)
    {
        if (_bodies is null)
        {
            return null;
        }

        foreach (var body in _bodies.Bodies)
        {
            if (SymbolEqualityComparer.Default.Equals(TypeBodies.Key(body.Owner), TypeBodies.Key(method)))
            {
                return body;
            }
        }

        return null;
    }

    private static IParameterSymbol? FindParameter(MethodBody body, IParameterSymbol parameter)
        => body.Owner is IMethodSymbol method && parameter.Ordinal < method.Parameters.Length
            ? method.Parameters[parameter.Ordinal]
            : null;

    /// <summary>
    /// When <paramref name="reference"/> is a capture inside a lambda or local function of <paramref name="body"/> that
    /// escapes, the phrase for it.
    /// </summary>
    public string? CaptureEscape(IOperation reference, MethodBody? body, int depth)
    {
        var symbol = reference switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (symbol is null)
        {
            return null;
        }

        for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            string? escape = null;
            string what;
            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    if (IsDeclaredInside(symbol, lambda.Syntax))
                    {
                        return null;
                    }

                    what = "a lambda";
                    escape = DelegateEscape(lambda, body, depth + 1);
                    break;
                case ILocalFunctionOperation localFunction:
                    if (IsDeclaredInside(symbol, localFunction.Syntax))
                    {
                        return null;
                    }

                    what = "the local function '" + localFunction.Symbol.Name + "'";
                    escape = LocalFunctionEscape(localFunction.Symbol, body, depth + 1);
                    break;
                default:
                    continue;
            }

            if (escape is not null)
            {
                return "captured by " + what + " that is " + escape;
            }
        }

        return null;
    }

    private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode function)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == function.SyntaxTree && function.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    private string? LocalFunctionEscape(IMethodSymbol localFunction, MethodBody? body, int depth)
    {
        if (body is null)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            if (operation is IMethodReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction.OriginalDefinition))
            {
                var escape = DelegateEscape(reference, body, depth);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    /// <summary>Where a delegate (a lambda, a method group, or a use of a local holding one) goes.</summary>
    public string? DelegateEscape(IOperation function, MethodBody? body, int depth)
    {
        if (depth > MaxDepth + 1)
        {
            return null;
        }

        var (consumer, child) = Climb(function);
        switch (consumer)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                if (Unwrap(assignment.Target) is ILocalReferenceOperation local)
                {
                    return LocalDelegateEscape(local.Local, body, depth);
                }

                return StoreTarget(assignment.Target);
            case ICoalesceAssignmentOperation assignment when assignment.Value == child:
                return StoreTarget(assignment.Target);
            case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                return LocalDelegateEscape(declarator.Symbol, body, depth);
            case IEventAssignmentOperation { Adds: true } eventAssignment when eventAssignment.HandlerValue == child:
                return eventAssignment.EventReference is IEventReferenceOperation eventReference
                    ? "subscribed to the event '" + eventReference.Event.Name + "'"
                    : "subscribed to an event";
            case IReturnOperation:
                // Back to the caller, whose use of the delegate is judged at the call (ReturnedCaptureEscape).
                return null;
            case IArgumentOperation argument when argument.Value == child:
                return ArgumentEscape(argument, body, depth, isDelegate: true);
            case ICompoundAssignmentOperation compound when compound.Value == child:
                return StoreTarget(compound.Target);
            default:
                return null;
        }
    }

    private string? LocalDelegateEscape(ILocalSymbol local, MethodBody? body, int depth)
    {
        if (body is null || depth > MaxDepth)
        {
            return null;
        }

        foreach (var operation in body.Operations())
        {
            if (operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && !IsWriteTarget(reference))
            {
                var escape = CaptureEscape(reference, body, depth + 1) ?? DelegateEscape(reference, body, depth + 1);
                if (escape is not null)
                {
                    return escape;
                }
            }
        }

        return null;
    }

    public static bool IsWriteTarget(IOperation reference)
        => reference.Parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == reference,
            ICompoundAssignmentOperation assignment => assignment.Target == reference,
            ICoalesceAssignmentOperation assignment => assignment.Target == reference,
            IDeconstructionAssignmentOperation => true,
            IArgumentOperation { Parameter.RefKind: RefKind.Out } => true,
            _ => false,
        };

    /// <summary>
    /// When the value handed out through the start's <c>out finish</c> (or an in-list helper's return or out
    /// parameter) outlives the invocation, a phrase naming where it lives; null otherwise.
    /// </summary>
    public string? LongLived(IOperation value, MethodBody body, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        value = Unwrap(value);
        switch (value)
        {
            case IConditionalOperation conditional:
                return (conditional.WhenTrue is null ? null : LongLived(conditional.WhenTrue, body, depth + 1))
                       ?? (conditional.WhenFalse is null ? null : LongLived(conditional.WhenFalse, body, depth + 1));
            case ICoalesceOperation coalesce:
                return LongLived(coalesce.Value, body, depth + 1) ?? LongLived(coalesce.WhenNull, body, depth + 1);
            case IFieldReferenceOperation field when _types.IsFinishType(field.Type):
                if (!field.Field.IsStatic && IsOwnedByFinish(field.Instance))
                {
                    return null;
                }

                return (field.Field.IsStatic ? "the static field '" : "the field '") + field.Field.Name + "'";
            case IPropertyReferenceOperation property when _types.IsFinishType(property.Type):
                if (!property.Arguments.IsEmpty || property.Property.IsIndexer)
                {
                    return "an element read from a collection";
                }

                if (IsAutoProperty(property.Property) && !IsOwnedByFinish(property.Instance))
                {
                    return "the property '" + property.Property.Name + "'";
                }

                return null;
            case IArrayElementReferenceOperation:
                return "an array element";
            case IInvocationOperation invocation when CollectionReads.Contains(invocation.TargetMethod.Name)
                                                      && !_types.IsPoolType(invocation.TargetMethod.ContainingType):
                return "an element read from a collection";
            case ILocalReferenceOperation local:
                return LocalLongLived(local.Local, body, depth + 1);
            default:
                return null;
        }
    }

    private string? LocalLongLived(ILocalSymbol local, MethodBody body, int depth)
    {
        foreach (var operation in body.Operations())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator
                    when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && declarator.Initializer is not null:
                {
                    var found = LongLived(declarator.Initializer.Value, body, depth);
                    if (found is not null)
                    {
                        return found;
                    }

                    break;
                }

                case ISimpleAssignmentOperation assignment
                    when Unwrap(assignment.Target) is ILocalReferenceOperation target
                         && SymbolEqualityComparer.Default.Equals(target.Local, local):
                {
                    var found = LongLived(assignment.Value, body, depth);
                    if (found is not null)
                    {
                        return found;
                    }

                    break;
                }

                case IArgumentOperation { Parameter.RefKind: RefKind.Out } argument
                    when argument.Parent is IInvocationOperation invocation
                         && CollectionTryReads.Contains(invocation.TargetMethod.Name)
                         && !_types.IsPoolType(invocation.TargetMethod.ContainingType)
                         && RefersTo(argument.Value, local):
                    return "an element read from a collection";
            }
        }

        return null;
    }

    private static bool RefersTo(IOperation value, ILocalSymbol local)
        => Unwrap(value) switch
        {
            ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
            IDeclarationExpressionOperation declaration => declaration.Expression is ILocalReferenceOperation reference
                                                           && SymbolEqualityComparer.Default.Equals(reference.Local, local),
            _ => false,
        };

    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsIndexer || property.IsAbstract || property.DeclaringSyntaxReferences.IsEmpty)
        {
            return false;
        }

        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors })
            {
                return false;
            }

            foreach (var accessor in accessors.Accessors)
            {
                if (accessor.Body is not null || accessor.ExpressionBody is not null)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsScheduler(IMethodSymbol method)
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

    private static string TypeName(ITypeSymbol? type) => type?.Name ?? "?";

    private static string CalleeName(IMethodSymbol method)
        => method.MethodKind == MethodKind.Constructor
            ? "new " + TypeName(method.ContainingType)
            : TypeName(method.ContainingType) + "." + method.Name;
}
