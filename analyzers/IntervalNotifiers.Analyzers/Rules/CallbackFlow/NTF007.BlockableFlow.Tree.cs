using System.Collections.Generic;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers.Rules.CallbackFlow;

/// <summary>
/// NTF007 on the operation tree, without a control-flow graph: a proof that <see cref="BlockableFlow"/> would report
/// nothing, for structured code (a speed-up only; when it cannot prove it, the graph decides, and a test checks on every
/// test input and on generated callbacks that it never proves what the flow contradicts).
/// </summary>
/// <remarks>
/// The flow reports a return whose value is a definite <c>false</c> on a path where the range is blockable. The tree
/// follows only those paths, with an upper bound of the values of the method's bool locals there (the values the flow's
/// own reading gives, <see cref="BlockableFlow.Evaluate"/>): a plain write of a local (<c>ok = value;</c>, a declaration
/// with an initializer) sets it; a lock or wait that sets a <c>ref</c>/<c>out</c> flag sets it as the flow does (true
/// after <c>Monitor.Enter(x, ref taken)</c> or a wait whose timeout is infinite on a blockable range); any other write,
/// and every write inside a loop, a try, a switch or a statement the walk does not model, makes it unknown. A condition
/// whose value cannot be true (false) there cuts its branch. A return is safe when no blockable path reaches it or its
/// value cannot be false there. Where the flow would find a value it cannot read (one that encodes the blockability
/// out of its sight), it stays silent while the tree may use another value: the flow never reports on a path that met
/// such a value, so the tree's choice there cannot hide a report. A <c>goto</c> leaves the question to the graph; a
/// catch with an exception filter is entered with the bound of the whole catch clause, its filter's writes included.
/// </remarks>
internal sealed partial class BlockableFlow
{
    /// <summary>Whether the operation tree proves that no return of the callback can be reported by NTF007.</summary>
    public bool TreeProvesSilent(MethodBody body, CallbackOperations operations)
        => new Tree(this).Run(body, operations, new Bound(FlowValues.Empty(Unknown)));

    /// <summary>The values of the bool locals on the blockable paths that reach a point; null when none does.</summary>
    private readonly struct Bound
    {
        public Bound(FlowValues? env) => Env = env;

        public FlowValues? Env { get; }
    }

    private sealed class Tree : TreeFlow<Bound>
    {
        private readonly BlockableFlow _flow;

        public Tree(BlockableFlow flow) => _flow = flow;

        protected override Bound Never => default;

        protected override Bound Join(Bound a, Bound b) => new(JoinEnv(a.Env, b.Env));

        protected override void Return(IReturnOperation returnOperation, Bound bound)
        {
            if (bound.Env is not { } env || returnOperation.ReturnedValue is not { } value)
            {
                return;
            }

            if (WritesABoolLocal(value) || (_flow.Evaluate(value, env, blockable: true) & False) != 0)
            {
                GiveUp();
            }
        }

        protected override (Bound WhenTrue, Bound WhenFalse) Branch(Bound bound, IOperation condition)
        {
            if (Evaluate(bound, condition).Env is not { } env)
            {
                return (default, default);
            }

            var value = _flow.Evaluate(condition, env, blockable: true);
            return (new Bound((value & True) != 0 ? env : null), new Bound((value & False) != 0 ? env : null));
        }

        protected override Bound Region(Bound bound, IOperation region)
            => bound.Env is { } env ? new Bound(Forget(env, region)) : bound;

