using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

using IntervalNotifiers.CodeFixes.Common;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF007 on a busy flag tested through <c>System.Threading</c>: <c>if (Volatile.Read(ref _busy)) return false;</c>,
/// <c>if (Volatile.Read(ref _busy) != 0) return false;</c>, <c>if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;</c>.
/// The guard (go on past the test on a blockable range) would be wrong for all of them: past an acquiring
/// <c>CompareExchange</c> the callback runs without the flag it failed to take, and past a busy flag that another
/// thread set it works on the device while that thread still uses it; nothing tells the callback it may. What the
/// rule asks for on a blockable range is to wait for what it needs, so the fix waits until the test lets the callback
/// go on, and keeps the test and its <c>return false</c> for the range that cannot block:
/// <c>if (range.IsBlockable) { SpinWait.SpinUntil(() =&gt; Interlocked.CompareExchange(ref _busy, 1, 0) == 0); } else if (the test) { return false; }</c>.
/// On a blockable range the callback then goes on exactly in the state the original code goes on in (it holds the
/// flag, or it saw the device idle), only later. It is offered only when repeating the test until it passes is
/// harmless and gives that state:
/// <list type="bullet">
/// <item>the test is <c>call</c>, <c>!call</c>, or <c>call == k</c> / <c>call != k</c> with a constant <c>k</c>, of
/// <c>Volatile.Read(ref f)</c>, <c>Interlocked.Read(ref f)</c> or <c>Interlocked.CompareExchange(ref f, v, c)</c>
/// with constant <c>v</c> and <c>c</c>, where <c>f</c> is a field named directly (<c>_busy</c>, <c>this._busy</c>,
/// <c>Type._busy</c>), so the lambda can read it, or a field of an object the ops type holds for good
/// (<c>_pinfo.Migrating</c>, <c>NTF007GuardFalseReturnCodeFix.FlagHolder.cs</c>);</item>
/// <item>a <c>CompareExchange</c> test is true only when the exchange did not happen (<c>!= c</c>, or <c>== k</c>
/// with <c>k != c</c>): a failed try writes nothing, so trying again is safe, and the try that passes takes the flag
/// once, as the original does (an <c>Interlocked.Exchange</c>, <c>Increment</c> or the like writes on every try
/// and gets no fix);</item>
/// <item>a read (<c>Volatile.Read</c>, <c>Interlocked.Read</c>, a <c>CompareExchange</c> with <c>v == c</c>) is of a
/// flag the callback does not write itself, neither in its body nor in a source method it calls: a flag it sets
/// after testing it is a test-then-set, and callbacks that wait for it would all see it clear at once and go on
/// together; the fix leaves that to the user (take the flag with <c>CompareExchange</c>, which the fix handles).</item>
/// </list>
/// The wait ends when whoever holds the flag clears it, so the fix also wants to see something clear it (write a
/// constant that lets the test pass, or decrement it) wherever the flag can be written: a flag nothing clears (a 'dead'
/// flag set once) would make the blockable range wait forever, and gets no fix; a flag nothing writes at all, when every
/// write would be in sight, keeps its first value, and gets the fix when that value lets the test pass. Like taking a lock blocking, the wait assumes that the
/// holder does not itself wait for this invalidation.
/// </summary>
public sealed partial class NTF007GuardFalseReturnCodeFix
{
    public const string WaitForFlagKey = "NTF007.WaitForTheFlagWhenBlockable";

    private const string WaitForFlagTitle = "Wait for the busy flag when the range can block";

    /// <summary>How many source methods the callback calls are searched for a write of the flag.</summary>
    private const int MaxMethodsSearched = 64;

