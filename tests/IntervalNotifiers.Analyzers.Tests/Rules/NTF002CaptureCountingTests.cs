using System.Threading.Tasks;
using Xunit;
using static IntervalNotifiers.Analyzers.Tests.Rules.NTF002Sources;

namespace IntervalNotifiers.Analyzers.Tests.Rules;

/// <summary>
/// NTF002: a finish captured by an escaping lambda or local function is one diagnostic per function, on its first
/// capture, with the other captures as additional locations (docs/contract.md#counting-and-place).
/// </summary>
public class NTF002CaptureCountingTests
{
    [Fact]
    public Task TaskRunLambdaNamingTheFinishOnFourLines_IsOneDiagnostic() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Task.Run(() =>
                {
                    {|#0:f|}.Fence.Wait();
                    Console.WriteLine({|#1:f|}.Engine);
                    {|#2:f|}.Engine = 0;
                    {|#3:f|}.OnDone?.Invoke();
                });
            }
        }
        """, At(0, 1, 2, 3));

    [Fact]
    public Task CapturesOnOneLine_AreOneDiagnosticWithTheOthersAsAdditionalLocations() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private Action? _later;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                _later = () => Console.WriteLine({|#0:f|}.Engine + {|#1:f|}.Engine);
            }
        }
        """, At(0, 1));

    [Fact]
    public Task LocalFunctionThatEscapes_IsOneDiagnosticForAllItsCaptures() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private Action? _callback;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var gpu = (GpuFinish)finish;
                _callback = Complete;

                void Complete()
                {
                    if ({|#0:gpu|}.Engine > 0)
                    {
                        {|#1:gpu|}.Fence.Set();
                    }

                    {|#2:finish|}.ToString();
                }
            }
        }
        """, At(0, 1, 2));

    [Fact]
    public Task TwoEscapingLambdas_AreTwoDiagnostics() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    {|#0:f|}.Fence.Wait();
                    {|#1:f|}.Engine = 1;
                });
                _ = Task.Factory.StartNew(() => {|#2:f|}.OnDone?.Invoke());
            }
        }
        """, At(0, 1), At(2));

    [Fact]
    public Task NestedLambdaInsideAnEscapingOne_CountsForTheEscapingOne() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var engines = new[] { 1, 2, 3 };
                Task.Run(() =>
                {
                    Array.ForEach(engines, e => {|#0:f|}.Engine += e);
                    {|#1:f|}.Fence.Set();
                });
            }
        }
        """, At(0, 1));

    [Fact]
    public Task LambdaJoinedBeforeTheFinishReturns_IsSilentHoweverManyCaptures() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                var work = Task.Run(() =>
                {
                    f.Fence.Wait();
                    f.Engine = 0;
                    f.OnDone?.Invoke();
                });
                work.Wait();
                Action local = () => { f.Engine++; f.Fence.Set(); };
                local();
            }
        }
        """);

    [Fact]
    public Task MergedDiagnostic_KeepsTheMessageOfItsFirstAt() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                Task.Run(() =>
                {
                    {|#0:finish|}.ToString();
                    {|#1:f|}.Fence.Wait();
                });
            }
        }
        """, At(0, 1).WithMessage(
        "Finish object used outside the two-pass list: 'finish' is captured by a lambda that is passed to 'Task.Run', which runs it later: that code can run after the finish pass, when the finish is reused or gone: copy the data it needs out of the finish, or do the work inside InvalidateFinish"));

    [Fact]
    public Task StoredFinishAndEscapingLambdaInOneMethod_AreCountedApart() => Analyze("""
        class GpuOps : IntervalNotifierOps
        {
            private GpuFinish? _last;
            private event Action? Flushed;

        """ + Start + """
            public override void InvalidateFinish(NotifierFinish finish)
            {
                var f = (GpuFinish)finish;
                {|#0:_last = f|};
                Flushed += () =>
                {
                    {|#1:f|}.Fence.Set();
                    Console.WriteLine({|#2:f|}.Engine);
                };
            }
        }
        """, At(0), At(1, 2));
}
