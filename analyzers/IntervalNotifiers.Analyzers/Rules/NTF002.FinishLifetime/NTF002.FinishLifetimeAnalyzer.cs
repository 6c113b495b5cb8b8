using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.FinishLifetime;
using IntervalNotifiers.Analyzers.Rules.FinishLifetime.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF002: a finish object used outside the two-pass list (docs/rules/NTF002.md). The list is the start and finish
/// overrides of an ops type and the private or internal helpers called only from them
/// (<see cref="TypeBodies.MembershipOf"/>); inside it every use of a finish value is walked up to its consumer, and
/// only stores, escaping captures and calls that provably keep the finish are reported
/// (<c>NTF002.FinishLifetimeAnalyzer.ListUses.cs</c>). Anywhere in user code, creating a finish outside the start
/// (<c>.Creations.cs</c>) and calling <c>InvalidateFinish</c> (<c>.DirectCalls.cs</c>) are reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class FinishLifetimeAnalyzer : NotifierAnalyzer
{
    /// <summary>The diagnostic property naming the sub-case; the code fixes read it.</summary>
    public const string KindKey = "NTF002.Kind";

    /// <summary>
    /// The diagnostic property carrying, for a <see cref="KindEscape"/> diagnostic, how the finish leaves the list:
    /// the name of an <c>EscapeKind</c> member (<c>Field</c>, <c>CapturedByLambda</c>, <c>PassedToMethod</c>, ...).
    /// </summary>
    public const string EscapeKindKey = "NTF002.EscapeKind";

    /// <summary>A direct call of InvalidateFinish (fix: remove the call).</summary>
    public const string KindCall = "Call";

    /// <summary>A long-lived finish handed out through 'out finish' (fix: one per invocation).</summary>
    public const string KindHandOut = "HandOut";

    /// <summary>A finish that leaves the list: stored, captured by an escaping delegate, passed to code that keeps it.</summary>
    public const string KindEscape = "Escape";

    /// <summary>'finish.Notifier' read inside the start.</summary>
    public const string KindNotifier = "Notifier";

    /// <summary>A finish created outside the start.</summary>
    public const string KindCreate = "Create";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF002);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        var summaries = new KeepSummaries(start.Compilation, types);

        // One registration per type. An ops type's own members are judged with the whole type at its symbol end. Code
        // outside ops types, per type: only a type whose text may name a finish or InvalidateFinish is checked
        // (Rules/NTF002.FinishLifetime/Speed/NTF002.OutsideOpsTextFilter.cs). The operations of a type nested in an ops
        // type are judged by the nested type's own registration (each operation only by the type that declares its
        // member, AnalyzeOutsideOps), so an ops type registers no per-operation check: every operation it would judge is
        // in a member of its own, which its symbol end judges.
        var outside = new OutsideOpsTextFilter(start.Compilation, types);
        start.RegisterSymbolStartAction(symbolStart =>
        {
            if (symbolStart.Symbol is not INamedTypeSymbol type)
            {
                return;
            }

            if (types.IsOpsType(type))
            {
                TypeBodies.Collect(symbolStart, types, (end, bodies) => AnalyzeOpsType(end, types, bodies, summaries));
            }
            else if (outside.MayCreateOrFinish(type, symbolStart.CancellationToken))
            {
                symbolStart.RegisterOperationAction(
                    operationContext => AnalyzeOutsideOps(operationContext, types, type),
                    OperationKind.ObjectCreation, OperationKind.TypeParameterObjectCreation, OperationKind.Invocation,
                    OperationKind.MethodReference);
            }
        }, SymbolKind.NamedType);
    }

    /// <summary>Code outside ops types: creations of finishes and direct InvalidateFinish calls only.</summary>
    private static void AnalyzeOutsideOps(OperationAnalysisContext context, NotifierTypes types, INamedTypeSymbol type)
    {
        var owner = context.ContainingSymbol;
        if (owner is null || !SymbolEqualityComparer.Default.Equals(owner.ContainingType, type))
        {
            return; // judged by the registration of the type that declares the member (once)
        }

        // The owner's type is this registration's type, which is no ops type (an ops type registers no per-operation check).
        var operation = context.Operation;
        var (target, isCall) = operation.Kind switch
        {
            OperationKind.Invocation when operation is IInvocationOperation invocation => (invocation.TargetMethod, true),
            OperationKind.MethodReference when operation is IMethodReferenceOperation reference => (reference.Method, true),
            _ => (null, false),
        };
        if (isCall ? !IsInvalidateFinish(types, target) : !types.IsFinishType(operation.Type))
        {
            return;
        }

        var diagnostic = isCall
            ? CheckInvalidateFinishCall(types, operation, target, owner)
            : CheckCreation(types, operation, owner, inStart: IsFinishFactoryHook(types, owner as IMethodSymbol));
        if (diagnostic is not null)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static Diagnostic Create(SyntaxNode syntax, string kind, string message)
        => Diagnostic.Create(Descriptors.NTF002, syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(KindKey, kind), message);

    private static Diagnostic CreateEscape(SyntaxNode syntax, EscapeKind escapeKind, string message)
        => Diagnostic.Create(Descriptors.NTF002, syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(KindKey, KindEscape).Add(EscapeKindKey, escapeKind.ToString()),
            message);
}
