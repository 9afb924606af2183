using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.RecordEnqueueCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3002: enqueuing from workflow code without recording it.</summary>
public sealed class QueueInWorkflowRuleTests
{
    [Test]
    public Task ClientEnqueue_InWorkflowCode_IsReported() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync(ICurrantClient client, CurrantClient concrete, ExecutionDefinition definition)
            {
                var ids = await {|#0:client.EnqueueManyAsync(definition, new List<byte[]>(), null)|};
                await {|#1:concrete.EnqueueAsync(definition, new byte[0], null)|};
                return await Enqueuer.Enqueue(client, definition);
            }
        }

        public static class Enqueuer
        {
            public static Task<Guid> Enqueue(ICurrantClient client, ExecutionDefinition definition) => {|#2:client.EnqueueAsync(definition, new byte[0], null)|};
        }
        """,
        Verify.Diagnostic("CUR3002").WithLocation(0).WithArguments("ICurrantClient.EnqueueManyAsync()", "'Order.RunAsync'"),
        Verify.Diagnostic("CUR3002").WithLocation(1).WithArguments("CurrantClient.EnqueueAsync()", "'Order.RunAsync'"),
        Verify.Diagnostic("CUR3002").WithLocation(2).WithArguments("ICurrantClient.EnqueueAsync()", "'Enqueuer.Enqueue()', called from 'Order.RunAsync'"));

    [Test]
    public Task GeneratedQueueStubs_InWorkflowCode_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        // Hand-written stand-ins for the generator's stubs, which record the enqueue when called from workflow code.
        [Job]
        public partial class SendEmail
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
            [GeneratedStub(GeneratedStubKind.Queue)]
            public static Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
            public static Configured Options(string idempotencyKey = null) => new Configured();

            public readonly struct Configured
            {
                [GeneratedStub(GeneratedStubKind.Queue)]
                public Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
            }
        }

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await SendEmail.Queue("a@x.io");
                await SendEmail.Options(idempotencyKey: "k").Queue("b@x.io");
            }
        }
        """);

    [Test]
    public Task ClientEnqueue_OutsideWorkflowCodeOrInAStep_IsSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Controller
        {
            public static Task<Guid> Post(ICurrantClient client, ExecutionDefinition definition) => client.EnqueueAsync(definition, new byte[0], null);
        }

        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync(ICurrantClient client, ExecutionDefinition definition)
                => await Workflow.Step("enqueue", _ => client.EnqueueAsync(definition, new byte[0], null));
        }
        """);

    [Test]
    public Task ClientEnqueue_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        public interface ICurrantClient
        {
            Task<Guid> EnqueueAsync(string name);
        }

        [Workflow]
        public partial class Order
        {
            public Task<Guid> RunAsync(ICurrantClient client) => client.EnqueueAsync("x");
        }
        """);

    [Test]
    public Task CodeFix_WrapsEveryAwaitedEnqueueInWorkflowStep() => VerifyFix.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync(ICurrantClient client, ExecutionDefinition definition)
            {
                await {|CUR3002:client.EnqueueManyAsync(definition, new List<byte[]>(), null)|};
                var id = await {|CUR3002:client.EnqueueAsync(definition, new byte[0], null)|};
                var pending = {|CUR3002:client.EnqueueAsync(definition, new byte[0], null)|};
                return id;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync(ICurrantClient client, ExecutionDefinition definition)
            {
                await Workflow.Step("EnqueueManyAsync", _ => client.EnqueueManyAsync(definition, new List<byte[]>(), null));
                var id = await Workflow.Step("EnqueueAsync", _ => client.EnqueueAsync(definition, new byte[0], null));
                var pending = {|CUR3002:client.EnqueueAsync(definition, new byte[0], null)|};
                return id;
            }
        }
        """);
}
