using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IntervalNotifiers.Analyzers;

/// <summary>
/// The read side of the sequence protocol (the kernel's <c>mmu_interval_read_begin</c> /
/// <c>mmu_interval_read_retry</c>): NTF009 (a ReadBegin result never checked, <c>ReadSideAnalyzer.NTF009.cs</c>) and
/// NTF010 (ReadRetry outside any lock, or under another lock than the one the ops type holds around SetSequence,
/// <c>ReadSideAnalyzer.NTF010.cs</c>).
/// </summary>
/// <remarks>
/// NTF009 and the "outside any lock" case of NTF010 are judged inside one method (a private helper takes
/// the locks of its callers in the same type). The "different lock" case ties readers and ops types of
/// the whole compilation and is reported at the compilation's end, through <see cref="Descriptors.NTF010CompilationEnd"/>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class ReadSideAnalyzer : NotifierAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NTF009, Descriptors.NTF010, Descriptors.NTF010CompilationEnd);

    protected override void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types)
    {
        RegisterUncheckedReadBegin(start, types);
        RegisterReadRetryLock(start, types);
    }
}
