using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using IntervalNotifiers.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace IntervalNotifiers.CodeFixes;

/// <summary>
/// NTF005 (an ops type overrides <c>InvalidateFinish</c> but not <c>InvalidateStart</c>): adds an
/// <c>InvalidateStart</c> that hands out the finish the finish pass expects. The finish type mirrors what
/// <c>InvalidateFinish</c> reads (its cast, <c>as</c> or type pattern; <c>NotifierFinish</c> when it reads none); when
/// the finish returns it to a pool of the type, the start rents it from that pool. When the type has an
/// <c>Invalidate</c>, the start runs it first (so its work and its <c>SetSequence</c> keep running) and returns
/// false with no finish whenever it returned false (a false on a blockable range stays a violation the runtime
/// reports); otherwise the start calls
/// <c>notifier.SetSequence(currentSequence)</c> and returns true. The start hands out an unfilled finish only when
/// <c>InvalidateFinish</c> reads none of its fields or properties (see
/// <c>NTF005AddInvalidateStartCodeFix.FinishReads.cs</c>); otherwise, and on an empty pool, it fails loudly
/// (<c>NotImplementedException</c> naming what to write), never silently (docs/contract.md#what-a-fix-leaves-behind).
/// A type that declares its own <c>InvalidateStart</c> without <c>override</c> gets that method made the override
/// instead (see <c>Common/CallbackSlot.cs</c>), or no fix when it cannot be.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NTF005AddInvalidateStartCodeFix)), Shared]
public sealed partial class NTF005AddInvalidateStartCodeFix : NotifierCodeFixProvider
{
    public const string AddInvalidateStartKey = "NTF005.AddInvalidateStart";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FinishWithoutStart);

    protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (await OpsTypeSyntax.ReportedTypeAsync(context, root, diagnostic).ConfigureAwait(false) is not (var types, var type)
            || types.FindOverride(type, CallbackKind.InvalidateFinish) is not { } finish
            || types.FindOverride(type, CallbackKind.InvalidateStart) is not null
            || await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false) is not { } model)
        {
            return;
        }

        // The user's own InvalidateStart with 'override' forgotten becomes the override; a member of that name that
        // cannot (another signature, static, generic) gets no fix: a second InvalidateStart would not compile.
        var slot = CallbackSlot.Find(types, type, CallbackKind.InvalidateStart, model.Compilation, context.CancellationToken);
        if (slot.Declaration is not null)
        {
            slot.RegisterMakeOverride(context, diagnostic, AddInvalidateStartKey);
            return;
        }

        if (slot.IsFree)
        {
            context.RegisterCodeFix(CodeAction.Create(
                "Add an InvalidateStart override that hands out a finish",
                token => AddStartAsync(context.Document, types, type, finish, diagnostic.Location.SourceSpan, token),
                AddInvalidateStartKey), diagnostic);
        }
    }

    private static async Task<Document> AddStartAsync(Document document, NotifierTypes types, INamedTypeSymbol type,
                                                      IMethodSymbol finish, TextSpan reported, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || OpsTypeSyntax.ReportedDeclaration(root, type, reported, cancellationToken) is not { } declaration)
        {
            return document;
        }

        var position = declaration.OpenBraceToken.Span.End;
        var finishBody = finish.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken))
                                                         .FirstOrDefault(s => model.Compilation.ContainsSyntaxTree(s.SyntaxTree));
        var finishModel = finishBody is null ? null : model.Compilation.GetSemanticModel(finishBody.SyntaxTree);
        var pool = finishBody is null || finishModel is null ? null : PoolMember.Called(finishBody, finishModel, types.PoolReturn, cancellationToken);
        if (pool is not null && !model.IsAccessible(position, pool.Member))
        {
            pool = null;
        }

        var finishType = pool?.FinishType
                         ?? (finishBody is null || finishModel is null ? null : ReadAs(finishBody, finishModel, types, cancellationToken))
                         ?? types.Finish;
        var reads = finishBody is null ? null : ReadsOf(finishBody, finish, model.Compilation, types, cancellationToken);
        // The type's Invalidate: its override, or the user's own Invalidate with 'override' forgotten (the start calls
        // it all the same: a method of the type itself wins over the runtime's).
        var invalidate = types.FindOverride(type, CallbackKind.Invalidate)
                         ?? CallbackSlot.Find(types, type, CallbackKind.Invalidate, model.Compilation, cancellationToken).Method;
        var nullable = model.GetNullableContext(position).AnnotationsEnabled() ? "?" : "";
        var lines = new List<string>
        {
            $"public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish{nullable} finish)",
            "{",
        };
        lines.AddRange(StartBody(model, position, types, type, finishType, pool, reads, invalidate is not null).Select(line => line.Length == 0 ? line : "    " + line));
        lines.Add("}");

        var after = finish.ContainingType.Equals(type, SymbolEqualityComparer.Default)
            ? declaration.Members.OfType<MethodDeclarationSyntax>().LastOrDefault(m => m.Identifier.ValueText == "InvalidateFinish")
            : null;
        var member = SyntaxHelpers.ParseMember(root, after is not null || declaration.Members.Count > 0, lines.ToArray());
        member = member.ReplaceNodes(member.DescendantNodes().OfType<QualifiedNameSyntax>(),
                                     (_, name) => name.WithAdditionalAnnotations(Simplifier.Annotation));
        return document.WithSyntaxRoot(OpsTypeSyntax.InsertMember(
            root, model, declaration, after, member, "IntervalNotifier", "NotifierRange", "NotifierFinish"));
    }

    /// <summary>
    /// The new start's statements. It hands out a new (or rented) finish only when that finish is all the finish pass
    /// needs: <c>InvalidateFinish</c> reads no field or property of a finish type and passes the finish nowhere the
    /// scan cannot follow. Otherwise only the user knows what to start and store in the finish (a fence, a ticket,
    /// the pages), so the start throws <c>NotImplementedException</c> naming what to write and rents nothing: an
    /// unfilled finish would make the finish pass dereference null or wait on nothing, silently
    /// (docs/contract.md#what-a-fix-leaves-behind).
    /// </summary>
    private static IEnumerable<string> StartBody(SemanticModel model, int position, NotifierTypes types, INamedTypeSymbol type,
                                                 INamedTypeSymbol finishType, PoolMember? pool, FinishReads? reads,
                                                 bool hasInvalidate)
    {
        var typeName = finishType.ToMinimalDisplayString(model, position);
        var creatable = !finishType.IsAbstract
                        && finishType.InstanceConstructors.Any(c => c.Parameters.IsEmpty && model.IsAccessible(position, c));
        if (hasInvalidate)
        {
            // The single-pass work keeps running (with its own SetSequence). What it returns is passed on as is: a
            // false ends the start with no finish, on any range, so that a false on a blockable range (a contract
            // violation) still reaches the runtime, which reports it, instead of being turned into a silent true.
            yield return "if (!Invalidate(notifier, range, currentSequence))";
            yield return "{";
            yield return "    finish = null;";
            yield return "    return false;";
            yield return "}";
            yield return "";
        }

        if (reads is null || reads.NeedsFilling || (pool is null && !creatable))
        {
            yield return $"throw new System.NotImplementedException({SyntaxFactory.Literal(FillMessage(type, finishType, pool, reads, hasInvalidate, types)).Text});";
            yield break;
        }

        if (!hasInvalidate)
        {
            yield return "notifier.SetSequence(currentSequence);";
        }

        if (pool is not null)
        {
            var message = SyntaxFactory.Literal(
                $"{type.Name}.InvalidateStart: the pool '{pool.Member.Name}' is empty; do the whole invalidation here "
                + "(what InvalidateFinish does), then set finish = null and return true").Text;
            yield return $"if (!{pool.Name}.TryRent(out var rented))";
            yield return "{";
            yield return $"    throw new System.NotImplementedException({message});";
            yield return "}";
            yield return "";
            yield return "finish = rented;";
        }
        else
        {
            yield return $"finish = new {typeName}();";
        }

        yield return "return true;";
    }

    /// <summary>What the user must write in place of the loud start's <c>throw</c>.</summary>
    private static string FillMessage(INamedTypeSymbol type, INamedTypeSymbol finishType, PoolMember? pool,
                                      FinishReads? reads, bool hasInvalidate, NotifierTypes types)
    {
        var finishName = finishType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        var get = pool is not null
            ? $"rent a {finishName} from '{pool.Member.Name}' (and return it there on any path that does not hand it out)"
            : SymbolEqualityComparer.Default.Equals(finishType, types.Finish)
                ? "create the finish InvalidateFinish expects" // it casts to several finish types, or to none the fix sees
                : $"create a {finishName}";
        var fill = reads is { Members.Count: > 0 }
            ? $", fill its {string.Join(", ", reads.Members)} (what InvalidateFinish reads)"
            : reads is null || reads.PassedOn
                ? FinishState.Carried(finishType) is { Length: > 0 } carried
                    ? $", fill what InvalidateFinish reads of it (it carries {carried})"
                    : ", fill what InvalidateFinish expects of it (this fix cannot see all that it reads)"
                : "";
        return $"{type.Name}.InvalidateStart: start the slow work that InvalidateFinish waits for, "
               + (hasInvalidate ? "" : "call notifier.SetSequence(currentSequence), ")
               + $"{get}{fill}, hand it out with finish = ..., then return true";
    }

    /// <summary>The one finish type (below <c>NotifierFinish</c>) that <paramref name="finishBody"/> casts its finish to or tests it for.</summary>
    private static INamedTypeSymbol? ReadAs(SyntaxNode finishBody, SemanticModel model, NotifierTypes types,
                                            CancellationToken cancellationToken)
    {
        INamedTypeSymbol? found = null;
        foreach (var node in finishBody.DescendantNodes())
        {
            var typeSyntax = node switch
            {
                CastExpressionSyntax cast => cast.Type,
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression or (int)SyntaxKind.IsExpression } test => test.Right as TypeSyntax,
                DeclarationPatternSyntax pattern => pattern.Type,
                RecursivePatternSyntax pattern => pattern.Type,
                TypePatternSyntax pattern => pattern.Type,
                _ => null,
            };
            if (typeSyntax is null
                || model.GetTypeInfo(typeSyntax, cancellationToken).Type is not INamedTypeSymbol type
                || !types.IsFinishType(type)
                || SymbolEqualityComparer.Default.Equals(type, types.Finish))
            {
                continue;
            }

            if (found is not null && !SymbolEqualityComparer.Default.Equals(found, type))
            {
                return null;
            }

            found = type;
        }

        return found;
    }
}
