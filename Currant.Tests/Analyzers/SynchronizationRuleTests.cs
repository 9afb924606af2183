using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>
/// Blocking synchronisation (CUR1006), real-time semaphore timeouts (CUR1003), and work scheduled off the workflow
/// scheduler (CUR1004): none has a code fix.
/// </summary>
public sealed class SynchronizationRuleTests
{
    [Test]
    public Task BlockingWaitsAndOffSchedulerWork_InWorkflowAndHelpers_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        public static class Gate
        {
            public static void Hold(SemaphoreSlim gate) => {|#0:gate.Wait()|};
        }

        [Workflow]
        public partial class Order
        {
            private readonly SemaphoreSlim _gate = new(1);
            private readonly ManualResetEventSlim _ready = new();

            public async Task<int> RunAsync(Task<int> pending, CancellationTokenSource cts)
            {
                Gate.Hold(_gate);
                using var mutex = new Mutex();
                {|CUR1006:mutex.WaitOne()|};
                {|CUR1006:WaitHandle.WaitAll(new WaitHandle[] { mutex })|};
                {|CUR1006:_ready.Wait()|};
                {|CUR1006:new CountdownEvent(1).Wait()|};
                {|CUR1006:Thread.CurrentThread.Join()|};
                await {|CUR1003:_gate.WaitAsync(TimeSpan.FromSeconds(5))|};
                await {|CUR1003:_gate.WaitAsync(100)|};
                var next = await pending.ContinueWith(t => t.Id, {|CUR1004:TaskScheduler.Default|});
                await {|CUR1004:cts.CancelAsync()|};
                return next;
            }
        }
        """,
        Verify.Diagnostic("CUR1006").WithLocation(0).WithArguments("SemaphoreSlim.Wait()", "'Gate.Hold()', called from 'Order.RunAsync'"));

    [Test]
    public Task AwaitedSynchronisation_InWorkflow_IsSilent() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            private readonly SemaphoreSlim _gate = new(1);

            public async Task<int> RunAsync(Task<int> pending, CancellationTokenSource cts)
            {
                await _gate.WaitAsync();
                try
                {
                    var next = await pending.ContinueWith(t => t.Id);
                    cts.Cancel();
                    return next;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Test]
    public Task BlockingWaits_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Sweep
        {
            private static readonly SemaphoreSlim Gate = new(1);

            public async Task ExecuteAsync(CancellationTokenSource cts)
            {
                Gate.Wait();
                new ManualResetEvent(true).WaitOne();
                await Task.Delay(1).ContinueWith(_ => { }, TaskScheduler.Default);
                await cts.CancelAsync();
            }
        }
        """);

    [Test]
    public Task BlockingWaits_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task RunAsync(SemaphoreSlim gate, CancellationTokenSource cts)
            {
                gate.Wait();
                return cts.CancelAsync();
            }
        }
        """);
}
