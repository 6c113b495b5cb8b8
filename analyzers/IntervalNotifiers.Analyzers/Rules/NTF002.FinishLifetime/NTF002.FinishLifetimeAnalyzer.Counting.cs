using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// NTF002's counting and place (docs/contract.md#counting-and-place): one diagnostic per escaping lambda or local
/// function, on its first capture of the finish with the other captures as additional locations; then one
/// diagnostic per offending line.
/// </summary>
public sealed partial class FinishLifetimeAnalyzer
{
    private static void ReportOnePerPlace(SymbolAnalysisContext context, List<Finding> found)
    {
        if (found.Count == 0)
        {
            return; // the usual case: no grouping, no sorting
        }

        var merged = new List<Diagnostic>(found.Count);
        foreach (var finding in found)
        {
            if (finding.Function is null)
            {
                merged.Add(finding.Diagnostic);
            }
        }

        foreach (var group in found.Where(f => f.Function is not null).GroupBy(f => f.Function!, OperationIdentity.Instance))
        {
            var captures = group.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start).ToList();
            var first = captures[0];
            merged.Add(captures.Count == 1
                ? first.Diagnostic
                : Diagnostic.Create(Descriptors.NTF002, first.Diagnostic.Location,
                    captures.Skip(1).Select(f => f.Diagnostic.Location), first.Diagnostic.Properties, first.Message));
        }

        foreach (var group in merged.GroupBy(d => (d.Location.SourceTree, d.Location.GetLineSpan().StartLinePosition.Line)))
        {
            context.ReportDiagnostic(group.OrderBy(d => d.Location.SourceSpan.Start).First());
        }
    }

    /// <summary>A diagnostic found in the list, with the escaping function whose capture it is (or null) and its message.</summary>
    private readonly struct Finding
    {
        public Finding(Diagnostic diagnostic, IOperation? function = null, string? message = null)
        {
            Diagnostic = diagnostic;
            Function = function;
            Message = message;
        }

        public Diagnostic Diagnostic { get; }

        public IOperation? Function { get; }

        public string? Message { get; }
    }
}
