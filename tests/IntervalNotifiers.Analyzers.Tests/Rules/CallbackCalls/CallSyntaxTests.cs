using System;
using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers.Analyzers.Core;
using IntervalNotifiers.Analyzers.Speed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using IntervalNotifiers.Analyzers.Tests.Robustness;
using Xunit;
using Xunit.Abstractions;

namespace IntervalNotifiers.Analyzers.Tests.Rules.CallbackCalls;

/// <summary>
/// The syntax-only proof of Speed/CallSyntax.cs is a speed-up only: a method it proves empty has an empty summary when
/// its body is bound (SourceCalls.Compute), on the valid-code project and on shapes written to trip it; and it does
/// prove the usual device helper empty (a <c>Dictionary.Remove</c> on a field), which is what makes NTF011/NTF013 cheap.
/// </summary>
public sealed class CallSyntaxTests
{
    private readonly ITestOutputHelper _output;

    public CallSyntaxTests(ITestOutputHelper output) => _output = output;

    private const string Shapes = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using IntervalNotifiers;

        namespace Shapes
        {
            sealed class Mirror : IntervalNotifier
            {
                public Mirror(IntervalNotifierOps ops) : base(ops) { }
                public Dictionary<ulong, ulong> Pages { get; } = new Dictionary<ulong, ulong>();
                public void SelfRemove() => Remove();
                public void ThisRemove() => this.Remove();
                public void BaseRemove() => base.Remove();
                public void PagesOnly(ulong page) => Pages.Remove(page);
                public void Nested() => Inner.Drop(this);

                public static class Inner
                {
                    public static void Drop(Mirror m) => m.Remove();
                }
            }

            class Device
            {
                public readonly Dictionary<ulong, ulong> Mapped = new Dictionary<ulong, ulong>();
                private readonly List<int> _list = new List<int>();
                public Mirror? Mirror;
                private IntervalNotifier _notifier = null!;
                protected IntervalNotifier Protected = null!;
                public IntervalNotifier Notifier => _notifier;
                public Device? Next;
                public Dictionary<int, IntervalNotifier> ByKey = new Dictionary<int, IntervalNotifier>();
                public int UnMapped;

                public void Unmap(ulong page) => Mapped.Remove(page);
                public void UnmapThis(ulong page) => this.Mapped.Remove(page);
                public void UnmapParenthesized(ulong page) => (Mapped).Remove(page);
                public void UnmapNext(ulong page) => Next?.Mapped.Remove(page);
                public void ListAndLinq(int x)
                {
                    _list.Remove(x);
                    var doomed = Mapped.Keys.Where(k => k > 1).ToList();
                    foreach (var page in doomed)
                    {
                        Mapped.Remove(page);
                    }
                }
                public void ViaParameterDictionary(Dictionary<int, int> d) => d.Remove(1);
                public void TooManyArguments(Dictionary<int, int> d) => d.Remove(1, out _);
                public void MetadataOnly() => Console.WriteLine(string.Join(",", _list.Select(i => i * 2)));

                public void Drop() => Mirror?.Remove();
                public void DropNotifier() => Notifier.Remove();
                public void DropField(CancellationToken ct) => _notifier.Remove(ct);
                public void DropProtected() => Protected.Remove();
                public ulong Begin() => _notifier.ReadBegin();
                public System.Threading.Tasks.ValueTask<ulong> BeginAsync() => _notifier.ReadBeginAsync();
                public System.Threading.Tasks.ValueTask DropAsync() => _notifier.RemoveAsync();
                public void ViaParameter(Mirror m) => m.Remove();
                public void ViaLocal() { var m = Mirror; m?.Remove(); }
                public void LocalShadowsField() { IntervalNotifier Mapped = _notifier; Mapped.Remove(); }
                public void EscapedLocalShadowsField() { IntervalNotifier \u004Dapped = _notifier; Mapped.Remove(); }
                public void VerbatimLocalShadowsField() { IntervalNotifier @Mapped = _notifier; Mapped.Remove(); }
                public void UnmapSpelledElsewhere(ulong page) { /* Mapped */ var s = "Mapped"; UnMapped++; Mapped.Remove(page); }
                public void LambdaParameterShadowsField() { Action<IntervalNotifier> a = Mapped => Mapped.Remove(); a(_notifier); }
                public void ParameterShadowsField(IntervalNotifier Mapped) => Mapped.Remove();
                public void Generic<T>(T n) where T : IntervalNotifier => n.Remove();
                public void Cast(object o) => ((IntervalNotifier)o).Remove();
                public void Element() => ByKey[1].Remove();
                public void Chain() => Next!.Notifier.Remove();
                public void CallsSource() => Helper.Run(this);
                public void CallsLocalFunction() { void Local() => _notifier.Remove(); Local(); }
                public void InLambda() { Action a = () => _notifier.Remove(); a(); }
            }

