using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1003: waits on real time in workflow code.</summary>
public sealed class RealTimeWaitRuleTests
{
    [Test]
    public Task RealTimeWaits_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync(Task pending)
            {
                await {|CUR1003:Task.Delay(100)|};
                {|CUR1003:Thread.Sleep(100)|};
                using var timeout = {|CUR1003:new CancellationTokenSource(TimeSpan.FromSeconds(5))|};
                using var later = new CancellationTokenSource();
                {|CUR1003:later.CancelAfter(1000)|};
                using var ticks = {|CUR1003:new PeriodicTimer(TimeSpan.FromSeconds(1))|};
                using var timer = {|CUR1003:new Timer(_ => { }, null, 0, 1000)|};
                await {|CUR1003:pending.WaitAsync(TimeSpan.FromSeconds(1))|};
            }
        }
        """);

    [Test]
    public Task DurableWaits_InWorkflow_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync(Task pending, CancellationToken token)
            {
                await Workflow.Sleep(TimeSpan.FromMinutes(5));
                var approved = await Workflow.WaitForSignal<bool>("approved", TimeSpan.FromDays(1));
                using var cancel = new CancellationTokenSource();
                await pending.WaitAsync(token);
            }
        }
        """);

    [Test]
    public Task RealTimeWaits_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Poll
        {
            public async Task ExecuteAsync(CancellationToken ct)
            {
                await Task.Delay(1000, ct);
                Thread.Sleep(10);
            }
        }
        """);

    [Test]
    public Task RealTimeWaits_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task RunAsync() => Task.Delay(100);
        }
        """);

    [Test]
    public Task CodeFix_ReplacesTaskDelayWithWorkflowSleep() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync(CancellationToken token)
            {
                await {|CUR1003:Task.Delay(TimeSpan.FromMinutes(1))|};
                await {|CUR1003:Task.Delay(millisecondsDelay: 250)|};
                await {|CUR1003:Task.Delay(100, token)|};
            }
        }
        """, """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync(CancellationToken token)
            {
                await Workflow.Sleep(TimeSpan.FromMinutes(1));
                await Workflow.Sleep(TimeSpan.FromMilliseconds(250));
                await {|CUR1003:Task.Delay(100, token)|};
            }
        }
        """);
}
