using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1006: blocking on tasks in workflow code (no code fix).</summary>
public sealed class BlockingWaitRuleTests
{
    [Test]
    public Task BlockingWaits_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(Task<int> pending, Task other, ValueTask<int> value)
            {
                {|CUR1006:other.Wait()|};
                {|CUR1006:Task.WaitAll(other)|};
                var a = {|CUR1006:pending.GetAwaiter().GetResult()|};
                var b = {|CUR1006:value.Result|};
                return Task.FromResult(a + b + {|CUR1006:pending.Result|});
            }
        }
        """);

    [Test]
    public Task Await_InWorkflow_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync(Task<int> pending) => await pending + await pending;
        }
        """);

    [Test]
    public Task BlockingWaits_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;

        public static class Legacy
        {
            public static int Get(Task<int> task) => task.Result;
        }
        """);

    [Test]
    public Task BlockingWaits_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(Task<int> pending) => Task.FromResult(pending.Result);
        }
        """);
}
