using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.CodeFixes;

public sealed partial class NTF004RemoveDeadInvalidateCodeFix
{
    /// <summary>How deep the start's calls into source methods are followed when collecting what it does.</summary>
    private const int FollowDepth = 3;

    /// <summary>
    /// Whether the start provably does everything the dead <paramref name="invalidate"/> would do: every effect of
    /// <paramref name="invalidate"/>'s body (a call, a write to state that outlives the call, an object created) can
    /// be named, and <paramref name="start"/> has the same effect on some path, directly or through the source methods
    /// it calls. False when the body cannot be read, or when any effect cannot be named or matched: then deleting the
    /// method would drop the only trace of work the start never does (its <c>SetSequence</c>, its device flush) and
    /// the warning with it.
    /// </summary>
    private static bool StartDoesWhatInvalidateDoes(Compilation compilation, IMethodSymbol invalidate, IMethodSymbol start,
                                                    CancellationToken cancellationToken)
    {
        if (BodyOf(compilation, invalidate, cancellationToken) is not { } invalidateBody)
        {
            return false;
        }

        var lost = new HashSet<string>(StringComparer.Ordinal);
        if (!EffectWalker.Collect(invalidateBody, Scope.Callback(invalidate), lost, requireNames: true))
        {
            return false; // an effect that cannot be named cannot be proved to be done elsewhere
        }

        if (lost.Count == 0)
        {
            return true;
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        CollectFollowing(compilation, start, Scope.Callback(start), done, visited, 0, cancellationToken);
        return lost.IsSubsetOf(done);
    }

    /// <summary>
    /// Adds what <paramref name="method"/> does to <paramref name="done"/>, and what the source methods it calls do
    /// (their parameters and <c>this</c> named as the caller passes them), to a bounded depth.
    /// </summary>
    private static void CollectFollowing(Compilation compilation, IMethodSymbol method, Scope scope, HashSet<string> done,
                                         HashSet<IMethodSymbol> visited, int depth, CancellationToken cancellationToken)
    {
        if (!visited.Add(method.OriginalDefinition) || BodyOf(compilation, method, cancellationToken) is not { } body)
        {
            return;
        }

        EffectWalker.Collect(body, scope, done, requireNames: false);
        if (depth >= FollowDepth)
        {
            return;
        }

        foreach (var call in body.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = call.TargetMethod;
            if (target.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction or MethodKind.DelegateInvoke)
            {
                continue; // local functions and lambdas are walked as part of the body that declares them
            }

            if (call.IsVirtual && !target.IsSealed && target.ContainingType is { IsSealed: false })
            {
                continue; // an override may run instead: this body is not provably what the call does
            }

            CollectFollowing(compilation, target, scope.Into(call), done, visited, depth + 1, cancellationToken);
        }
    }

    /// <summary>The operation of <paramref name="method"/>'s one body in <paramref name="compilation"/>, or null.</summary>
    private static IOperation? BodyOf(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (compilation.ContainsSyntaxTree(reference.SyntaxTree)
                && reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration
                && (declaration.Body is not null || declaration.ExpressionBody is not null))
            {
                return compilation.GetSemanticModel(reference.SyntaxTree).GetOperation(declaration, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>A symbol's name in an effect key: the same for every construction of a generic member.</summary>
    private static string IdOf(ISymbol symbol)
        => symbol.OriginalDefinition.GetDocumentationCommentId() ?? symbol.OriginalDefinition.ToDisplayString();

    /// <summary>
    /// How the objects a body touches are named in effect keys, so that the two callbacks' keys compare: <c>this</c>,
    /// a callback parameter by position (<c>notifier</c> is the same object in <c>Invalidate</c> and the start), and in
    /// a followed helper, its parameters as the caller's arguments.
    /// </summary>
    private sealed class Scope
    {
        private readonly IMethodSymbol _method;
        private readonly string? _this;
        private readonly string?[] _parameters;

        private Scope(IMethodSymbol method, string? self, string?[] parameters)
        {
            _method = method;
            _this = self;
            _parameters = parameters;
        }

        /// <summary>An ops callback: <c>this</c>, and its parameters by position.</summary>
        public static Scope Callback(IMethodSymbol callback)
            => new(callback, "this", callback.Parameters.Select(p => (string?)("param" + p.Ordinal)).ToArray());

        /// <summary>The scope of the method <paramref name="call"/> calls, seen from this one.</summary>
        public Scope Into(IInvocationOperation call)
        {
            var target = call.TargetMethod;
            var parameters = new string?[target.Parameters.Length];
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && parameter.Ordinal < parameters.Length
                    && argument.ArgumentKind == ArgumentKind.Explicit)
                {
                    parameters[parameter.Ordinal] = Name(argument.Value);
                }
            }

            return new Scope(target.OriginalDefinition, target.IsStatic ? null : Name(call.Instance), parameters);
        }

        /// <summary>
        /// The name of the object or storage <paramref name="operation"/> denotes, or null when it cannot be named the
        /// same way in another method (a local, an element of something unnamed, a call's result).
        /// </summary>
        public string? Name(IOperation? operation)
        {
            switch (operation)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return _this;
                case IParameterReferenceOperation parameter:
                    return SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, _method)
                           && parameter.Parameter.Ordinal < _parameters.Length
                        ? _parameters[parameter.Parameter.Ordinal]
                        : null;
                case IConversionOperation conversion:
                    return Name(conversion.Operand);
                case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol or IEventSymbol } member:
                    if (member is IPropertyReferenceOperation { Arguments.Length: > 0 })
                    {
                        return null; // an indexer: which element is not named
                    }

                    if (member.Member.IsStatic)
                    {
                        return IdOf(member.Member);
                    }

                    return Name(member.Instance) is { } owner ? owner + "." + IdOf(member.Member) : null;
                case IArrayElementReferenceOperation element:
                    return Name(element.ArrayReference) is { } array ? array + "[]" : null;
                default:
                    return null;
            }
        }

