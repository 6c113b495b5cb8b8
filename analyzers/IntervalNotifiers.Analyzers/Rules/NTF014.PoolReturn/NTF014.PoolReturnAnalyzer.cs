using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using IntervalNotifiers.Analyzers.Rules.PoolReturn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF014 (docs/rules/NTF014.md): a finish rented from a <c>NotifierFinishPool</c> that is not returned to it on
/// some path. <c>InvalidateStart</c> is asked of <see cref="RentedFinishFlow"/> (the shared flow engine): a local
/// rented by a successful <c>TryRent</c> and still owed at a <c>return</c>. <c>InvalidateFinish</c> is asked of
/// <see cref="FinishReturnWalk"/>, only when every finish the type's start hands out is a rented one (a type that
/// also hands out <c>new</c> finishes cannot know which one it got). Cheap filters first: only ops types with a pool
/// field or property, only the two callbacks, only bodies that call <c>TryRent</c> or <c>Return</c>; then the start's
/// pre-filter (<see cref="RentedFinishPrefilter"/>) and its proof on the operation tree (<see cref="RentedFinishTree"/>),
/// and a control-flow graph only for a start neither can rule out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PoolReturnAnalyzer : NotifierAnalyzer
{
    /// <summary>Diagnostic property: the name of the pool field or property to return the finish to.</summary>
    public const string PoolProperty = "Pool";

    /// <summary>Diagnostic property: the expression to hand to <c>Return</c> (a local, or a cast of the parameter).</summary>
    public const string FinishProperty = "Finish";

    /// <summary>
    /// Diagnostic property, present when the leaking return is also reached on a path where the <c>TryRent</c> failed
    /// (the local is then null, and <c>Return(null)</c> throws): the fix returns it only when it is not null.
    /// </summary>
    public const string MayBeNullProperty = "MayBeNull";

    /// <summary>False only in the tests that check the start's pre-filter against its flow (every start then gets the flow).</summary>
    private readonly bool _prefilters;

    /// <summary>False only in the tests that check the start's tree proof against its flow.</summary>
    private readonly bool _tree;

    public PoolReturnAnalyzer()
        : this(prefilters: true)
    {
    }

    /// <summary>An analyzer whose pre-filter and tree proof are on or off (off: the flow alone decides, for the pre-filter test).</summary>
    internal PoolReturnAnalyzer(bool prefilters)
        : this(prefilters, tree: prefilters)
    {
    }

    /// <summary>An analyzer with the start's pre-filter (<c>NTF014.RentedFinishFlow.Prefilter.cs</c>) and tree proof (<c>NTF014.RentedFinishFlow.Tree.cs</c>) each on or off.</summary>
    internal PoolReturnAnalyzer(bool prefilters, bool tree)
    {
        _prefilters = prefilters;
        _tree = tree;
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NTF014);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        if (types.Pool is null || types.PoolTryRent is null || types.PoolReturn is null)
        {
            return;
        }

        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Class } type && types.IsOpsType(type)
                && HasPoolMember(types, type))
            {
                TypeBodies.Collect(symbolStart, types, AnalyzeType);
            }
        }, SymbolKind.NamedType);
    }

    /// <summary>Whether <paramref name="type"/> or one of its bases (below the ops base) has a field or property that holds a pool.</summary>
    private static bool HasPoolMember(NotifierTypes types, INamedTypeSymbol type)
    {
        for (var t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, types.Ops); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                    IPropertySymbol property => property.Type,
                    _ => null,
                };
                if (types.IsPoolType(memberType))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void AnalyzeType(SymbolAnalysisContext context, TypeBodies bodies)
    {
        var types = bodies.Types;
        MethodBody? startBody = null;
        MethodBody? finishBody = null;
        foreach (var body in bodies.Bodies)
        {
            switch (types.GetCallbackKind(body.Owner as IMethodSymbol))
            {
                case CallbackKind.InvalidateStart:
                    startBody = body;
                    break;
                case CallbackKind.InvalidateFinish:
                    finishBody = body;
                    break;
            }
        }

        if (startBody is null)
        {
            return;
        }

        var start = new CallbackOperations(startBody.Operations());
        if (start.HasInvalid)
        {
            return;
        }

        var rented = RentedFinishFlow.RentedLocals(types, start.Invocations); // none without a TryRent
        if (rented.IsEmpty)
        {
            return;
        }

        // A graph only for a start that neither the pre-filter nor the tree proof rules out.
        var handedOut = HandedOutParameter(types, startBody);
        if (!(_prefilters && RentedFinishPrefilter.RulesOut(types, startBody, start, rented))
            && !(_tree && RentedFinishTree.ProvesSilent(types, startBody, start, rented, handedOut)))
        {
            AnalyzeStart(context, types, startBody, start, rented, handedOut);
        }

        if (finishBody is not null)
        {
            AnalyzeFinish(context, types, bodies.Type, start, rented, handedOut, finishBody);
        }
    }

    /// <summary>The start's <c>out</c> finish parameter, or null.</summary>
    private static IParameterSymbol? HandedOutParameter(NotifierTypes types, MethodBody startBody)
    {
        if (startBody.Owner is IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind == RefKind.Out && types.IsFinishType(parameter.Type))
                {
                    return parameter;
                }
            }
        }

        return null;
    }

    private static void AnalyzeStart(SymbolAnalysisContext context, NotifierTypes types, MethodBody body,
                                     CallbackOperations operations, ImmutableArray<ILocalSymbol> rented,
                                     IParameterSymbol? handedOut)
    {
        var cfg = body.GetControlFlowGraph();
        if (cfg is null)
        {
            return;
        }

        var flow = new RentedFinishFlow(types, rented, handedOut,
                                        handedOut is not null && HandsOutOnlyRented(operations, handedOut, rented));
        if (flow.Run(cfg, context.CancellationToken) is not { } result)
        {
            return;
        }

        var leaks = new Dictionary<SyntaxNode, ILocalSymbol>();
        var mayBeEmpty = new HashSet<SyntaxNode>();
        foreach (var path in ReturnSites.Enumerate(cfg, result))
        {
            if (!leaks.ContainsKey(path.Statement) && flow.OwedLocal(path.State) is { } local
                && !IsGuardedByFinally(path.Statement, local, operations))
            {
                leaks.Add(path.Statement, local);
            }

            if (leaks.TryGetValue(path.Statement, out var leaked) && (path.State[leaked] & RentedFinishFlow.NotRented) != 0)
            {
                mayBeEmpty.Add(path.Statement);
            }
        }

        foreach (var statement in OnePerLine(leaks.Keys))
        {
            var local = leaks[statement];
            var pool = PoolOf(types, local, operations);
            Report(context, statement, pool, local.Name, mayBeEmpty.Contains(statement));
        }
    }

    /// <summary>
    /// A return inside a <c>try</c> whose <c>finally</c> names the rented local: the engine judges a return before its
    /// <c>finally</c> runs, and that <c>finally</c> may return the finish (no proof, no diagnostic).
    /// </summary>
    internal static bool IsGuardedByFinally(SyntaxNode statement, ILocalSymbol local, CallbackOperations operations)
    {
        foreach (var operation in operations.All)
        {
            if (operation.Kind == OperationKind.Try && operation is ITryOperation { Finally: { } finallyBlock } tryOperation
                && tryOperation.Body.Syntax.Span.Contains(statement.Span)
                && finallyBlock.DescendantsAndSelf().Any(o => o is ILocalReferenceOperation reference
                                                              && SymbolEqualityComparer.Default.Equals(reference.Local, local)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The pool field or property of <c>this</c> that rented <paramref name="local"/>, or null.</summary>
    private static ISymbol? PoolOf(NotifierTypes types, ILocalSymbol local, CallbackOperations operations)
    {
        foreach (var invocation in operations.Invocations)
        {
            if (NotifierTypes.Is(invocation.TargetMethod, types.PoolTryRent)
                && RentedFinishFlow.RentsInto(invocation, local))
            {
                return OperationFacts.StripConversions(invocation.Instance ?? invocation) switch
                {
                    IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                    IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property => property.Property,
                    _ => null,
                };
            }
        }

        return null;
    }

    private static void AnalyzeFinish(SymbolAnalysisContext context, NotifierTypes types, INamedTypeSymbol type,
                                      CallbackOperations start, ImmutableArray<ILocalSymbol> rented, IParameterSymbol? handedOut,
                                      MethodBody finishBody)
    {
        if (handedOut is null
            || !HandsOutOnlyRented(start, handedOut, rented)
            || finishBody.Owner is not IMethodSymbol finishMethod
            || FinishParameter(types, finishMethod) is not { } finish)
        {
            return;
        }

        // Which pool the finishes come from: the one every TryRent of the start uses.
        ISymbol? pool = null;
        foreach (var local in rented)
        {
            var from = PoolOf(types, local, start);
            if (from is null || (pool is not null && !SymbolEqualityComparer.Default.Equals(pool, from)))
            {
                return; // several pools, or one the rule cannot name: it cannot tell where the finish goes back
            }

            pool = from;
        }

        var operations = finishBody.Operations();
        if (finishBody.Blocks.IsDefaultOrEmpty || finishBody.Blocks[0] is not IBlockOperation block)
        {
            return;
        }

        foreach (var operation in operations)
        {
            if (operation.Kind == OperationKind.Invalid
                || operation.Kind == OperationKind.Branch && ((IBranchOperation)operation).BranchKind == BranchKind.GoTo)
            {
                return;
            }
        }

        var leaks = FinishReturnWalk.LeakingExits(block, finish, operations);
        foreach (var exit in OnePerLine(leaks))
        {
            var poolType = (pool as IFieldSymbol)?.Type ?? (pool as IPropertySymbol)?.Type;
            var element = (poolType as INamedTypeSymbol)?.TypeArguments.FirstOrDefault();
            var argument = element is null || SymbolEqualityComparer.Default.Equals(element, finish.Type)
                ? finish.Name
                : $"({element.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}){finish.Name}";
            Report(context, exit, pool, argument);
        }
    }

    /// <summary>The finish's first parameter of a finish type, or null.</summary>
    private static IParameterSymbol? FinishParameter(NotifierTypes types, IMethodSymbol finishMethod)
    {
        foreach (var parameter in finishMethod.Parameters)
        {
            if (types.IsFinishType(parameter.Type))
            {
                return parameter;
            }
        }

        return null;
    }

    /// <summary>Whether every value the start puts in its <c>out finish</c> is null or a rented local.</summary>
    private static bool HandsOutOnlyRented(CallbackOperations start, IParameterSymbol handedOut, ImmutableArray<ILocalSymbol> rented)
    {
        foreach (var operation in start.All)
        {
            switch (operation.Kind)
            {
                case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment
                                                         && FlowFacts.IsParameter(assignment.Target, handedOut):
                    if (!FlowFacts.IsNullConstant(assignment.Value)
                        && !(OperationFacts.StripConversions(assignment.Value) is ILocalReferenceOperation local
                             && rented.Contains(local.Local, SymbolEqualityComparer.Default)))
                    {
                        return false;
                    }

                    break;
                case OperationKind.CoalesceAssignment when FlowFacts.IsParameter(((ICoalesceAssignmentOperation)operation).Target, handedOut):
                    return false;
                case OperationKind.Argument when FlowFacts.IsParameter(((IArgumentOperation)operation).Value, handedOut):
                    return false;
                case OperationKind.DeconstructionAssignment:
                    return false;
            }
        }

        return true;
    }

    private static void Report(SymbolAnalysisContext context, SyntaxNode exit, ISymbol? pool, string finish,
                               bool mayBeNull = false)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (pool is not null)
        {
            properties = properties.Add(PoolProperty, pool.Name).Add(FinishProperty, finish);
            if (mayBeNull)
            {
                properties = properties.Add(MayBeNullProperty, "true");
            }
        }

        var location = exit is BlockSyntax block ? block.CloseBraceToken.GetLocation() : exit.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF014, location, properties,
                                                   pool?.Name ?? "pool", finish));
    }

    /// <summary>One diagnostic per offending line (docs/contract.md#counting-and-place).</summary>
    private static IEnumerable<SyntaxNode> OnePerLine(IEnumerable<SyntaxNode> exits)
    {
        var lines = new HashSet<(string, int)>();
        foreach (var exit in exits.OrderBy(s => s.SpanStart))
        {
            var span = exit is BlockSyntax block ? block.CloseBraceToken.GetLocation().GetLineSpan() : exit.GetLocation().GetLineSpan();
            if (lines.Add((span.Path, span.StartLinePosition.Line)))
            {
                yield return exit;
            }
        }
    }
}
