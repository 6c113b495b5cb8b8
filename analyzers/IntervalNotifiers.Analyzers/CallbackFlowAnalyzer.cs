using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Flow;
using IntervalNotifiers.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Path rules over the bodies of the invalidate callbacks, on Roslyn's control-flow graph:
/// NTF006 (a finish handed out on a false return), NTF007 (false on a blockable range) and NTF008 (true
/// without SetSequence). Graphs are built only for the <c>Invalidate</c> / <c>InvalidateStart</c> overrides of
/// ops types (and the in-callback helpers NTF008 follows), and only after a cheap filter on the operations.
/// </summary>
/// <remarks>
/// NTF008's second trigger ("never calls SetSequence although the compilation reads the sequence of the
/// notifier type the callback casts its notifier to") needs the whole compilation: the reads of
/// <c>ReadBegin</c>/<c>ReadRetry</c> are collected by an operation action, and those diagnostics are reported at
/// compilation end (build and full-solution analysis). The first trigger (SetSequence on another path) needs
/// only the type and is reported at the type's symbol end, live in the editor.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CallbackFlowAnalyzer : NotifierAnalyzer
{
    /// <summary>Diagnostic property: the name of the callback's <c>out finish</c> parameter (NTF006).</summary>
    public const string FinishProperty = "Finish";

    /// <summary>Diagnostic property: the name of the callback's range parameter (NTF007).</summary>
    public const string RangeProperty = "Range";

    /// <summary>Diagnostic property: the name of the callback's notifier parameter (NTF008).</summary>
    public const string NotifierProperty = "Notifier";

    /// <summary>Diagnostic property: the name of the callback's sequence parameter (NTF008).</summary>
    public const string SequenceProperty = "Sequence";

    /// <summary>Diagnostic property set on NTF006/NTF007 when the return is a plain <c>return false;</c>.</summary>
    public const string LiteralReturnProperty = "LiteralReturn";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF006, Descriptors.NTF007, Descriptors.NTF008);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        var reads = new ConcurrentDictionary<ISymbol, byte>(SymbolEqualityComparer.Default);
        var pending = new ConcurrentQueue<(ImmutableArray<INamedTypeSymbol> CastTypes, Diagnostic Diagnostic)>();

        start.RegisterOperationAction(operationContext => CollectRead(operationContext, types, reads), OperationKind.Invocation);

        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Class } type && types.IsOpsType(type))
            {
                TypeBodies.Collect(symbolStart, types, (end, bodies) => AnalyzeType(end, bodies, pending));
            }
        }, SymbolKind.NamedType);

        start.RegisterCompilationEndAction(end =>
        {
            if (pending.IsEmpty || reads.IsEmpty)
            {
                return;
            }

            foreach (var (castTypes, diagnostic) in pending)
            {
                if (castTypes.Any(cast => IsRead(cast, reads)))
                {
                    end.ReportDiagnostic(diagnostic);
                }
            }
        });
    }

    private static void CollectRead(OperationAnalysisContext context, NotifierTypes types, ConcurrentDictionary<ISymbol, byte> reads)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!NotifierTypes.Is(invocation.TargetMethod, types.ReadBegin) && !NotifierTypes.Is(invocation.TargetMethod, types.ReadRetry))
        {
            return;
        }

        // Only a receiver whose static type is a derived notifier type ties the read to that type.
        if (invocation.Instance?.Type is INamedTypeSymbol receiver
            && types.IsNotifierType(receiver)
            && !SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition, types.Notifier))
        {
            reads.TryAdd(receiver.OriginalDefinition, 0);
        }
    }

    /// <summary>Whether some read's receiver type is <paramref name="cast"/> or derives from it.</summary>
    private static bool IsRead(INamedTypeSymbol cast, ConcurrentDictionary<ISymbol, byte> reads)
    {
        foreach (var read in reads.Keys)
        {
            for (var t = read as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, cast.OriginalDefinition))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void AnalyzeType(SymbolAnalysisContext context, TypeBodies bodies,
                                    ConcurrentQueue<(ImmutableArray<INamedTypeSymbol>, Diagnostic)> pending)
    {
        var types = bodies.Types;
        TypeSequenceInfo? sequenceInfo = null;
        foreach (var body in bodies.Bodies)
        {
            if (body.Owner is not IMethodSymbol method)
            {
                continue;
            }

            var kind = types.GetCallbackKind(method);
            if (kind is not (CallbackKind.Invalidate or CallbackKind.InvalidateStart))
            {
                continue;
            }

            var operations = new CallbackOperations(body.Operations());
            if (operations.HasInvalid)
            {
                // Half-typed code: its paths mean nothing yet; say nothing until it binds.
                continue;
            }

            if (kind == CallbackKind.InvalidateStart)
            {
                AnalyzeFinish(context, types, method, body, operations);
            }

            AnalyzeBlockable(context, types, method, body, operations);

            if (operations.MayReturnConstant(true))
            {
                sequenceInfo ??= new TypeSequenceInfo(bodies, context.CancellationToken);
                AnalyzeSequence(context, sequenceInfo, method, body, operations, pending);
            }
        }
    }

    private static void AnalyzeFinish(SymbolAnalysisContext context, NotifierTypes types, IMethodSymbol method,
                                      MethodBody body, CallbackOperations operations)
    {
        var finish = method.Parameters.FirstOrDefault(p => p.RefKind == RefKind.Out && types.IsFinishType(p.Type));
        if (finish is null || !operations.MayReturnConstant(false) || !operations.Writes.Any(o => MayHandOut(o, finish))
            || EveryFalseReturnClearsTheFinish(operations, finish))
        {
            return;
        }

        var cfg = body.GetControlFlowGraph();
        if (cfg is null)
        {
            return;
        }

        foreach (var statement in OnePerLine(FinishOnFalseReturnFlow.Find(types, method, cfg, context.CancellationToken)))
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(FinishProperty, finish.Name);
            if (IsLiteralReturn(statement, false))
            {
                properties = properties.Add(LiteralReturnProperty, "true");
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF006, ReturnSites.LocationOf(statement), properties));
        }
    }

    /// <summary>
    /// Pre-filter for NTF006, so that no graph is built for the common shape: every return that could yield a constant
    /// <c>false</c> (outside lambdas and local functions) directly follows <c>finish = null;</c> (or <c>default</c>) in the
    /// same block, outside any <c>try</c> with a <c>finally</c>, and its value cannot write the finish. The finish is
    /// then null on every path into those returns, and only they can be reported.
    /// </summary>
    private static bool EveryFalseReturnClearsTheFinish(CallbackOperations operations, IParameterSymbol finish)
    {
        foreach (var returnOperation in operations.Returns)
        {
            if (!ReturnSites.MayYieldConstant(returnOperation, false))
            {
                continue;
            }

            if (StatementBefore(returnOperation) is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation clear }
                || !IsParameter(clear.Target, finish)
                || !IsNullConstant(clear.Value)
                || HasFinallyAround(returnOperation)
                || (returnOperation.ReturnedValue is { } value && value.DescendantsAndSelf().Any(o => MayHandOut(o, finish))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The statement right before <paramref name="statement"/> in its block, or null.</summary>
    private static IOperation? StatementBefore(IOperation statement)
    {
        if (statement.Parent is not IBlockOperation block)
        {
            return null;
        }

        var index = block.Operations.IndexOf(statement);
        return index >= 1 ? block.Operations[index - 1] : null;
    }

    private static bool IsNullConstant(IOperation value) => value.ConstantValue.HasValue && value.ConstantValue.Value is null;

    private static bool HasFinallyAround(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ITryOperation { Finally: not null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Pre-filter for NTF006: <paramref name="operation"/> may put a non-null value in the finish.</summary>
    private static bool MayHandOut(IOperation operation, IParameterSymbol finish) => operation switch
    {
        ISimpleAssignmentOperation assignment when IsParameter(assignment.Target, finish)
            => !IsNullConstant(assignment.Value),
        IArgumentOperation argument when IsParameter(argument.Value, finish) => true,
        ICoalesceAssignmentOperation coalesce when IsParameter(coalesce.Target, finish) => true,
        _ => false,
    };

    private static void AnalyzeBlockable(SymbolAnalysisContext context, NotifierTypes types, IMethodSymbol method,
                                         MethodBody body, CallbackOperations operations)
    {
        var range = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, types.Range));
        if (range is null)
        {
            return;
        }

        if (OnlyNonBlockableFalseReturns(types, range, operations))
        {
            return;
        }

        foreach (var statement in OnePerLine(BlockableFlow.Find(types, method, operations.All, body.GetControlFlowGraph, context.CancellationToken)))
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(RangeProperty, range.Name);
            if (IsLiteralReturn(statement, false))
            {
                properties = properties.Add(LiteralReturnProperty, "true");
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NTF007, ReturnSites.LocationOf(statement), properties, method.Name));
        }
    }

    /// <summary>
    /// Pre-filter for NTF007, so that no graph is built for the common shape: every return of the method (outside
    /// lambdas and local functions) is a constant <c>true</c>, a call (as <see cref="BlockableFlow"/> treats it),
    /// or a constant <c>false</c> inside a branch taken only on a non-blockable range (<see cref="IsGuardedByNotBlockable"/>):
    /// no return can yield false on a blockable range.
    /// </summary>
    private static bool OnlyNonBlockableFalseReturns(NotifierTypes types, IParameterSymbol range, CallbackOperations operations)
    {
        foreach (var returnOperation in operations.Returns)
        {
            if (returnOperation.ReturnedValue is not { } value)
            {
                return false;
            }

            var stripped = OperationFacts.StripConversions(value);
            if (ReturnSites.IsConstant(stripped, true) || stripped is IInvocationOperation)
            {
                continue;
            }

            if (!ReturnSites.IsConstant(stripped, false) || !IsGuardedByNotBlockable(types, range, returnOperation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> runs only when the callback's read-only range cannot block: it lies in the
    /// then-branch of an <c>if</c> whose condition is true only on a non-blockable range (<c>!range.IsBlockable</c>,
    /// alone or as an operand of <c>&amp;&amp;</c>), or in the else-branch of one whose condition is false only on a
    /// non-blockable range (<c>range.IsBlockable</c>, alone or as an operand of <c>||</c>). C# cannot jump into a
    /// branch from outside it, so every path to the statement passed that test.
    /// </summary>
    private static bool IsGuardedByNotBlockable(NotifierTypes types, IParameterSymbol range, IOperation statement)
    {
        if (range.RefKind != RefKind.In)
        {
            return false; // a by-value or ref range could be reassigned between the test and the return
        }

        IOperation child = statement;
        for (var parent = statement.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (parent is IConditionalOperation conditional
                && ((conditional.WhenTrue == child && NotBlockableWhen(types, range, conditional.Condition, value: true))
                    || (conditional.WhenFalse == child && NotBlockableWhen(types, range, conditional.Condition, value: false))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="condition"/> can evaluate to <paramref name="value"/> only when <c>range.IsBlockable</c> is false.</summary>
    private static bool NotBlockableWhen(NotifierTypes types, IParameterSymbol range, IOperation condition, bool value)
        => OperationFacts.StripConversions(condition) switch
        {
            IPropertyReferenceOperation property
                => !value
                   && SymbolEqualityComparer.Default.Equals(property.Property, types.RangeIsBlockable)
                   && IsParameter(property.Instance, range),
            IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation
                => NotBlockableWhen(types, range, negation.Operand, !value),
            // 'a && b' is true only when both are; 'a || b' is false only when both are.
            IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when value
                => NotBlockableWhen(types, range, conjunction.LeftOperand, true) || NotBlockableWhen(types, range, conjunction.RightOperand, true),
            IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when !value
                => NotBlockableWhen(types, range, disjunction.LeftOperand, false) || NotBlockableWhen(types, range, disjunction.RightOperand, false),
            _ => false,
        };

    private static void AnalyzeSequence(SymbolAnalysisContext context, TypeSequenceInfo info, IMethodSymbol method, MethodBody body,
                                        CallbackOperations operations, ConcurrentQueue<(ImmutableArray<INamedTypeSymbol>, Diagnostic)> pending)
    {
        var types = info.Types;
        var notifier = method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, types.Notifier));
        var sequence = method.Parameters.FirstOrDefault(p => p.Type.SpecialType == SpecialType.System_UInt64);
        if (notifier is null || sequence is null || !operations.MayReturnConstant(true))
        {
            return;
        }

        var callsSetSequence = info.CallsSetSequence(body, method) || IsFallbackOfSettingStart(info, method);
        var castTypes = callsSetSequence ? ImmutableArray<INamedTypeSymbol>.Empty : CastTypes(types, notifier, operations.All);
        if ((!callsSetSequence && castTypes.IsEmpty) || (callsSetSequence && SetSequenceOnEveryPath(info, operations)))
        {
            return;
        }

        var cfg = body.GetControlFlowGraph();
        if (cfg is null || SequenceFlow.Run(info, method, body, cfg, context.CancellationToken) is not { } run)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(NotifierProperty, notifier.Name)
            .Add(SequenceProperty, sequence.Name);
        foreach (var statement in OnePerLine(run.Flow.OffendingReturns(body, cfg, run.Result)))
        {
            var diagnostic = Diagnostic.Create(Descriptors.NTF008, ReturnSites.LocationOf(statement), properties,
                                               method.Name, notifier.Name, sequence.Name);
            if (callsSetSequence)
            {
                context.ReportDiagnostic(diagnostic);
            }
            else
            {
                pending.Enqueue((castTypes, diagnostic));
            }
        }
    }

    /// <summary>
    /// Pre-filter for NTF008, so that no graph is built for the common shape: a direct <c>SetSequence</c> call that
    /// is a statement of the method body (nested only in blocks, <c>lock</c> and <c>using</c> bodies and the bodies of
    /// <c>try</c> statements without <c>catch</c>: no branch, loop, catch, conditional access or function around it) and
    /// comes before every return of the method that could yield a constant <c>true</c> (no other return is ever
    /// offending), in a method without <c>goto</c>. Every path to every such return then runs the call, so the flow
    /// could find nothing.
    /// </summary>
    private static bool SetSequenceOnEveryPath(TypeSequenceInfo info, CallbackOperations operations)
    {
        if (operations.HasGoto)
        {
            return false;
        }

        var earliest = int.MaxValue;
        foreach (var invocation in operations.Invocations)
        {
            if (info.IsSetSequence(invocation.TargetMethod) && invocation.Syntax.Span.End < earliest && IsUnconditionalStatement(invocation))
            {
                earliest = invocation.Syntax.Span.End;
            }
        }

        if (earliest == int.MaxValue)
        {
            return false;
        }

        foreach (var returnOperation in operations.Returns)
        {
            // Only a constant true can be an offending return (a false, a call, a variable never is).
            if (ReturnSites.MayYieldConstant(returnOperation, true) && returnOperation.Syntax.SpanStart < earliest)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="invocation"/> is an expression statement nested only in blocks, lock, using and catch-less try bodies.</summary>
    private static bool IsUnconditionalStatement(IOperation invocation)
    {
        if (invocation.Parent is not IExpressionStatementOperation statement)
        {
            return false;
        }

        IOperation child = statement;
        for (var parent = statement.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IBlockOperation:
                case ILockOperation @lock when @lock.Body == child:
                case IUsingOperation @using when @using.Body == child:
                case ITryOperation { Catches.IsEmpty: true } @try when @try.Body == child:
                    continue;
                case IMethodBodyOperation when parent.Parent is null:
                    return true;
                default:
                    return false;
            }
        }

        return child is IBlockOperation; // a body block at the root
    }

    /// <summary>
    /// Whether <paramref name="method"/> is an <c>Invalidate</c> that the type's own <c>InvalidateStart</c> calls as its
    /// single-pass fallback while the start calls SetSequence itself: that path of the start is judged by this
    /// body (RULES.md), so the start's call counts as "SetSequence on another path".
    /// </summary>
    private static bool IsFallbackOfSettingStart(TypeSequenceInfo info, IMethodSymbol method)
    {
        if (info.Types.GetCallbackKind(method) != CallbackKind.Invalidate)
        {
            return false;
        }

        foreach (var other in info.Bodies.Bodies)
        {
            if (other.Owner is IMethodSymbol start && info.Types.GetCallbackKind(start) == CallbackKind.InvalidateStart
                && other.Operations().Any(o => o is IInvocationOperation call
                                               && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
                && info.CallsSetSequence(other, start))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The derived notifier types the callback casts (or pattern-matches) its notifier parameter to.</summary>
    private static ImmutableArray<INamedTypeSymbol> CastTypes(NotifierTypes types, IParameterSymbol notifier, IReadOnlyList<IOperation> operations)
    {
        var result = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var operation in operations)
        {
            ITypeSymbol? target = null;
            switch (operation)
            {
                case IConversionOperation conversion when IsParameter(conversion.Operand, notifier):
                    target = conversion.Type;
                    break;
                case IPatternOperation pattern when IsParameter(PatternInput(pattern), notifier):
                    target = pattern switch
                    {
                        IDeclarationPatternOperation declaration => declaration.MatchedType,
                        ITypePatternOperation typePattern => typePattern.MatchedType,
                        IRecursivePatternOperation recursive => recursive.MatchedType,
                        _ => null,
                    };
                    break;
            }

            if (target is INamedTypeSymbol named && types.IsNotifierType(named)
                && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, types.Notifier)
                && !result.Contains(named, SymbolEqualityComparer.Default))
            {
                result.Add(named);
            }
        }

        return result.ToImmutable();
    }

    private static IOperation? PatternInput(IPatternOperation pattern)
    {
        IOperation current = pattern;
        while (current.Parent is INegatedPatternOperation or IBinaryPatternOperation)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IIsPatternOperation isPattern => isPattern.Value,
            ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation switchExpression } => switchExpression.Value,
            IPatternCaseClauseOperation { Parent: ISwitchCaseOperation { Parent: ISwitchOperation switchStatement } } => switchStatement.Value,
            _ => null,
        };
    }

    private static bool IsParameter(IOperation? operation, IParameterSymbol parameter)
        => operation is not null && OperationFacts.StripConversions(operation) is IParameterReferenceOperation reference
           && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

    /// <summary>RULES.md: one diagnostic per offending line (the first statement of each line).</summary>
    private static IEnumerable<SyntaxNode> OnePerLine(IReadOnlyList<SyntaxNode> statements)
    {
        var lines = new HashSet<(string, int)>();
        foreach (var statement in statements.OrderBy(s => s.SpanStart))
        {
            var line = statement.GetLocation().GetLineSpan();
            if (lines.Add((line.Path, line.StartLinePosition.Line)))
            {
                yield return statement;
            }
        }
    }

    private static bool IsLiteralReturn(SyntaxNode statement, bool value)
        => statement is Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax
           {
               Expression: Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal,
           }
           && literal.Token.Value is bool b && b == value;

    /// <summary>
    /// The operations of one callback body, with what the pre-filters look at picked out in one pass: the returns of
    /// the callback itself (not of its lambdas and local functions), the invocations, the writes that may hand out a
    /// finish, and whether the body has errors or a <c>goto</c>.
    /// </summary>
    private sealed class CallbackOperations
    {
        public CallbackOperations(IReadOnlyList<IOperation> all)
        {
            All = all;
            foreach (var operation in all)
            {
                switch (operation)
                {
                    case IInvalidOperation:
                        HasInvalid = true;
                        break;
                    case IBranchOperation { BranchKind: BranchKind.GoTo }:
                        HasGoto = true;
                        break;
                    case IReturnOperation returnOperation when !OperationFacts.IsInsideFunction(returnOperation):
                        Returns.Add(returnOperation);
                        break;
                    case IInvocationOperation invocation:
                        Invocations.Add(invocation);
                        break;
                    case ISimpleAssignmentOperation or IArgumentOperation or ICoalesceAssignmentOperation:
                        Writes.Add(operation);
                        break;
                }
            }
        }

        public IReadOnlyList<IOperation> All { get; }

        public bool HasInvalid { get; }

        public bool HasGoto { get; }

        public List<IReturnOperation> Returns { get; } = new();

        public List<IInvocationOperation> Invocations { get; } = new();

        public List<IOperation> Writes { get; } = new();

        /// <summary>Whether a return of the callback could yield the constant <paramref name="expected"/>.</summary>
        public bool MayReturnConstant(bool expected)
        {
            foreach (var returnOperation in Returns)
            {
                if (ReturnSites.MayYieldConstant(returnOperation, expected))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