            class Derived : Device
            {
                public void DropInherited() => Protected.Remove();
                public void UnmapInherited(ulong page) => Mapped.Remove(page);
            }

            static class Helper
            {
                public static void Run(Device d) { }
            }

            sealed class Bag : IEnumerable<int>
            {
                private readonly IntervalNotifier _notifier = null!;
                public void Add(int x) => _notifier.Remove();
                public IEnumerator<int> GetEnumerator() => Enumerable.Empty<int>().GetEnumerator();
                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
            }

            static class Users
            {
                public static Bag Initializer() => new Bag { 1, 2 };
            }
        }
        """;

    [Fact]
    public void Shapes_TheProofNeverHidesACall_AndProvesTheDeviceHelpersEmpty()
    {
        var compilation = ValidCodeTests.Compile("Shapes", LanguageVersion.Latest, ("Shapes.cs", Shapes));
        AssertCompiles(compilation);
        var proven = AssertSound(compilation);

        string[] expectedProven =
        {
            "Mirror.PagesOnly", "Device.Unmap", "Device.UnmapThis", "Device.UnmapParenthesized", "Device.UnmapNext",
            "Device.ListAndLinq", "Device.ViaParameterDictionary", "Device.TooManyArguments", "Device.MetadataOnly",
            "Derived.UnmapInherited", "Helper.Run", "Device.UnmapSpelledElsewhere",
        };
        foreach (var name in expectedProven)
        {
            Assert.True(proven.Contains(name), $"{name} is not proven empty; proven: {string.Join(", ", proven.OrderBy(n => n))}");
        }
    }

    [Fact]
    public void ValidCode_TheProofNeverHidesACall()
    {
        var compilation = ValidCodeTests.CompileValidCode();
        AssertCompiles(compilation);
        var proven = AssertSound(compilation);
        Assert.True(proven.Count >= 20, $"only {proven.Count} methods proven empty");
    }

    [Fact]
    public void ExtensionBlockMembers_CountAsSourceMethods()
    {
        // C# 14 extension members live in a block nested in the static class: their names are source names too.
        var compilation = ValidCodeTests.Compile("Extensions", LanguageVersion.Preview, ("Extensions.cs", """
            using System.Collections.Generic;
            using IntervalNotifiers;

            static class MirrorExtensions
            {
                extension(IntervalNotifier notifier)
                {
                    public void Unsubscribe() => notifier.Remove();
                }

                extension(List<IntervalNotifier> all)
                {
                    public void DropAll() => all[0].Remove();
                }
            }

            class Device
            {
                private readonly Dictionary<int, int> _pages = new Dictionary<int, int>();
                private readonly IntervalNotifier _notifier = null!;

                private readonly List<IntervalNotifier> _all = new List<IntervalNotifier>();
                public void Close() => _notifier.Unsubscribe();
                public void CloseAll() => _all.DropAll();
                public void Unmap() => _pages.Remove(1);
            }
            """));
        if (compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            _output.WriteLine("this compiler has no extension blocks: " + compilation.GetDiagnostics().First(d => d.Severity == DiagnosticSeverity.Error));
            return;
        }

        var proven = AssertSound(compilation);
        Assert.DoesNotContain("Device.Close", proven);
        Assert.DoesNotContain("Device.CloseAll", proven);
        Assert.Contains("Device.Unmap", proven);

        // The search by name keeps an extension block's members for a receiver of any type (CallSyntax.MayBind).
        var (provenByName, _, _, _) = AssertSearchByNameSound(compilation);
        Assert.DoesNotContain("Device.Close", provenByName);
        Assert.DoesNotContain("Device.CloseAll", provenByName);
        Assert.Contains("Device.Unmap", provenByName);
    }

    /// <summary>
    /// The search by name (CallSummaries.ReachesNoTargetByName) is a speed-up only: a method it proves to reach no target
    /// reaches none when its calls are bound and followed (SourceCalls.Reach over SourceCalls.Compute), on both realistic
    /// projects; and it proves most of their methods, helpers that call helpers included, which is what spares binding them.
    /// </summary>
    [Theory]
    [InlineData("ValidCode")]
    [InlineData("DriverPorts")]
    public void RealisticCode_TheSearchByNameNeverHidesAReach(string project)
    {
        var directory = System.IO.Path.Combine(AnalyzerCatalog.TestDataDirectory, project);
        var compilation = ValidCodeTests.Compile(project, LanguageVersion.Latest,
            System.IO.Directory.GetFiles(directory, "*.cs", System.IO.SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
                     .Select(f => (f, System.IO.File.ReadAllText(f))).ToArray());
        AssertCompiles(compilation);
        var (proven, reaching, withCallees, checkedCount) = AssertSearchByNameSound(compilation);
        Assert.True(reaching > 0, $"no method of {project} reaches a target: the check checks nothing");
        Assert.True(proven.Count * 2 > checkedCount, $"only {proven.Count} of {checkedCount} methods proven");
        Assert.True(withCallees > 0, $"no method of {project} that calls a source method was proven: the search never follows a name");
    }

    [Fact]
    public void Chains_ThroughSourceNames_AreNotProven_AndHelpersCallingHelpersAre()
    {
        var compilation = ValidCodeTests.Compile("Chains", LanguageVersion.Latest, ("Chains.cs", """
            using System.Collections.Generic;
            using IntervalNotifiers;

