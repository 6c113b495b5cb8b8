using Microsoft.CodeAnalysis.Diagnostics;

using IntervalNotifiers.Analyzers.Speed;

namespace IntervalNotifiers.Analyzers.Core;

/// <summary>
/// The set-up every IntervalNotifiers analyzer shares: concurrent execution, no analysis of generated code, and
/// one compilation-start action that resolves <see cref="NotifierTypes"/> and registers nothing when the
/// compilation does not reference the runtime (<see cref="NotifierTypes.TryCreate"/> returns null) or when its source
/// cannot use it (<see cref="UnusedRuntime"/>: no file names the runtime's namespace, no other reference builds on it).
/// </summary>
public abstract class NotifierAnalyzer : DiagnosticAnalyzer
{
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = NotifierTypes.TryCreate(start.Compilation);
            if (types is null || UnusedRuntime.IsProven(start.Compilation, types, start.CancellationToken))
            {
                return;
            }

            OnCompilationStart(start, types);
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references the runtime.</summary>
    protected abstract void OnCompilationStart(CompilationStartAnalysisContext start, NotifierTypes types);
}
