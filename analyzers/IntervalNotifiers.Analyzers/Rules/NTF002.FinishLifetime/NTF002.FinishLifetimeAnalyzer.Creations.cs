using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>NTF002: a finish created outside <c>InvalidateStart</c> and its helpers.</summary>
public sealed partial class FinishLifetimeAnalyzer
{
    private static Diagnostic? CheckCreation(NotifierTypes types, IOperation operation, ISymbol owner, bool inStart)
    {
        if (inStart || !types.IsFinishType(operation.Type))
        {
            return null;
        }

        var initializerOrConstructor = owner is IFieldSymbol or IPropertySymbol
                                       || owner is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor };
        if (operation is ITypeParameterObjectCreationOperation && !initializerOrConstructor)
        {
            return null; // 'new T()' in a generic factory: who calls it is not known here
        }

        if (operation is not (IObjectCreationOperation or ITypeParameterObjectCreationOperation))
        {
            return null;
        }

        if (IsInsideFinishFactoryLambda(types, operation))
        {
            return null; // '() => new GpuFinish()': a factory delegate, who invokes it (a start, say) is not known here
        }

        var where = owner switch
        {
            IFieldSymbol field => "in the initializer of '" + field.Name + "'",
            IPropertySymbol property => "in the initializer of '" + property.Name + "'",
            IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => "in a constructor of '" + owner.ContainingType?.Name + "'",
            IMethodSymbol method => "in '" + method.Name + "'",
            _ => "here",
        };
        return Create(operation.Syntax, KindCreate,
            "'" + operation.Type!.Name + "' is created " + where + ", outside InvalidateStart: create each finish inside InvalidateStart (or a private helper called only from it), or rent it from a NotifierFinishPool");
    }

    /// <summary>
    /// A hook that hands a finish back to a caller it cannot see, returning a finish (or with an 'out' finish
    /// parameter): a protected method of an ops type, an override of a method that an ops type declares (a
    /// template-method hook called by the base's callbacks), or an implementation of an interface member (a
    /// factory called through the interface, e.g. a static abstract <c>Create</c>). Its callers may be in another
    /// compilation: a finish it creates cannot be proved to be made outside the start, so it is not reported.
    /// </summary>
    private static bool IsFinishFactoryHook(NotifierTypes types, IMethodSymbol? method)
    {
        if (method is null || method.MethodKind != MethodKind.Ordinary || types.GetCallbackKind(method) != CallbackKind.None)
        {
            return false;
        }

        var inOps = types.IsOpsType(method.ContainingType);
        var isHook = (inOps && method.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal
                          or Accessibility.ProtectedOrInternal)
                     || (method.IsOverride && types.IsOpsType(method.OverriddenMethod?.ContainingType))
                     || ImplementsAnInterfaceMember(method);
        if (!isHook)
        {
            return false;
        }

        if (types.IsFinishType(method.ReturnType))
        {
            return true;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Out or RefKind.Ref && types.IsFinishType(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="method"/> implements an interface member (explicitly, implicitly, or a static abstract one).</summary>
    private static bool ImplementsAnInterfaceMember(IMethodSymbol method)
    {
        if (!method.ExplicitInterfaceImplementations.IsEmpty)
        {
            return true;
        }

        var type = method.ContainingType;
        if (type is null || method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether the innermost function around <paramref name="operation"/> is a lambda that returns a finish (a finish factory).</summary>
    private static bool IsInsideFinishFactoryLambda(NotifierTypes types, IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    return types.IsFinishType(lambda.Symbol.ReturnType);
                case ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }
}