            static class Leaf
            {
                public static void Drop(IntervalNotifier n) => n.Remove();
                public static void Detach(this IntervalNotifier n) => n.Remove();
                public static void Run<T>(T n) where T : IntervalNotifier => n.Remove();
            }

            static class Middle
            {
                public static void Teardown(IntervalNotifier n) => Leaf.Drop(n);
                public static void Close(IntervalNotifier n) => n.Detach();
                public static void Generic(IntervalNotifier n) => Leaf.Run<IntervalNotifier>(n);
                public static void Outer(IntervalNotifier n)
                {
                    Inner();
                    void Inner() => Teardown(n);
                }
            }

            partial class Ring
            {
                partial void Kick(IntervalNotifier n);
                public void Submit(IntervalNotifier n) => Kick(n);
            }

            partial class Ring
            {
                partial void Kick(IntervalNotifier n) => Middle.Close(n);
            }

            class Device
            {
                private readonly Dictionary<ulong, ulong> _mapped = new Dictionary<ulong, ulong>();
                private readonly IntervalNotifier _notifier = null!;
                private readonly Ring _ring = new Ring();

                public void Shutdown() => Middle.Outer(_notifier);
                public void Flush() => _ring.Submit(_notifier);
                public void Unmap(ulong page) => _mapped.Remove(page);
                public void Zap() { Unmap(0); Clear(); }
                public void Clear() { for (var i = 0UL; i < 4; i++) { Unmap(i); } }
                public void Loop() { Loop(); Zap(); }
            }
            """));
        AssertCompiles(compilation);
        var (proven, _, _, _) = AssertSearchByNameSound(compilation);
        foreach (var name in new[] { "Leaf.Drop", "Leaf.Detach", "Leaf.Run", "Middle.Teardown", "Middle.Close", "Middle.Generic", "Middle.Outer",
                                     "Ring.Submit", "Device.Shutdown", "Device.Flush" })
        {
            Assert.DoesNotContain(name, proven);
        }

        foreach (var name in new[] { "Device.Unmap", "Device.Zap", "Device.Clear", "Device.Loop" })
        {
            Assert.Contains(name, proven);
        }
    }

    /// <summary>
    /// The search by name keeps only the methods a call on its receiver can bind to (CallSyntax.MayBind): a call on a field
    /// or parameter of a framework type, or on a framework type's name, never binds to a device's instance method of the
    /// same name; a receiver of the device's type, of a derived type, of a nullable struct, an extension method's receiver
    /// and a name imported by <c>using static</c> (in the file or globally) keep it.
    /// </summary>
    [Fact]
    public void ReceiverTypes_PruneTheSearchByName_OnlyWhereNoCallCanBind()
    {
        var compilation = ValidCodeTests.Compile("Receivers", LanguageVersion.Latest, ("Receivers.cs", """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using IntervalNotifiers;

            namespace Receivers
            {
                sealed class Mirror
                {
                    private readonly IntervalNotifier _notifier = null!;
                    public bool Wait(TimeSpan timeout) { _notifier.Remove(); return true; }
                    public int Read() { _notifier.Remove(); return 0; }
                }

                static class Drops
                {
                    public static void Detach(this List<int> pages, IntervalNotifier n) => n.Remove();
                }

                static class Reader
                {
                    public static int Read(ref int value, IntervalNotifier n) { n.Remove(); return value; }
                }

