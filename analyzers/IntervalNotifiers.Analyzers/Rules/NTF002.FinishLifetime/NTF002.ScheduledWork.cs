using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static IntervalNotifiers.Analyzers.Rules.FinishLifetime.OperationShapes;

namespace IntervalNotifiers.Analyzers.Rules.FinishLifetime;

/// <summary>
/// Whether work scheduled from a pass (a task, a thread, a registration) provably ends before the pass does:
/// then what it captures does not outlive the pass.
/// </summary>
internal static class ScheduledWork
{
    /// <summary>
    /// Whether the handle that a scheduling call returns may be waited for (or its callback unregistered) before the
    /// method returns, so that the scheduled work cannot be proved to outlive the pass: a task kept in a local that
    /// is read again, passed on (<c>Task.WaitAll(...)</c>, a list of tasks) or returned from a lambda
    /// (<c>gpus.Select(g => Task.Run(...))</c>); a thread kept in a local that is joined; a
    /// <c>CancellationToken.Register</c> registration disposed by <c>using</c> or <c>Dispose()</c> (disposing it waits
    /// for a callback in flight). A task that is discarded, stored in a field, or added to a field's collection is lost.
    /// </summary>
    public static bool IsJoinedBeforeReturn(IMethodSymbol callee, IOperation? call, MethodBody? body, StoreTargets stores)
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
                         && KnownApis.StoringMethods.Contains(invocation.TargetMethod.Name)
                         && stores.StoreTarget(receiver) is not null);
            case IReturnOperation when isTask:
                return OperationFacts.IsInsideFunction(consumer);
            default:
                return false;
        }
    }

    /// <summary>Whether the task a call returns is waited for at once (<c>.Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>, <c>await</c>).</summary>
    public static bool IsWaitedAtOnce(IOperation? call)
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
}
