using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using IntervalNotifiers.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Robustness;

/// <summary>
/// Hand-written crash probes, beside the fuzzer of <see cref="NoCrashTests"/>: half-typed callbacks, wrong override
/// signatures, a runtime whose types are partly missing or reshaped, top-level statements. Every analyzer of the
/// package runs on each under C# 7.3 and latest; no analyzer may throw.
/// </summary>
public sealed class CrashProbeTests
{
    private readonly ITestOutputHelper _output;

    public CrashProbeTests(ITestOutputHelper output) => _output = output;

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using IntervalNotifiers;

        """;

    public static TheoryData<string, string> HalfTypedSources() => new()
    {
        { "missing semicolons", Usings + """
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    var f = new NotifierFinish()
                    notifier.SetSequence(currentSequence)
                    finish = f
                    return true
                }
                public override void InvalidateFinish(NotifierFinish finish) { finish.Notifier.Remove() }
            }
            """ },
        { "missing parameters", Usings + """
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range)
                {
                    finish = new NotifierFinish();
                    return range.IsBlockable;
                }
                public override void InvalidateFinish() { }
                public override bool Invalidate(IntervalNotifier notifier, , ulong currentSequence) => false;
            }
            """ },
        { "out parameter not assigned", Usings + """
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish finish)
                {
                    if (!range.IsBlockable) return false;
                    notifier.SetSequence(currentSequence);
                    return true;
                }
                public override void InvalidateFinish(NotifierFinish finish) { }
            }
            """ },
        { "wrong override signatures", Usings + """
            class Finish : NotifierFinish { }
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, NotifierRange range, ulong currentSequence, out Finish finish)
                {
                    finish = new Finish();
                    return true;
                }
                public override int InvalidateFinish(Finish finish) => 0;
                public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, long currentSequence) => false;
                public override void InvalidateFinish(NotifierFinish finish, int extra) { }
            }
            """ },
        { "override of members that do not exist", Usings + """
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateEnd(IntervalNotifier notifier) { notifier.Remove(); return false; }
                public override NotifierFinish CreateFinish() => new NotifierFinish();
                public override bool Invalidate => true;
                public override event Action Invalidated;
                public override bool this[int i] => false;
            }
            """ },
        { "duplicate callbacks and cyclic bases", Usings + """
            class Ops : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish) { finish = null; return true; }
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish) { finish = new NotifierFinish(); return false; }
                public override void InvalidateFinish(NotifierFinish finish) => InvalidateFinish(finish);
            }
            class A : B { public override bool Invalidate(IntervalNotifier n, in NotifierRange r, ulong s) => false; }
            class B : A { }
            class C : C, IntervalNotifierOps { }
            """ },
        { "finish through ref locals, named and out arguments", Usings + """
            class Finish : NotifierFinish { public int X; }
            class Ops : IntervalNotifierOps
            {
                private Finish? _kept;
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    ref NotifierFinish? slot = ref finish;
                    slot = new Finish();
                    ref var kept = ref _kept;
                    kept = (Finish)slot;
                    var ok = Helper(currentSequence: currentSequence, finish: out finish, range: range, notifier: notifier);
                    return ok && this.InvalidateStart(notifier, range, currentSequence, out _);
                }
                private bool Helper(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    finish = new Finish { X = (int)currentSequence };
                    return range.IsBlockable ? true : false;
                }
                public override void InvalidateFinish(NotifierFinish finish)
                {
                    Action a = null!;
                    a = () => { a(); _ = finish; };
                    Func<Func<NotifierFinish>> deep = () => () => () => finish is null ? finish : finish;
                    _ = deep;
                }
            }
            """ },
        { "odd members in ops types", Usings + """
            unsafe class Ops : IntervalNotifierOps
            {
                static Ops() { var f = new NotifierFinish(); }
                ~Ops() { }
                public static implicit operator NotifierFinish(Ops ops) => new NotifierFinish();
                public NotifierFinish this[int i] { get => new NotifierFinish(); set => _ = value; }
                public event Action<NotifierFinish>? Done;
                public NotifierFinish Prop { get; } = new NotifierFinish();
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                {
                    int* p = stackalloc int[4];
                    goto skip;
                skip:
                    finish = this;
                    Done?.Invoke(finish!);
                    return __arglist == null;
                }
                public override void InvalidateFinish(NotifierFinish finish) => Done += f => _ = f.Notifier ?? finish.Notifier;
            }
            """ },
        { "read side half-typed", Usings + """
            class R : IntervalNotifier
            {
                public R() : base(null!) { }
                public object L = new();
                public ulong Read()
                {
                    var s = ReadBegin(;
                    lock (L) { if (ReadRetry()) return 0; }
                    lock () { ReadRetry(s, s); }
                    using (new Lock().EnterScope() { SetSequence(s) }
                    Monitor.Enter(L, ref);
                    return ReadRetry(s) ? s : CheckRetry(s
                }
            }
            """ },
        { "generic and nested ops types with constraints missing", Usings + """
            class Outer<T> where T : NotifierFinish, new()
            {
                public class Ops<U> : IntervalNotifierOps where U : T
                {
                    public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence, out NotifierFinish? finish)
                    {
                        finish = new U();
                        return true;
                    }
                    public override void InvalidateFinish(NotifierFinish finish) => new NotifierFinishPool<U>(1).Return((U)finish);
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(HalfTypedSources))]
    public async Task HalfTypedCode_NoAnalyzerThrows(string name, string source)
    {
        foreach (var version in new[] { LanguageVersion.CSharp7_3, LanguageVersion.Latest })
        {
            var compilation = ValidCodeTests.Compile("Probe", version, (name + ".cs", source))
                .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                    nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));
            await AssertNoCrash(compilation, $"{name} [C# {version.ToDisplayString()}]");
        }
    }

    /// <summary>
    /// Runtimes whose types are partly missing or reshaped (an older or a broken reference): the analyzers must
    /// find what they can and never index past a parameter list or dereference a missing member.
    /// </summary>
    public static TheoryData<string, string> Runtimes() => new()
    {
        { "only the ops type", """
            namespace IntervalNotifiers
            {
                public abstract class IntervalNotifierOps
                {
                    public virtual bool Invalidate(object notifier, ulong currentSequence) => true;
                }
            }
            """ },
        { "no two-pass members, no pool, no read side", """
            namespace IntervalNotifiers
            {
                public readonly struct NotifierRange { }
                public class IntervalNotifier { public IntervalNotifier(IntervalNotifierOps ops) { } public void Remove(int timeout) { } }
                public class NotifierFinish { }
                public abstract class IntervalNotifierOps
                {
                    public virtual bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence) => true;
                }
            }
            """ },
        { "reshaped members", """
            namespace IntervalNotifiers
            {
                public class NotifierRange { public int IsBlockable; public object Owner => null; }
                public class IntervalNotifier
                {
                    public IntervalNotifier(IntervalNotifierOps ops) { }
                    public void SetSequence() { }
                    public void SetSequence(ulong a, ulong b) { }
                    public bool ReadRetry() => false;
                    public ulong ReadBegin;
                    public bool CheckRetry(string s) => false;
                    public void Remove() { }
                }
                public class NotifierFinish { public IntervalNotifier Notifier() => null; }
                public class NotifierFinishPool<T> { public bool TryRent() => false; public void Return() { } }
                public abstract class IntervalNotifierOps
                {
                    public virtual bool Invalidate() => true;
                    public virtual bool InvalidateStart(IntervalNotifier notifier, ref NotifierFinish finish) => true;
                    public virtual bool InvalidateStart(IntervalNotifier notifier, NotifierRange range, ulong s, out NotifierFinish finish) { finish = null; return true; }
                    public virtual void InvalidateFinish(NotifierFinish finish, NotifierRange range) { }
                    public virtual void InvalidateFinish() { }
                }
            }
            """ },
    };

    private const string UserCodeForStubs = """
        using System;
        using System.Threading;
        using IntervalNotifiers;

        class Finish : NotifierFinish { public int X; }
        class Mirror : IntervalNotifier { public Mirror(IntervalNotifierOps ops) : base(ops) { } public readonly object L = new object(); }
        class Ops : IntervalNotifierOps
        {
            private Finish _kept;
            public override bool Invalidate() { return false; }
            public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
            {
                lock (((Mirror)notifier).L) { notifier.SetSequence(currentSequence); notifier.SetSequence(); }
                notifier.Remove();
                return range.IsBlockable;
            }
            public override bool InvalidateStart(IntervalNotifier notifier, ref NotifierFinish finish) { _kept = (Finish)finish; return false; }
            public override bool InvalidateStart(IntervalNotifier notifier, NotifierRange range, ulong s, out NotifierFinish finish)
            {
                finish = new Finish();
                _kept = (Finish)finish;
                var n = finish.Notifier;
                return false;
            }
            public override void InvalidateFinish(NotifierFinish finish, NotifierRange range) { InvalidateFinish(finish, range); }
            public override void InvalidateFinish() { }
        }
        static class Reader
        {
            public static void Read(Mirror m)
            {
                var s = m.ReadBegin();
                var t = m.ReadBegin;
                m.ReadBegin();
                lock (m.L) { m.ReadRetry(s); m.ReadRetry(); m.CheckRetry("x"); }
                m.SetSequence(1);
                m.Remove(5);
                new NotifierFinishPool<Finish>().TryRent();
            }
        }
        """;

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task PartlyMissingOrReshapedRuntime_NoAnalyzerThrows(string name, string runtimeSource)
    {
        var runtime = CSharpCompilation.Create(
            "IntervalNotifiers",
            new[] { CSharpSyntaxTree.ParseText(runtimeSource, new CSharpParseOptions(LanguageVersion.Latest)) },
            NotifierTestState.FrameworkReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emitted = runtime.Emit(stream);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        var reference = MetadataReference.CreateFromImage(stream.ToArray());

        foreach (var version in new[] { LanguageVersion.CSharp7_3, LanguageVersion.Latest })
        {
            var compilation = CSharpCompilation.Create(
                "User",
                new[] { CSharpSyntaxTree.ParseText(UserCodeForStubs, new CSharpParseOptions(version), "User.cs", Encoding.UTF8) },
                NotifierTestState.FrameworkReferences.Add(reference),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            await AssertNoCrash(compilation, $"{name} [C# {version.ToDisplayString()}]");

            // The same stub compiled into the user's own assembly: "the runtime itself", analyzers register nothing.
            var inSource = CSharpCompilation.Create(
                "IntervalNotifiers",
                new[]
                {
                    CSharpSyntaxTree.ParseText(runtimeSource, new CSharpParseOptions(version)),
                    CSharpSyntaxTree.ParseText(UserCodeForStubs, new CSharpParseOptions(version)),
                },
                NotifierTestState.FrameworkReferences,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            await AssertNoCrash(inSource, $"{name}, in source [C# {version.ToDisplayString()}]");
        }
    }

    /// <summary>Top-level statements (an executable) that use the API correctly: no exception and no diagnostic.</summary>
    [Fact]
    public async Task TopLevelStatements_AreSilentAndDoNotThrow()
    {
        const string program = """
            using System;
            using System.Threading;
            using IntervalNotifiers;

            var space = new AddressSpace();
            var ops = new TopLevelOps();
            var mirror = new TopLevelMirror(ops);
            mirror.Insert(space, 0x1000, 0x1000);
            Console.WriteLine(Read(mirror));
            var range = new NotifierRange(0x1000, 0x2000);
            if (space.InvalidateRangeStart(in range))
            {
                space.InvalidateRangeEnd(in range);
            }

            mirror.Remove();
            space.Release();

            static int Read(TopLevelMirror m)
            {
                while (true)
                {
                    var seq = m.ReadBegin();
                    var pages = m.Pages;
                    lock (m.Sync)
                    {
                        if (!m.ReadRetry(seq))
                        {
                            return pages;
                        }
                    }
                }
            }

            sealed class TopLevelMirror : IntervalNotifier
            {
                public TopLevelMirror(IntervalNotifierOps ops) : base(ops) { }
                public readonly object Sync = new();
                public int Pages;
            }

            sealed class TopLevelFinish : NotifierFinish
            {
                public int Pages;
            }

            sealed class TopLevelOps : IntervalNotifierOps
            {
                public override bool InvalidateStart(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence,
                                                     out NotifierFinish? finish)
                {
                    var m = (TopLevelMirror)notifier;
                    lock (m.Sync)
                    {
                        m.SetSequence(currentSequence);
                    }

                    finish = new TopLevelFinish { Pages = m.Pages };
                    return true;
                }

                public override void InvalidateFinish(NotifierFinish finish) => ((TopLevelFinish)finish).Pages = 0;
            }
            """;
        var compilation = CSharpCompilation.Create(
            "TopLevel",
            new[] { CSharpSyntaxTree.ParseText(program, new CSharpParseOptions(LanguageVersion.Latest), "Program.cs", Encoding.UTF8) },
            NotifierTestState.FrameworkReferences.Add(NotifierTestState.Runtime),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));

        var diagnostics = await AssertNoCrash(compilation, "top-level statements");
        Assert.True(diagnostics.IsEmpty, string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())));
    }

    private async Task<ImmutableArray<Diagnostic>> AssertNoCrash(Compilation compilation, string where)
    {
        var (diagnostics, exceptions) = await ValidCodeTests.AnalyzeAsync(compilation);
        foreach (var diagnostic in diagnostics)
        {
            _output.WriteLine($"{where}: {diagnostic}");
        }

        Assert.True(exceptions.IsEmpty, $"{where}: analyzer exceptions:{Environment.NewLine}{string.Join(Environment.NewLine, exceptions)}");
        return diagnostics;
    }
}