        /// <summary>Whether <paramref name="operation"/> is storage that dies with the call (a local, a by-value parameter, a discard).</summary>
        public bool IsOwnStorage(IOperation operation)
            => operation switch
            {
                ILocalReferenceOperation local => !local.Local.IsRef, // a ref local may alias a field
                IDeclarationExpressionOperation or IDiscardOperation => true,
                IParameterReferenceOperation parameter => parameter.Parameter.RefKind == RefKind.None,
                IConversionOperation conversion => IsOwnStorage(conversion.Operand),
                ITupleOperation tuple => tuple.Elements.All(IsOwnStorage),
                _ => false,
            };

        /// <summary>Whether <paramref name="operation"/> is a member of an object being initialized (<c>new T { X = 1 }</c>).</summary>
        public static bool OnObjectBeingInitialized(IOperation operation)
            => operation switch
            {
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } => true,
                IMemberReferenceOperation member => member.Instance is { } instance && OnObjectBeingInitialized(instance),
                IArrayElementReferenceOperation element => OnObjectBeingInitialized(element.ArrayReference),
                _ => false,
            };
    }

    /// <summary>
    /// Collects the effects of one body as keys: <c>call M on X [ref Y]</c>, <c>write Kind X</c>, <c>new C</c>.
    /// Reads, locals, throws and locks are no effect; neither are calls that change nothing (<c>Math</c>,
    /// <c>Debug</c>, argument-check helpers) nor the creation of an exception.
    /// </summary>
    private static class EffectWalker
    {
        /// <summary>
        /// Adds the effects of <paramref name="body"/> to <paramref name="keys"/>. With <paramref name="requireNames"/>,
        /// returns false at the first effect that cannot be named (a dynamic call, a call on a local, a write through
        /// a pointer); without it, such effects are skipped (they can match nothing).
        /// </summary>
        public static bool Collect(IOperation body, Scope scope, HashSet<string> keys, bool requireNames)
        {
            foreach (var operation in body.DescendantsAndSelf())
            {
                var (isEffect, key) = Effect(operation, scope);
                if (!isEffect)
                {
                    continue;
                }

                if (key is null)
                {
                    if (requireNames)
                    {
                        return false;
                    }

                    continue;
                }

                keys.Add(key);
            }

            return true;
        }

        private static (bool IsEffect, string? Key) Effect(IOperation operation, Scope scope)
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    return Call(call, scope);
                case IObjectCreationOperation creation:
                    return IsException(creation.Type) ? (false, null)
                         : (true, creation.Constructor is { } constructor ? "new " + IdOf(constructor) : null);
                case ISimpleAssignmentOperation assignment:
                    return Write("=", assignment.Target, scope);
                case ICompoundAssignmentOperation compound:
                    return Write(compound.OperatorKind.ToString(), compound.Target, scope);
                case ICoalesceAssignmentOperation coalesce:
                    return Write("??=", coalesce.Target, scope);
                case IIncrementOrDecrementOperation step:
                    return Write(step.Kind.ToString(), step.Target, scope);
                case IDeconstructionAssignmentOperation deconstruction:
                    return scope.IsOwnStorage(deconstruction.Target) ? (false, null) : (true, null);
                case IEventAssignmentOperation eventAssignment:
                    return (true, scope.Name(eventAssignment.EventReference) is { } target
                        ? (eventAssignment.Adds ? "subscribe " : "unsubscribe ") + target
                        : null);
                case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicIndexerAccessOperation
                    or IDynamicObjectCreationOperation or IFunctionPointerInvocationOperation or IInvalidOperation:
                    return (true, null); // what these do cannot be named (code that does not bind: not known either)
                default:
                    return (false, null);
            }
        }

        private static (bool IsEffect, string? Key) Call(IInvocationOperation call, Scope scope)
        {
            var method = call.TargetMethod;
            if (method.MethodKind == MethodKind.LocalFunction || ChangesNothing(method)
                || (call.Instance is { } instance && Scope.OnObjectBeingInitialized(instance)))
            {
                return (false, null); // a local function's body is walked where it is declared; Add in a collection initializer
            }

            var receiver = !method.IsStatic ? scope.Name(call.Instance)
                         : method.IsExtensionMethod ? ExtendedObject(call, scope)
                         : "static";
            if (receiver is null)
            {
                return (true, null);
            }

            var key = "call " + IdOf(method) + " on " + receiver;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out && !scope.IsOwnStorage(argument.Value))
                {
                    if (scope.Name(argument.Value) is not { } written)
                    {
                        return (true, null);
                    }

                    key += " ref " + written;
                }
            }

            return (true, key);
        }

        /// <summary>The name of the object an extension method is called on (its <c>this</c> argument).</summary>
        private static string? ExtendedObject(IInvocationOperation call, Scope scope)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return scope.Name(argument.Value);
                }
            }

            return null;
        }

        private static (bool IsEffect, string? Key) Write(string kind, IOperation target, Scope scope)
        {
            if (scope.IsOwnStorage(target) || Scope.OnObjectBeingInitialized(target))
            {
                return (false, null);
            }

            return (true, scope.Name(target) is { } name ? "write " + kind + " " + name : null);
        }

        /// <summary>Calls that leave nothing behind: <c>System.Math</c>, <c>System.Diagnostics.Debug</c>, and the exceptions' static <c>Throw...</c> argument checks.</summary>
        private static bool ChangesNothing(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            var name = type.ToDisplayString();
            return name is "System.Math" or "System.MathF" or "System.Diagnostics.Debug"
                   || (method.IsStatic && method.Name.StartsWith("Throw", StringComparison.Ordinal) && IsException(type));
        }

        private static bool IsException(ITypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.ToDisplayString() == "System.Exception")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
