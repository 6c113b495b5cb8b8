using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using System.Threading;

namespace IntervalNotifiers.Analyzers;

public sealed partial class CallbackFlowAnalyzer
{
    /// <summary>
    /// NTF008's compilation-wide half: the derived notifier types whose sequence the compilation reads
    /// (<c>ReadBegin</c>/<c>ReadRetry</c> through a receiver of that static type, docs/rules/NTF008.md), and the
    /// diagnostics of callbacks that never call SetSequence, held until compilation end and reported there when
    /// the notifier type they cast to (or a type derived from it) is read. The path question of such a callback is
    /// itself held (a closure): its graph is built only when one of its cast types is read, which for the drivers
    /// whose sequence nobody reads (radeon, gntdev) is never.
    /// </summary>
    private sealed class SequenceReads
    {
        private readonly NotifierTypes _types;
        private readonly ConcurrentDictionary<INamedTypeSymbol, byte> _reads = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentQueue<(ImmutableArray<INamedTypeSymbol> CastTypes, System.Func<CancellationToken, IEnumerable<Diagnostic>> Diagnostics)> _pending = new();

        private readonly SourceNames _names;

        public SequenceReads(NotifierTypes types, Compilation compilation)
        {
            _types = types;
            _names = SourceNames.For(compilation);
        }

        /// <summary>
        /// Registers, in the symbol-start scope of the analyzer's per-type registration, the collection of the sequence reads
        /// of a type: only a type whose declarations spell ReadBegin or ReadRetry can read a sequence (Speed/SourceNames.cs).
        /// </summary>
        public void RegisterFor(SymbolStartAnalysisContext symbolStart)
        {
            if (_names.MayName(symbolStart.Symbol, SourceNames.ReadBegin | SourceNames.ReadRetry, symbolStart.CancellationToken))
            {
                symbolStart.RegisterOperationAction(Collect, OperationKind.Invocation);
            }
        }

        /// <summary>
        /// Holds <paramref name="diagnostics"/> until compilation end, when it is run and its diagnostics reported if one of
        /// <paramref name="castTypes"/> is read.
        /// </summary>
        public void ReportIfRead(ImmutableArray<INamedTypeSymbol> castTypes, System.Func<CancellationToken, IEnumerable<Diagnostic>> diagnostics)
            => _pending.Enqueue((castTypes, diagnostics));

        private void Collect(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!NotifierTypes.Is(invocation.TargetMethod, _types.ReadBegin) && !NotifierTypes.Is(invocation.TargetMethod, _types.ReadRetry))
            {
                return;
            }

            // Only a receiver whose static type is a derived notifier type ties the read to that type.
            if (invocation.Instance?.Type is INamedTypeSymbol receiver
                && _types.IsNotifierType(receiver)
                && !SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition, _types.Notifier))
            {
                _reads.TryAdd(receiver.OriginalDefinition, 0);
            }
        }

        /// <summary>The compilation-end report (registered by the analyzer; <see cref="RegisterFor"/> collects the reads type by type).</summary>
        public void ReportAtEnd(CompilationAnalysisContext end)
        {
            if (_pending.IsEmpty || _reads.IsEmpty)
            {
                return;
            }

            // The reads are complete at compilation end: copy them once (the dictionary's Keys would lock and copy per question).
            var reads = new List<INamedTypeSymbol>(_reads.Count);
            foreach (var read in _reads)
            {
                reads.Add(read.Key);
            }

            foreach (var (castTypes, diagnostics) in _pending)
            {
                foreach (var cast in castTypes)
                {
                    if (IsRead(reads, cast))
                    {
                        foreach (var diagnostic in diagnostics(end.CancellationToken))
                        {
                            end.ReportDiagnostic(diagnostic);
                        }

                        break;
                    }
                }
            }
        }

        /// <summary>Whether some read's receiver type (<paramref name="reads"/>) is <paramref name="cast"/> or derives from it.</summary>
        private static bool IsRead(List<INamedTypeSymbol> reads, INamedTypeSymbol cast)
        {
            foreach (var read in reads)
            {
                for (INamedTypeSymbol? t = read; t is not null; t = t.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, cast.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
