using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>Semantic models of the other trees a fix reads (a helper's body, the writes of a flag, the readers of a lock).</summary>
internal static class SemanticModels
{
    /// <summary>The model of <paramref name="tree"/>: <paramref name="model"/> itself when it is that tree's, else a model of the same compilation.</summary>
    public static SemanticModel For(SemanticModel model, SyntaxTree tree)
        => tree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(tree);
}
