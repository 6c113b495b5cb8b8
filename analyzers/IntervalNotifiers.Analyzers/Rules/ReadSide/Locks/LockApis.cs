using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.ReadSide.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.ReadSide.Locks;

/// <summary>
/// The lock APIs of docs/contract.md#locks : which calls take a lock (<c>Monitor.Enter</c>,
/// <c>SemaphoreSlim.Wait</c>, <c>ReaderWriterLockSlim.Enter*Lock</c>, <c>Lock.Enter</c>...), which give one back, and
/// which field or property a lock expression names.
/// </summary>
internal sealed class LockApis
{
    // Each type is known by its metadata name (Speed/WellKnownType.cs).
    private readonly WellKnownType _monitor;
    private readonly WellKnownType _semaphoreSlim;
    private readonly WellKnownType _readerWriterLockSlim;
    private readonly WellKnownType _lock;
    private readonly INamedTypeSymbol _notifier;

    // The APIs that run a delegate on another thread, where no lock of the code that hands it over is held.
    private readonly WellKnownType _task;
    private readonly WellKnownType _taskFactory;
    private readonly WellKnownType _taskFactoryOfT;
    private readonly WellKnownType _threadPool;
    private readonly WellKnownType _thread;
    private readonly WellKnownType _timer;

    public LockApis(INamedTypeSymbol notifier)
    {
        _monitor = new WellKnownType("System.Threading.Monitor");
        _semaphoreSlim = new WellKnownType("System.Threading.SemaphoreSlim");
        _readerWriterLockSlim = new WellKnownType("System.Threading.ReaderWriterLockSlim");
        _lock = new WellKnownType("System.Threading.Lock");
        _notifier = notifier;
        _task = new WellKnownType("System.Threading.Tasks.Task");
        _taskFactory = new WellKnownType("System.Threading.Tasks.TaskFactory");
        _taskFactoryOfT = new WellKnownType("System.Threading.Tasks.TaskFactory`1");
        _threadPool = new WellKnownType("System.Threading.ThreadPool");
        _thread = new WellKnownType("System.Threading.Thread");
        _timer = new WellKnownType("System.Threading.Timer");
    }

    /// <summary>
    /// Whether <paramref name="function"/> is handed straight to an API that runs it on another thread
    /// (<c>Task.Run</c>, <c>TaskFactory.StartNew</c>, <c>ThreadPool.QueueUserWorkItem</c>, <c>new Thread(...)</c>,
    /// <c>new Timer(...)</c>): it starts with no lock held, whatever its creator holds (docs/contract.md#entry-points).
    /// </summary>
    public bool RunsOnAnotherThread(IAnonymousFunctionOperation function)
    {
        IOperation current = function;
        if (current.Parent is IDelegateCreationOperation creation)
        {
            current = creation;
        }

        while (current.Parent is IConversionOperation conversion)
        {
            current = conversion;
        }

        if (current.Parent is not IArgumentOperation argument)
        {
            return false;
        }

        switch (argument.Parent)
        {
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                var type = method.ContainingType?.OriginalDefinition;
                return (_task.Is(type) && method.Name == "Run")
                       || ((_taskFactory.Is(type) || _taskFactoryOfT.Is(type)) && method.Name == "StartNew")
                       || (_threadPool.Is(type) && method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem");
            case IObjectCreationOperation objectCreation:
                var created = objectCreation.Type?.OriginalDefinition as INamedTypeSymbol;
                return _thread.Is(created) || _timer.Is(created);
            default:
                return false;
        }
    }

    /// <summary>The lock a recognized release call gives back, or null when <paramref name="invocation"/> is none.</summary>
    public LockKey? Released(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (_monitor.Is(type) && method.Name == "Exit")
        {
            return FirstArgument(invocation) is { } locked ? KeyOf(locked) : null;
        }

        if (invocation.Instance is { } instance
            && ((_semaphoreSlim.Is(type) && method.Name == "Release")
                || (_readerWriterLockSlim.Is(type) && method.Name is "ExitReadLock" or "ExitWriteLock" or "ExitUpgradeableReadLock")
                || (_lock.Is(type) && method.Name == "Exit")))
        {
            return KeyOf(instance);
        }

        return null;
    }

    /// <summary>The lock a recognized acquisition takes, or null when <paramref name="invocation"/> is none.</summary>
    public LockKey? Acquired(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (_monitor.Is(type) && method.Name is "Enter" or "TryEnter")
        {
            return FirstArgument(invocation) is { } locked ? KeyOf(locked) : null;
        }

        if (invocation.Instance is not { } instance)
        {
            return null;
        }

        if ((_semaphoreSlim.Is(type) && method.Name is "Wait" or "WaitAsync")
            || (_readerWriterLockSlim.Is(type) && method.Name is "EnterReadLock" or "EnterWriteLock" or "EnterUpgradeableReadLock"
                or "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock")
            || (_lock.Is(type) && method.Name is "Enter" or "TryEnter" or "EnterScope"))
        {
            return KeyOf(instance);
        }

        return null;
    }

    /// <summary>A method of unknown kind whose name suggests it takes a lock or waits: the rule stays silent around it.</summary>
    public bool LooksLikeAcquire(IMethodSymbol method)
    {
        var name = method.Name;
        return (name.StartsWith("Enter", System.StringComparison.Ordinal)
                || name.StartsWith("TryEnter", System.StringComparison.Ordinal)
                || name.StartsWith("Acquire", System.StringComparison.Ordinal)
                || name.StartsWith("TryAcquire", System.StringComparison.Ordinal)
                || name.StartsWith("TryLock", System.StringComparison.Ordinal)
                || name.StartsWith("Wait", System.StringComparison.Ordinal)
                || name.IndexOf("Lock", System.StringComparison.Ordinal) >= 0)
               && !SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _notifier);
    }

    /// <summary>The lock of a <c>using</c> resource that is <c>Lock.EnterScope()</c>, or null.</summary>
    public LockKey? ScopeKeyOf(IOperation? resources)
    {
        if (resources is null)
        {
            return null;
        }

        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && invocation.Instance is { } instance
                && invocation.TargetMethod.Name == "EnterScope"
                && _lock.Is(invocation.TargetMethod.ContainingType?.OriginalDefinition))
            {
                return KeyOf(instance);
            }
        }

        return null;
    }

    /// <summary>The field or property a lock expression names (conversions stripped), else an unnamed key.</summary>
    public static LockKey KeyOf(IOperation expression)
    {
        var value = OperationFacts.StripConversions(expression);
        ISymbol? symbol = value switch
        {
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Arguments.IsEmpty: true } property => PropertyLockSymbol(property.Property),
            _ => null,
        };

        return new LockKey(symbol, symbol is null ? value.Syntax.ToString() : string.Empty);
    }

    /// <summary>
    /// The symbol a property lock expression names: an override names the property it overrides at the root (the
    /// same lock whichever static type the receiver has); an interface or abstract property names no lock of its
    /// own (any implementation may stand behind it), so it is unnamed.
    /// </summary>
    private static ISymbol? PropertyLockSymbol(IPropertySymbol property)
    {
        var root = property;
        for (var i = 0; i < 16 && root.OverriddenProperty is { } overridden; i++)
        {
            root = overridden;
        }

        if (root.IsAbstract || root.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return null;
        }

        return root.OriginalDefinition;
    }

    private static IOperation? FirstArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
