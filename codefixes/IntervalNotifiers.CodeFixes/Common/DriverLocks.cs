using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// The driver lock a fix takes (docs/contract.md#locks): the field or property the ops type holds around
/// <c>SetSequence</c>, written as code at the place of the edit writes it, and the calls that take and give back a lock
/// of its type. Shared by NTF008's fix (the new <c>SetSequence</c> goes under the lock) and NTF010's (the check and the
/// commit go under it).
/// </summary>
internal static class DriverLocks
{
    /// <summary>
    /// The field or property called <paramref name="memberName"/> that <paramref name="expression"/> names at
    /// <paramref name="position"/>, and how to write it there: as given, else through <c>this.</c> or its type's name
    /// when a local or parameter of the same name hides it; null when it names no such member there, or when it is an
    /// instance member and code at <paramref name="position"/> has no <c>this</c>.
    /// </summary>
    public static (ISymbol Member, string Written)? WriteAt(SemanticModel model, int position, string expression, string memberName)
    {
        var written = expression;
        var member = Bind(model, position, written, memberName);
        if (member is null && Qualified(model, position, memberName) is { } qualified)
        {
            written = qualified;
            member = Bind(model, position, written, memberName);
        }

        if (member is null || (!member.IsStatic && !InstanceReachable(model, position)))
        {
            return null;
        }

        return (member, written);
    }

    /// <summary>The type of the field or property <paramref name="member"/>, when it is a reference type (a lock can be taken on it).</summary>
    public static ITypeSymbol? LockableType(ISymbol member)
    {
        var type = member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        return type is { IsReferenceType: true } ? type : null;
    }

    /// <summary>The System.Threading lock type <paramref name="type"/> is or derives from (<c>SemaphoreSlim</c>, <c>Lock</c>, <c>ReaderWriterLockSlim</c>), else null.</summary>
    public static string? LockTypeOf(ITypeSymbol type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (t.ContainingNamespace?.ToDisplayString() == "System.Threading"
                && t.Name is "SemaphoreSlim" or "Lock" or "ReaderWriterLockSlim")
            {
                return t.Name;
            }
        }

        return null;
    }

    /// <summary>
    /// The statements that take and give back the lock <paramref name="written"/> of type <paramref name="type"/> around a
    /// <c>try</c>/<c>finally</c>, at <paramref name="position"/>: <c>Wait</c> (or <c>await WaitAsync</c> in an async
    /// function) and <c>Release</c> for a <c>SemaphoreSlim</c>; <c>Enter</c>/<c>Exit</c> for a <c>Lock</c>;
    /// <c>EnterWriteLock</c>/<c>ExitWriteLock</c> for a <c>ReaderWriterLockSlim</c> (the write mode excludes every other
    /// holder, whichever mode the ops type takes); <c>Monitor.Enter</c>/<c>Exit</c> for any other object. Null when the
    /// region awaits and the lock is not a <c>SemaphoreSlim</c> (a lock must be released on the thread that took it).
    /// </summary>
    public static (string Acquire, string Release)? Pair(SemanticModel model, int position, ITypeSymbol type, string written,
                                                         bool regionAwaits, bool inAsyncFunction)
    {
        switch (LockTypeOf(type))
        {
            case "SemaphoreSlim":
                return (inAsyncFunction ? "await " + written + ".WaitAsync();" : written + ".Wait();", written + ".Release();");
            case "Lock" when !regionAwaits:
                return (written + ".Enter();", written + ".Exit();");
            case "ReaderWriterLockSlim" when !regionAwaits:
                return (written + ".EnterWriteLock();", written + ".ExitWriteLock();");
            case null when !regionAwaits:
                var monitor = MonitorName(model, position);
                return (monitor + ".Enter(" + written + ");", monitor + ".Exit(" + written + ");");
            default:
                return null;
        }
    }

    /// <summary>The field or property <paramref name="expression"/> names at <paramref name="position"/>, if it is called <paramref name="memberName"/>.</summary>
    private static ISymbol? Bind(SemanticModel model, int position, string expression, string memberName)
    {
        var parsed = SyntaxFactory.ParseExpression(expression);
        var symbol = model.GetSpeculativeSymbolInfo(position, parsed, SpeculativeBindingOption.BindAsExpression).Symbol;
        return symbol is IFieldSymbol or IPropertySymbol && symbol.Name == memberName ? symbol : null;
    }

    /// <summary>
    /// <paramref name="memberName"/> qualified with <c>this.</c> (an instance member) or its type's name (a static
    /// one), for the field or property of that name of the type enclosing <paramref name="position"/> or a base.
    /// </summary>
    private static string? Qualified(SemanticModel model, int position, string memberName)
    {
        for (var type = model.GetEnclosingSymbol(position)?.ContainingType; type is not null; type = type.BaseType)
        {
            var member = type.GetMembers(memberName).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);
            if (member is not null)
            {
                return (member.IsStatic ? member.ContainingType.ToMinimalDisplayString(model, position) : "this")
                       + "." + SyntaxHelpers.Escape(memberName);
            }
        }

        return null;
    }

    /// <summary>Whether code at <paramref name="position"/> has a <c>this</c>: no enclosing method, local function or lambda is static.</summary>
    private static bool InstanceReachable(SemanticModel model, int position)
    {
        for (var symbol = model.GetEnclosingSymbol(position); symbol is not null and not INamedTypeSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol.IsStatic)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>Monitor</c> when that name means System.Threading.Monitor at <paramref name="position"/>, else a qualified name.</summary>
    private static string MonitorName(SemanticModel model, int position)
    {
        var found = model.LookupNamespacesAndTypes(position, name: "Monitor");
        if (found.Length == 1 && found[0] is INamedTypeSymbol { ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Threading")
        {
            return "Monitor";
        }

        var system = model.LookupNamespacesAndTypes(position, name: "System");
        return system.Length == 1 && system[0] is INamespaceSymbol { ContainingNamespace.IsGlobalNamespace: true }
            ? "System.Threading.Monitor"
            : "global::System.Threading.Monitor";
    }
}
