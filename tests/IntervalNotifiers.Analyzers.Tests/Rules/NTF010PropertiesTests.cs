using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// The diagnostic properties the NTF010 code fix (NTF010TakeLockCodeFix) reads (<see cref="ReadRetryLockProperties"/>): present, with the
/// lock's member name and whether it is a <c>lock</c> statement, exactly when the message names the lock.
/// </summary>
public class NTF010PropertiesTests
{
    private const string Source = """
        using System.Threading;
        using IntervalNotifiers;

        class PageNotifier : IntervalNotifier
        {
            public PageNotifier(IntervalNotifierOps ops) : base(ops) { }
        }

        sealed class LockedOps : IntervalNotifierOps
        {
            private readonly object _lock = new object();

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (_lock)
                {
                    notifier.SetSequence(currentSequence);
                }

                return true;
            }

            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !page.ReadRetry(seq); // locked
            }
        }

        sealed class GatedOps : IntervalNotifierOps
        {
            internal static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                Gate.Wait();
                try
                {
                    notifier.SetSequence(currentSequence);
                }
                finally
                {
                    Gate.Release();
                }

                return true;
            }

            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !page.ReadRetry(seq); // gated
            }
        }

        sealed class Reader
        {
            public bool Map(PageNotifier page)
            {
                var seq = page.ReadBegin();
                return !page.ReadRetry(seq); // plain
            }
        }
        """;

    private static async Task<Diagnostic> DiagnosticAt(string marker)
    {
        var compilation = ValidCodeTests.Compile("Properties", LanguageVersion.Latest, ("Test.cs", Source));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ReadSideAnalyzer()))
                                           .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        var line = Source.Split('\n').Select((text, index) => (text, index)).Single(l => l.text.Contains("// " + marker)).index;
        return Assert.Single(diagnostics, d => d.Id == "NTF010" && d.Location.GetLineSpan().StartLinePosition.Line == line);
    }

    [Fact]
    public async Task LockStatement_GivesTheMemberAndTrue()
    {
        var diagnostic = await DiagnosticAt("locked");
        Assert.Equal("_lock", diagnostic.Properties[ReadRetryLockProperties.LockMember]);
        Assert.Equal("_lock", diagnostic.Properties[ReadRetryLockProperties.LockExpression]);
        Assert.Equal("true", diagnostic.Properties[ReadRetryLockProperties.IsLockStatement]);
    }

    [Fact]
    public async Task Semaphore_GivesTheMemberAndFalse()
    {
        var diagnostic = await DiagnosticAt("gated");
        Assert.Equal("Gate", diagnostic.Properties[ReadRetryLockProperties.LockMember]);
        Assert.Equal("Gate", diagnostic.Properties[ReadRetryLockProperties.LockExpression]);
        Assert.Equal("false", diagnostic.Properties[ReadRetryLockProperties.IsLockStatement]);
    }

    [Fact]
    public async Task NoNameableLock_GivesNoProperties()
    {
        var diagnostic = await DiagnosticAt("plain");
        Assert.Empty(diagnostic.Properties);
    }
}
