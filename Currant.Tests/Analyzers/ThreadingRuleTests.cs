using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1004: threads and thread-pool work in workflow code (no code fix: the replacement depends on the work).</summary>
public sealed class ThreadingRuleTests
{
    [Test]
    public Task ThreadStarts_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await {|CUR1004:Task.Run(() => 1)|};
                await {|CUR1004:Task.Factory.StartNew(() => 2)|};
                {|CUR1004:new Thread(() => { })|}.Start();
                {|CUR1004:ThreadPool.QueueUserWorkItem(_ => { })|};
                {|CUR1004:Parallel.For(0, 3, i => { })|};
                // A call spanning several lines is underlined by its head only.
                {|CUR1004:Task.Run|}(() =>
                {
                    return 3;
                });
            }
        }
        """);

    [Test]
    public Task WhenAll_InWorkflow_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<int> Run(int amount) => Task.FromResult(amount);
        }

        [Workflow]
        public partial class Order
        {
            public async Task<int[]> RunAsync() => await Task.WhenAll(Charge.Run(1), Charge.Run(2));
        }
        """);

    [Test]
    public Task ThreadStarts_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Crunch
        {
            public Task<int> ExecuteAsync() => Task.Run(() => 42);
        }
        """);

    [Test]
    public Task ThreadStarts_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync() => Task.Run(() => 42);
        }
        """);
}