                struct Slot
                {
                    public IntervalNotifier Notifier;
                    public void Drop() => Notifier.Remove();
                }

                class Base
                {
                    protected IntervalNotifier N = null!;
                    public void Release() => N.Remove();
                }

                sealed class Derived : Base { }

                sealed class Fence
                {
                    private readonly ManualResetEventSlim _signalled = new ManualResetEventSlim();
                    private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                    private readonly List<int> _pages = new List<int>();
                    private readonly Derived _derived = new Derived();
                    private readonly Mirror _mirror = new Mirror();
                    private readonly IntervalNotifier _n = null!;
                    private Slot? _slot;
                    private int _done;

                    public bool WaitField(TimeSpan t) => _signalled.Wait(t);
                    public void WaitSemaphore() => _semaphore.Wait();
                    public int ReadStatic() => Volatile.Read(ref _done);
                    public int ReadSourceStatic() => Reader.Read(ref _done, _n);
                    public void ExtensionAsStatic() => Drops.Detach(_pages, _n);
                    public void InLambda() { Action a = () => _n.Remove(); a(); }
                    public void Deferred() => ThreadPool.QueueUserWorkItem(_ => _mirror.Read());
                    public bool WaitParameter(ManualResetEventSlim e) => e.Wait(TimeSpan.Zero);
                    public bool WaitChain(Fence other) => other._signalled.Wait(TimeSpan.Zero);

                    public bool WaitMirror() => _mirror.Wait(TimeSpan.Zero);
                    public bool WaitMirrorParameter(Mirror m) => m.Wait(TimeSpan.Zero);
                    public void Extension() => _pages.Detach(_n);
                    public void NullableSlot() => _slot?.Drop();
                    public void Inherited() => _derived.Release();
                    public void ThisCall() => this.Own();
                    private void Own() => _n.Remove();
                    public int ReadLocal() { var m = _mirror; return m.Read(); }
                }
            }
            """), ("Aliased.cs", """
            namespace Receivers
            {
                using Volatile2 = Receivers.Reader;

                sealed class Aliased
                {
                    private int _value;
                    public int ReadAliased(IntervalNotifiers.IntervalNotifier n) => Volatile2.Read(ref _value, n);
                }
            }
            """), ("Imported.cs", """
            using static Receivers.Holder;

            namespace Receivers
            {
                static class Holder
                {
                    public static readonly Mirror Volatile = new Mirror();
                }

                sealed class Imported
                {
                    public int ReadImported() => Volatile.Read();
                }
            }
            """));
        AssertCompiles(compilation);
        var (proven, _, _, _) = AssertSearchByNameSound(compilation);
        foreach (var name in new[] { "Fence.WaitField", "Fence.WaitSemaphore", "Fence.ReadStatic", "Fence.WaitParameter", "Fence.WaitChain",
                                     "Fence.InLambda", "Fence.Deferred" })
        {
            Assert.True(proven.Contains(name), $"{name} is not proven; proven: {string.Join(", ", proven.OrderBy(n => n))}");
        }

        foreach (var name in new[] { "Fence.WaitMirror", "Fence.WaitMirrorParameter", "Fence.Extension", "Fence.NullableSlot",
                                     "Fence.Inherited", "Fence.ThisCall", "Fence.ReadLocal", "Imported.ReadImported",
                                     "Fence.ReadSourceStatic", "Fence.ExtensionAsStatic", "Aliased.ReadAliased" })
        {
            Assert.DoesNotContain(name, proven);
        }

        // A global using static in any file: a name found nowhere else may be an imported value in every file.
        var withGlobal = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("""
            global using static Receivers.GlobalHolder;

