using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.RecordEnqueueCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3002: enqueuing from workflow code without recording it.</summary>
public sealed class QueueInWorkflowRuleTests
{
    private const string Definitions = """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class SendEmail
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
            public static Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
            public static SendEmailStub Options(string idempotencyKey = null) => new SendEmailStub();
        }

        public sealed class SendEmailStub
        {
            public Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
        }

        [Workflow]
        public partial class Refund
        {
            public Task<int> RunAsync(int amount) => Task.FromResult(amount);
            public static Task<ExecutionHandle<int>> Queue(int amount) => Task.FromResult<ExecutionHandle<int>>(null);
            public static Task<int> Run(int amount) => Task.FromResult(amount);
        }

        """;

    [Test]
    public Task Queue_InWorkflowCode_IsReported() => Verify.VerifyAsync(Definitions + """
        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync(ICurrantClient client)
            {
                await {|#0:SendEmail.Queue("a@x.io")|};
                var handle = await {|#1:Refund.Queue(5)|};
                await {|#2:SendEmail.Options(idempotencyKey: "k").Queue("b@x.io")|};
                return await {|#3:client.EnqueueAsync(null, null, null)|};
            }
        }
        """,
        Verify.Diagnostic("CUR3002").WithLocation(0).WithArguments("SendEmail.Queue()", "'Order.RunAsync'", "record the enqueue with 'Workflow.Step'"),
        Verify.Diagnostic("CUR3002").WithLocation(1).WithArguments("Refund.Queue()", "'Order.RunAsync'", "run it as a child workflow with 'Refund.Run' or record the enqueue with 'Workflow.Step'"),
        Verify.Diagnostic("CUR3002").WithLocation(2).WithArguments("SendEmail.Queue()", "'Order.RunAsync'", "record the enqueue with 'Workflow.Step'"),
        Verify.Diagnostic("CUR3002").WithLocation(3).WithArguments("ICurrantClient.EnqueueAsync()", "'Order.RunAsync'", "record the enqueue with 'Workflow.Step'"));

    [Test]
    public Task Queue_OutsideWorkflowCodeOrInAStep_IsSilent() => Verify.VerifyAsync(Definitions + """
        public static class Controller
        {
            public static async Task Post() => await SendEmail.Queue("a@x.io");
        }

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await Workflow.Step("enqueue", async ct => { await SendEmail.Queue("a@x.io"); });
                await Refund.Run(5);
            }
        }
        """);

    [Test]
    public Task Queue_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class JobAttribute : Attribute { }
        public sealed class WorkflowAttribute : Attribute { }

        [Job]
        public partial class SendEmail
        {
            public static Task Queue(string to) => Task.CompletedTask;
        }

        [Workflow]
        public partial class Order
        {
            public Task RunAsync() => SendEmail.Queue("a@x.io");
        }
        """);

    [Test]
    public Task CodeFix_WrapsEveryDiscardedEnqueueInWorkflowStep() => VerifyFix.VerifyAsync(Definitions + """
        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await {|CUR3002:SendEmail.Queue("a@x.io")|};
                await {|CUR3002:SendEmail.Queue("b@x.io")|};
                var handle = await {|CUR3002:Refund.Queue(5)|};
            }
        }
        """, Definitions + """
        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await Workflow.Step("SendEmail.Queue", async _ => { await SendEmail.Queue("a@x.io"); });
                await Workflow.Step("SendEmail.Queue", async _ => { await SendEmail.Queue("b@x.io"); });
                var handle = await {|CUR3002:Refund.Queue(5)|};
            }
        }
        """);
}
