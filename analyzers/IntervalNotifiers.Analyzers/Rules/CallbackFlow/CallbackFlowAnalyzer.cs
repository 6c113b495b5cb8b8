using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow;
using IntervalNotifiers.Analyzers.Rules.CallbackFlow.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// Path rules over the bodies of the invalidate callbacks, on Roslyn's control-flow graph: NTF006 (a finish handed
/// out on a false return), NTF007 (false on a blockable range) and NTF008 (true without SetSequence). Each rule
/// lives in its own partial file under <c>Rules/CallbackFlow/</c> (<c>NTF00n.*.cs</c>, its pre-filter in
/// <c>NTF00n.*.Prefilter.cs</c>, its flow in <c>NTF00n.*Flow.cs</c>); the engine they share is in
/// <c>Rules/CallbackFlow/Engine/</c>. This file only walks the callbacks of each ops type and hands each one to the
/// rules. Graphs are built only for the <c>Invalidate</c> / <c>InvalidateStart</c> overrides of ops types (and the
/// in-callback helpers NTF008 follows), and only when neither the rule's pre-filter nor its answer on the operation
/// tree (<c>NTF006.*.Tree.cs</c>, <c>NTF007.*.Tree.cs</c>, <c>NTF008.*.Tree.cs</c> on the shared <see cref="TreeFlow{TState}"/>) can rule the
/// callback out: on realistic structured code they nearly always can.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class CallbackFlowAnalyzer : NotifierAnalyzer
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

    /// <summary>False only in the tests that check the pre-filters against the flows (every callback then gets its flow).</summary>
    private readonly bool _prefilters;

    public CallbackFlowAnalyzer()
        : this(prefilters: true)
    {
    }

    /// <summary>Counts what the rules did, for the tests and measurements; null (nothing counted) by default.</summary>
    private readonly CallbackFlowWork? _work;

    /// <summary>An analyzer whose pre-filters are on or off (off: the flows alone decide, for the pre-filter tests).</summary>
    internal CallbackFlowAnalyzer(bool prefilters, CallbackFlowWork? work = null)
    {
        _prefilters = prefilters;
        _work = work;
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF006, Descriptors.NTF007, Descriptors.NTF008, Descriptors.NTF008CompilationEnd);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        var sequenceReads = new SequenceReads(types, start.Compilation);
        start.RegisterCompilationEndAction(sequenceReads.ReportAtEnd);

        start.RegisterSymbolStartAction(symbolStart =>
        {
            sequenceReads.RegisterFor(symbolStart);
            if (symbolStart.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Class } type && types.IsOpsType(type))
            {
                TypeBodies.Collect(symbolStart, types, (end, bodies) => AnalyzeType(end, bodies, sequenceReads));
            }
        }, SymbolKind.NamedType);
    }

    private void AnalyzeType(SymbolAnalysisContext context, TypeBodies bodies, SequenceReads sequenceReads)
    {
        var types = bodies.Types;
        SetSequenceCalls? setSequenceCalls = null;
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

            _work?.Count("callback");
            var operations = new CallbackOperations(body.Operations());
            if (operations.HasInvalid)
            {
                // Half-typed code: its paths mean nothing yet; say nothing until it binds.
                continue;
            }

            if (kind == CallbackKind.InvalidateStart)
            {
                AnalyzeFinishOnFalseReturn(context, types, method, body, operations);
            }

            AnalyzeBlockableReturn(context, types, method, body, operations);

            if (!_prefilters || operations.MayReturnConstant(true))
            {
                setSequenceCalls ??= new SetSequenceCalls(bodies, context.CancellationToken, _work);
                AnalyzeMissingSetSequence(context, setSequenceCalls, method, body, operations, sequenceReads);
            }
        }
    }

    /// <summary>One diagnostic per offending line, the first statement of each line (docs/contract.md#counting-and-place).</summary>
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

    /// <summary>The properties of a NTF006/NTF007 diagnostic: the parameter's name, and whether the return is a plain <c>return false;</c>.</summary>
    private static ImmutableDictionary<string, string?> ReturnFalseProperties(SyntaxNode statement, string property, string parameterName)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(property, parameterName);
        return statement is ReturnStatementSyntax { Expression: LiteralExpressionSyntax literal } && literal.Token.Value is false
            ? properties.Add(LiteralReturnProperty, "true")
            : properties;
    }
}