    /// <summary>
    /// The condition under which the callback goes on (the negation of <paramref name="condition"/>) when the condition is
    /// a busy-flag test that may be repeated until it passes (see the type's summary); null otherwise.
    /// </summary>
    private static ExpressionSyntax? FlagWaitable(ExpressionSyntax condition, SyntaxNode body, SemanticModel model,
                                                  CancellationToken cancellationToken)
    {
        if (ThreadingFlagTest(condition, model, cancellationToken) is not var (test, method, arguments, compared, constant)
            || NamedField(arguments[0].Expression, model, cancellationToken) is not { } field)
        {
            return null;
        }

        bool acquires;
        switch ((method.ContainingType.Name, method.Name, arguments.Count))
        {
            case ("Volatile", "Read", 1):
            case ("Interlocked", "Read", 1):
                acquires = false;
                break;
            case ("Interlocked", "CompareExchange", 3):
                var value = model.GetConstantValue(arguments[1].Expression, cancellationToken);
                var comparand = model.GetConstantValue(arguments[2].Expression, cancellationToken);
                if (compared is null || !value.HasValue || !comparand.HasValue)
                {
                    return null;
                }

                // The test must be true only when the exchange did not happen (the result is not the comparand):
                // 'result != k' with k == c, or 'result == k' with k != c.
                if (test.IsKind(SyntaxKind.EqualsExpression) == SameConstant(constant, comparand.Value))
                {
                    return null;
                }

                acquires = !SameConstant(value.Value, comparand.Value);
                break;
            default:
                return null;
        }

        if (!acquires && WritesField(body, field, model, cancellationToken))
        {
            return null;
        }

        var passes = PassesOf(test, constant);
        if (!SomethingClears(field, passes, model, cancellationToken))
        {
            return null; // a flag nothing clears (a 'dead' flag set once): the wait would never end
        }

        if (WaitMayDeadlock(field, passes, condition, body, model, cancellationToken))
        {
            return null; // whoever holds the flag may wait for this invalidation (NTF007GuardFalseReturnCodeFix.SetterWaits.cs)
        }

        return test switch
        {
            PrefixUnaryExpressionSyntax not => Unparenthesize(not.Operand).WithoutTrivia(),
            BinaryExpressionSyntax binary => SyntaxFactory.BinaryExpression(
                binary.IsKind(SyntaxKind.EqualsExpression) ? SyntaxKind.NotEqualsExpression : SyntaxKind.EqualsExpression,
                binary.Left.WithoutTrivia(),
                binary.Right.WithoutTrivia()),
            _ => SyntaxFactory.PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, test.WithoutTrivia()),
        };
    }

    /// <summary>
    /// A flag test (see <see cref="FlagTestParts"/>) through a method of <c>System.Threading</c> whose first argument is
    /// passed by <c>ref</c> and whose other arguments are plain values, none named, compared (if at all) with a constant:
    /// the test without its parentheses, the method, its arguments and the compared constant (null when the test
    /// compares nothing); null for any other test. Both of NTF007's flag fixes start from it (the busy-flag wait here,
    /// the read-side-flag guard in <c>NTF007GuardFalseReturnCodeFix.ReaderFlag.cs</c>).
    /// </summary>
    private static (ExpressionSyntax Test, IMethodSymbol Method, SeparatedSyntaxList<ArgumentSyntax> Arguments, ExpressionSyntax? Compared, object? Constant)?
        ThreadingFlagTest(ExpressionSyntax condition, SemanticModel model, CancellationToken cancellationToken)
    {
        var test = Unparenthesize(condition);
        if (FlagTestParts(test) is not var (call, compared)
            || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
            || method.ContainingType?.ContainingNamespace?.ToDisplayString() != "System.Threading"
            || call.ArgumentList.Arguments is not { Count: > 0 } arguments
            || !arguments[0].RefKindKeyword.IsKind(SyntaxKind.RefKeyword)
            || arguments.Any(a => a.NameColon is not null)
            || arguments.Skip(1).Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None)))
        {
            return null;
        }

        var constant = compared is null ? default : model.GetConstantValue(compared, cancellationToken);
        if (compared is not null && !constant.HasValue)
        {
            return null;
        }

        return (test, method, arguments, compared, constant.Value);
    }

    /// <summary>
    /// The parts of a flag test (its parentheses removed): <c>call</c>, <c>!call</c>, or <c>call == k</c> / <c>call != k</c>
    /// with the call on either side, as the call and the expression it is compared with (null for the first two); null
    /// for any other test.
    /// </summary>
    private static (InvocationExpressionSyntax Call, ExpressionSyntax? Compared)? FlagTestParts(ExpressionSyntax test)
    {
        switch (test)
        {
            case InvocationExpressionSyntax invocation:
                return (invocation, null);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                return Unparenthesize(not.Operand) is InvocationExpressionSyntax negated ? (negated, null) : null;
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression):
                return Unparenthesize(binary.Left) is InvocationExpressionSyntax left ? (left, binary.Right)
                     : Unparenthesize(binary.Right) is InvocationExpressionSyntax right ? (right, binary.Left)
                     : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The values of the flag on which the callback goes on past <paramref name="test"/> (see <see cref="FlagTestParts"/>;
    /// <paramref name="constant"/> is the compared value). The value the call returns is the flag's value (the old one, for
    /// an exchange): the test passes on a value v when v is false ('call'), true ('!call'), not k ('call == k') or k
    /// ('call != k').
    /// </summary>
    private static Func<object?, bool> PassesOf(ExpressionSyntax test, object? constant)
        => test switch
        {
            PrefixUnaryExpressionSyntax => value => value is true,
            BinaryExpressionSyntax binary => value => binary.IsKind(SyntaxKind.NotEqualsExpression) == SameConstant(value, constant),
            _ => value => value is false,
        };

    /// <summary>
    /// Whether <paramref name="condition"/> reads a field or property of the ops type that the callback writes
    /// (<c>if (_inUse) return false; _inUse = true;</c>): a test-then-set flag, which the guard would let a blockable
    /// range take while another thread holds it (and clear under it).
    /// </summary>
    private static bool TestsWhatItSets(ExpressionSyntax condition, SyntaxNode body, SemanticModel model, CancellationToken cancellationToken)
        => condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
               model.GetSymbolInfo(name, cancellationToken).Symbol is IFieldSymbol or IPropertySymbol { IsIndexer: false }
               && WritesField(body, model.GetSymbolInfo(name, cancellationToken).Symbol!, model, cancellationToken));

    /// <summary>The expression under its parentheses (a cast is kept: it may change the value the test compares).</summary>
    private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary><c>System.Threading.SpinWait.SpinUntil(() =&gt; cleared)</c>, the namespace left out where it is imported.</summary>
    private static ExpressionSyntax SpinUntil(ExpressionSyntax cleared)
        => SyntaxFactory.InvocationExpression(
            SyntaxFactory.ParseExpression("System.Threading.SpinWait.SpinUntil").WithAdditionalAnnotations(Simplifier.Annotation),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                SyntaxFactory.ParenthesizedLambdaExpression(cleared)))));

    /// <summary>
    /// The field that <paramref name="expression"/> names directly (<c>_busy</c>, <c>this._busy</c>, <c>Type._busy</c>
    /// for a static field); null for anything else (a field of another object, a local, an element).
    /// </summary>
    private static IFieldSymbol? NamedField(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        var named = expression switch
        {
            IdentifierNameSyntax => true,
            MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access
                => access.Expression is ThisExpressionSyntax
                   || model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is INamedTypeSymbol,
            _ => false,
        };
        return named && model.GetSymbolInfo(expression, cancellationToken).Symbol is IFieldSymbol field
            ? field
            : FlagOfAHeldObject(expression, model, cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="body"/>, or a source method or property it uses (directly or through others, up to
    /// <see cref="MaxMethodsSearched"/> of them; more counts as a write), writes <paramref name="field"/> (a field or a
    /// property): an
    /// assignment, an increment, a <c>ref</c> or <c>out</c> argument (other than to <c>Volatile.Read</c> or
    /// <c>Interlocked.Read</c>), a <c>ref</c> taken to it, a tuple element assigned.
    /// </summary>
    private static bool WritesField(SyntaxNode body, ISymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var seen = new HashSet<SyntaxNode>();
        var pending = new Stack<SyntaxNode>();
        pending.Push(body);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            if (seen.Count > MaxMethodsSearched)
            {
                return true;
            }

            var nodeModel = SemanticModels.For(model, node.SyntaxTree);
            foreach (var descendant in node.DescendantNodes())
            {
                var symbol = descendant is IdentifierNameSyntax or InvocationExpressionSyntax or ObjectCreationExpressionSyntax
                    ? nodeModel.GetSymbolInfo(descendant, cancellationToken).Symbol
                    : null;
                if (descendant is IdentifierNameSyntax name && SymbolEqualityComparer.Default.Equals(symbol, field)
                    && IsWritten(name, nodeModel, cancellationToken))
                {
                    return true;
                }

                // A source method or constructor called, or a property used (its accessors may write the flag).
                if (symbol is IMethodSymbol or IPropertySymbol)
                {
                    foreach (var reference in symbol.DeclaringSyntaxReferences)
                    {
                        pending.Push(reference.GetSyntax(cancellationToken));
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the ops type (any of its declarations) writes <paramref name="field"/> in a way that may let the test
    /// pass: a constant that <paramref name="passes"/> (<c>_busy = 0</c>, <c>Volatile.Write(ref _busy, 0)</c>,
    /// <c>Interlocked.Exchange(ref _busy, 0)</c>, <c>Interlocked.CompareExchange(ref _busy, 0, 1)</c>), or a decrement
    /// (<c>Interlocked.Decrement(ref _inFlight)</c>, <c>--</c>, <c>-=</c>, <c>Interlocked.Add</c>). The field's initializer
    /// does not count: it is the state before anyone set the flag.
    /// </summary>
    private static bool SomethingClears(IFieldSymbol field, Func<object?, bool> passes, SemanticModel model, CancellationToken cancellationToken)
    {
        var written = false;
        foreach (var (name, nameModel) in Mentions(field, model, cancellationToken))
        {
            if (MayClear(name, passes, nameModel, cancellationToken))
            {
                return true;
            }

            written |= IsWritten(name, nameModel, cancellationToken) || name.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression };
        }

        // Written nowhere the flag can be written from (see Mentions): it keeps its first value, and the wait ends at once
        // when that value lets the test pass (the busy state is never entered), or never when it does not.
        return !written && SeesEveryWrite(field, model.Compilation)
               && FirstValue(field, model, cancellationToken) is var first && first != NotAConstant && passes(first);
    }

    /// <summary>Whether the write of the field at <paramref name="name"/> (if it is one) may let the test pass; see <see cref="SomethingClears"/>.</summary>
    private static bool MayClear(IdentifierNameSyntax name, Func<object?, bool> passes, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode expression = name;
        while (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression
               || expression.Parent is ParenthesizedExpressionSyntax)
        {
            expression = expression.Parent;
        }

        bool ConstantPasses(ExpressionSyntax value) => model.GetConstantValue(value, cancellationToken) is { HasValue: true } written
                                                      && passes(written.Value);
        switch (expression.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == expression:
                return assignment.IsKind(SyntaxKind.SubtractAssignmentExpression)
                       || assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && ConstantPasses(assignment.Right);
            case PrefixUnaryExpressionSyntax prefix:
                return prefix.IsKind(SyntaxKind.PreDecrementExpression);
            case PostfixUnaryExpressionSyntax postfix:
                return postfix.IsKind(SyntaxKind.PostDecrementExpression);
            case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword, Parent.Parent: InvocationExpressionSyntax call } argument
                when call.ArgumentList.Arguments.IndexOf(argument) == 0
                     && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method
                     && method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading":
                var arguments = call.ArgumentList.Arguments;
                return (method.ContainingType.Name, method.Name, arguments.Count) switch
                {
                    ("Volatile", "Write", 2) or ("Interlocked", "Exchange", 2) or ("Interlocked", "CompareExchange", 3) => ConstantPasses(arguments[1].Expression),
                    ("Interlocked", "Decrement", 1) or ("Interlocked", "Add", 2) => true,
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>Whether the field that <paramref name="name"/> names is written where it stands.</summary>
    private static bool IsWritten(IdentifierNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode expression = name;
        while (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression
               || expression.Parent is ParenthesizedExpressionSyntax)
        {
            expression = expression.Parent;
        }

        switch (expression.Parent)
        {
            case AssignmentExpressionSyntax assignment:
                return assignment.Left == expression;
            case PrefixUnaryExpressionSyntax prefix:
                return prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression);
            case PostfixUnaryExpressionSyntax postfix:
                return postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression);
            case RefExpressionSyntax:
                return true;
            case ArgumentSyntax { Parent: TupleExpressionSyntax }:
                return true;
            case ArgumentSyntax argument when argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword):
                return true;
            case ArgumentSyntax argument when argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword):
                return !(argument.Parent?.Parent is InvocationExpressionSyntax call
                         && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol
                         {
                             Name: "Read", ContainingType: { Name: "Volatile" or "Interlocked", ContainingNamespace: var ns },
                         }
                         && ns.ToDisplayString() == "System.Threading");
            default:
                return false;
        }
    }

    /// <summary>Whether two constants are the same value (integers compared by value whatever their type).</summary>
    private static bool SameConstant(object? left, object? right)
        => IsInteger(left) && IsInteger(right)
            ? Convert.ToDecimal(left, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDecimal(right, System.Globalization.CultureInfo.InvariantCulture)
            : Equals(left, right);

    private static bool IsInteger(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong;
}