        protected override Bound Evaluate(Bound bound, IOperation operation)
        {
            if (bound.Env is not { } env)
            {
                return bound;
            }

            var top = operation is IExpressionStatementOperation statement ? statement.Operation : operation;
            switch (top)
            {
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment
                    when FlowFacts.IsBool(local.Type) && !WritesABoolLocal(assignment.Value):
                    return new Bound(env.Set(local.Local, _flow.Evaluate(assignment.Value, env, blockable: true)));

                case IVariableDeclarationGroupOperation group when !WritesABoolLocalInside(group):
                    foreach (var declaration in group.Declarations)
                    {
                        foreach (var declarator in declaration.Declarators)
                        {
                            if (FlowFacts.IsBool(declarator.Symbol.Type) && declarator.GetVariableInitializer() is { } initializer)
                            {
                                env = env.Set(declarator.Symbol, _flow.Evaluate(initializer.Value, env, blockable: true));
                            }
                        }
                    }

                    return new Bound(env);

                case IInvocationOperation invocation when OnlyFlagArguments(invocation):
                    // The flow's reading of a lock or wait that sets a ref/out flag (BlockableFlow.TransferEnv).
                    var set = _flow.FlagAfter(invocation, env, blockable: true);
                    foreach (var argument in invocation.Arguments)
                    {
                        if (FlagOf(argument) is { } flag)
                        {
                            env = env.Set(flag, set);
                        }
                    }

                    return new Bound(env);

                default:
                    return new Bound(Forget(env, operation));
            }
        }

        /// <summary>Every bool local written anywhere in <paramref name="operation"/> becomes unknown.</summary>
        private static FlowValues Forget(FlowValues env, IOperation operation)
        {
            foreach (var op in operation.DescendantsAndSelf())
            {
                foreach (var local in WrittenBoolLocals(op))
                {
                    env = env.Set(local, Unknown);
                }
            }

            return env;
        }

        private static bool WritesABoolLocal(IOperation operation)
        {
            foreach (var op in operation.DescendantsAndSelf())
            {
                foreach (var _ in WrittenBoolLocals(op))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether a declarator's initializer (not the declarator itself) writes a bool local.</summary>
        private static bool WritesABoolLocalInside(IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if (declarator.GetVariableInitializer() is { } initializer && WritesABoolLocal(initializer.Value))
                    {
                        return true;
                    }
                }

                if (declaration.Initializer is { } shared && WritesABoolLocal(shared.Value))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether the only bool locals <paramref name="invocation"/> writes are its own <c>ref</c>/<c>out</c> arguments
        /// (and it writes one).
        /// </summary>
        private static bool OnlyFlagArguments(IInvocationOperation invocation)
        {
            var flags = 0;
            foreach (var argument in invocation.Arguments)
            {
                if (FlagOf(argument) is not null)
                {
                    flags++;
                }
                else if (WritesABoolLocal(argument.Value))
                {
                    return false;
                }
            }

            return flags > 0 && (invocation.Instance is null || !WritesABoolLocal(invocation.Instance));
        }

        /// <summary>The bool local an argument passes by <c>ref</c> or <c>out</c> (declared there or not).</summary>
        private static ILocalSymbol? FlagOf(IArgumentOperation argument)
        {
            if (argument.Parameter?.RefKind is not (RefKind.Out or RefKind.Ref))
            {
                return null;
            }

            var target = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
            return target is ILocalReferenceOperation local && FlowFacts.IsBool(local.Type) ? local.Local : null;
        }

        /// <summary>The bool locals <paramref name="op"/> itself writes (declares, assigns, passes by <c>ref</c>/<c>out</c>, deconstructs into).</summary>
        private static IEnumerable<ILocalSymbol> WrittenBoolLocals(IOperation op)
        {
            switch (op)
            {
                case IVariableDeclaratorOperation declarator when FlowFacts.IsBool(declarator.Symbol.Type):
                    yield return declarator.Symbol;
                    break;
                case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } when FlowFacts.IsBool(declared.Type):
                    yield return declared;
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (target is ILocalReferenceOperation local && FlowFacts.IsBool(local.Type))
                        {
                            yield return local.Local;
                        }
                    }

                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation local } when FlowFacts.IsBool(local.Type):
                    yield return local.Local;
                    break;
                case IArgumentOperation argument when FlagOf(argument) is { } flag:
                    yield return flag;
                    break;
            }
        }
    }
}