            namespace Receivers
            {
                static class GlobalHolder
                {
                    public static readonly Mirror Gate = new Mirror();
                }
            }
            """, (CSharpParseOptions)compilation.SyntaxTrees.First().Options, "Global.cs"),
            CSharpSyntaxTree.ParseText("""
            namespace Receivers
            {
                sealed class UsesGlobal
                {
                    public int ReadGlobal() => Gate.Read();
                }
            }
            """, (CSharpParseOptions)compilation.SyntaxTrees.First().Options, "UsesGlobal.cs"));
        AssertCompiles(withGlobal);
        var (provenWithGlobal, _, _, _) = AssertSearchByNameSound(withGlobal);
        Assert.DoesNotContain("UsesGlobal.ReadGlobal", provenWithGlobal);
        Assert.DoesNotContain("Fence.ReadStatic", provenWithGlobal);
        Assert.Contains("Fence.WaitField", provenWithGlobal);
    }

    [Fact]
    public void TooManyMethodsByName_LeaveTheAnswerToTheBoundSearch()
    {
        // Every Step calls every Step: the search by name finds more methods than it looks at, and proves nothing.
        var source = new System.Text.StringBuilder("class Steps\n{\n");
        for (var i = 0; i <= CallSummaries.MaxByName; i++)
        {
            source.Append($"    public static void Step{i}() => Next{i}.Step();\n    public static class Next{i} {{ public static void Step() {{ }} }}\n");
        }

        source.Append("    public static void Walk() => Next0.Step();\n}\n");
        var compilation = ValidCodeTests.Compile("Steps", LanguageVersion.Latest, ("Steps.cs", source.ToString()));
        AssertCompiles(compilation);
        var types = NotifierTypes.TryCreate(compilation)!;
        var summaries = CallSummaries.For(compilation, types);
        var walk = compilation.GetTypeByMetadataName("Steps")!.GetMembers("Walk").OfType<IMethodSymbol>().Single();
        Assert.False(summaries.ReachesNoTargetByName(walk, default));
        Assert.Equal(CallTargets.None, summaries.Reach(walk, default));
    }

    /// <summary>
    /// Checks every ordinary source method: proven by the search by name implies a bound reach of nothing. Returns the
    /// methods proven (Type.Method), how many reach a target, how many proven ones call a source method, and how many were checked.
    /// </summary>
    private (HashSet<string> Proven, int Reaching, int WithCallees, int Checked) AssertSearchByNameSound(Compilation compilation)
    {
        var types = NotifierTypes.TryCreate(compilation);
        Assert.NotNull(types);
        var summaries = CallSummaries.For(compilation, types!);
        var syntax = new CallSyntax(compilation, types!);
        var proven = new HashSet<string>(StringComparer.Ordinal);
        int reaching = 0, withCallees = 0, checkedCount = 0;
        foreach (var method in SourceMethods(compilation.Assembly.GlobalNamespace))
        {
            checkedCount++;
            var reached = SourceCalls.Reach(method, m => SourceCalls.Compute(m, compilation, types!, default));
            if (reached != CallTargets.None)
            {
                reaching++;
            }

            if (!summaries.ReachesNoTargetByName(method, default))
            {
                continue;
            }

            Assert.True(reached == CallTargets.None, $"{method.ToDisplayString()} was proven to reach no target but reaches {reached}");
            proven.Add($"{method.ContainingType.Name}.{method.Name}");
            if (syntax.Read(method, default).CalledNames.Length > 0)
            {
                withCallees++;
            }
        }

        _output.WriteLine($"{compilation.AssemblyName}: {proven.Count} of {checkedCount} methods proven by name ({withCallees} that call source methods), {reaching} reach a target");
        return (proven, reaching, withCallees, checkedCount);
    }

    private static void AssertCompiles(Compilation compilation)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
    }

    /// <summary>
    /// Checks every ordinary source method: proven empty implies an empty bound summary. Returns the methods proven
    /// empty, as Type.Method.
    /// </summary>
    private HashSet<string> AssertSound(Compilation compilation)
    {
        var types = NotifierTypes.TryCreate(compilation);
        Assert.NotNull(types);
        var syntax = new CallSyntax(compilation, types!);
        var proven = new HashSet<string>(StringComparer.Ordinal);
        var checkedCount = 0;
        foreach (var method in SourceMethods(compilation.Assembly.GlobalNamespace))
        {
            checkedCount++;
            if (syntax.MayCall(method, default))
            {
                continue;
            }

            var calls = SourceCalls.Compute(method, compilation, types!, default);
            Assert.True(calls.Direct == CallTargets.None && calls.Callees.IsEmpty,
                $"{method.ToDisplayString()} was proven empty but calls {calls.Direct} and {string.Join(", ", calls.Callees)}");
            proven.Add($"{method.ContainingType.Name}.{method.Name}");
        }

        _output.WriteLine($"{compilation.AssemblyName}: {proven.Count} of {checkedCount} methods proven empty");
        return proven;
    }

    private static IEnumerable<IMethodSymbol> SourceMethods(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            switch (member)
            {
                case INamespaceOrTypeSymbol nested:
                    foreach (var method in SourceMethods(nested))
                    {
                        yield return method;
                    }

                    break;
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when !method.DeclaringSyntaxReferences.IsEmpty:
                    yield return method.PartialImplementationPart ?? method;
                    break;
            }
        }
    }
}
