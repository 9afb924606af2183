using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Tests.Generators;

/// <summary>
/// Compiles activities, workflows and a job with the generator into an in-memory assembly, loads it and runs its
/// module initializer, then drives the generated code: definitions and invokers through <see cref="ExecutionRegistry"/>,
/// stubs outside a workflow through a <see cref="RecordingClient"/>, and stubs inside one through a
/// <see cref="FakeWorkflowContext"/> set as the thread's running workflow (as the engine does).
/// </summary>
public sealed class GeneratedWorkflowRuntimeTests
{
    private const string Source = """
        using Currant;

        namespace RunWorkflows;

        public sealed record Card(string CardToken);
        public sealed record Charge(string TransactionId, int Amount);
        public sealed record OrderResult(string OrderId, string TransactionId);

        [Activity(Name = "wf.charge", Retries = 3, Timeout = 60, NonRetryable = [typeof(ArgumentException)])]
        public partial class ChargeCard
        {
            public Task<Charge> ExecuteAsync(int amount, Card card, CancellationToken ct) => Task.FromResult(new Charge("tx-" + card.CardToken, amount));
        }

        [Activity(Name = "wf.notify", Queue = "notifications")]
        public partial class Notify
        {
            public Task ExecuteAsync(string email, string text = "Thanks") => Task.CompletedTask;
        }

        [Job(Name = "wf.audit", Queue = "audit")]
        public partial class Audit
        {
            public Task<int> ExecuteAsync(string what) => Task.FromResult(what.Length);
        }

        [Workflow(Name = "wf.ship", Queue = "shipping", Version = 2)]
        public partial class Ship
        {
            public Task RunAsync(string orderId) => Task.CompletedTask;
        }

        [Workflow(Name = "wf.order", Queue = "orders", Version = 3, Timeout = 3600, Priority = 7)]
        public partial class ProcessOrder
        {
            public async Task<OrderResult> RunAsync(string orderId, int amount, Card card, CancellationToken ct)
            {
                var charge = await ChargeCard.Run(amount, card);
                await Notify.Options(queue: "sms", retries: 1).Run("c@x.io");
                await Ship.Run(orderId);
                await Audit.Queue("charged " + orderId);
                return new OrderResult(orderId, charge.TransactionId);
            }
        }

        [Workflow(Name = "wf.echo")]
        public partial class Echo
        {
            public ValueTask<string> RunAsync(string text) => new(text + "!");
        }

        /// <summary>Finishes when the test opens the gate it got from the service provider.</summary>
        [Workflow(Name = "wf.gate")]
        public partial class Gate(TaskCompletionSource<string> gate)
        {
            public Task<string> RunAsync() => gate.Task;
        }

        // What the tests call: user code using the generated stubs.
        public static class Callers
        {
            public static async Task<string> RunCharge(int amount, string token)
            {
                Charge charge = await ChargeCard.Run(amount, new Card(token));
                return charge.TransactionId + " " + charge.Amount;
            }

            public static Task RunNotify(string email) => Notify.Options(queue: "sms", timeout: TimeSpan.FromSeconds(9), retries: 0).Run(email);

            public static Task<string> RunEcho(string text) => Echo.Options(timeout: TimeSpan.FromMinutes(5)).Run(text);

            public static Task RunShip(string orderId) => Ship.Run(orderId);

            public static Exception ContinueOrder(string orderId, int amount, string token) => ProcessOrder.ContinueAsNew(orderId, amount, new Card(token));

            public static Task<ExecutionHandle<int>> QueueAudit(ICurrantClient client, string what) => Audit.Options(client: client).Queue(what);

            public static Task<IReadOnlyList<ExecutionHandle>> QueueManyShip(ICurrantClient client, string[] orderIds)
                => Ship.Options(client: client, delay: TimeSpan.FromDays(1)).QueueMany(orderIds);

            public static async Task<ExecutionHandle> QueueOrder(ICurrantClient client, string orderId)
                => await ProcessOrder.Options(client: client, priority: 10, idempotencyKey: orderId).Queue(orderId, 500, new Card("visa"));
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Default);

    // Visibly different from the client's options, so a test can tell which serializer wrote the arguments.
    private static readonly JsonSerializerOptions WorkflowJson = new(JsonSerializerOptions.Default) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ServiceProvider _noServices = new ServiceCollection().BuildServiceProvider();
    private Assembly _workflows = null!;

    [OneTimeSetUp]
    public void CompileLoadAndInitialize()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Currant.Tests.RunWorkflows", Source));
        run.AssertCompilesCleanly();

        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.That(emitted.Success, Is.True, string.Join("\n", emitted.Diagnostics));

        _workflows = Assembly.Load(image.ToArray());
        RuntimeHelpers.RunModuleConstructor(_workflows.ManifestModule.ModuleHandle);
    }

    [OneTimeTearDown]
    public async Task DisposeServices() => await _noServices.DisposeAsync();

    [TearDown]
    public void LeaveAnyWorkflow() => WorkflowContextAccessor.Current = null;

    [Test]
    public void Registry_AfterModuleInitializer_KnowsEveryKindSortedByName()
    {
        var all = (IReadOnlyList<ExecutionDefinition>)_workflows.GetType("Currant.Generated.CurrantRegistry", throwOnError: true)!
            .GetProperty("All", BindingFlags.Static | BindingFlags.NonPublic)!
            .GetValue(null)!;

        Assert.Multiple(() =>
        {
            Assert.That(all.Select(d => (d.Name, d.Kind)), Is.EqualTo(new[]
            {
                ("wf.audit", ExecutionKind.Job),
                ("wf.charge", ExecutionKind.Activity),
                ("wf.echo", ExecutionKind.Workflow),
                ("wf.gate", ExecutionKind.Workflow),
                ("wf.notify", ExecutionKind.Activity),
                ("wf.order", ExecutionKind.Workflow),
                ("wf.ship", ExecutionKind.Workflow),
            }));
            foreach (var definition in all)
            {
                Assert.That(ExecutionRegistry.TryGet(definition.Name, out var registered), Is.True, definition.Name);
                Assert.That(registered, Is.SameAs(definition), definition.Name);
            }
        });
    }

    [Test]
    public void Definition_ForActivity_CarriesItsSettingsAndLeavesTheQueueToTheWorkflow()
    {
        var charge = Definition("wf.charge");
        var notify = Definition("wf.notify");

        Assert.Multiple(() =>
        {
            Assert.That(charge.Kind, Is.EqualTo(ExecutionKind.Activity));
            Assert.That(charge.Queue, Is.Null, "null means the calling workflow's queue");
            Assert.That(charge.Retries, Is.EqualTo(3));
            Assert.That(charge.Timeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(charge.Version, Is.EqualTo(1));
            Assert.That(charge.IsNonRetryable!(new ArgumentOutOfRangeException("x")), Is.True);
            Assert.That(charge.IsNonRetryable!(new InvalidOperationException()), Is.False);

            Assert.That(notify.Queue, Is.EqualTo("notifications"));
            Assert.That(notify.Retries, Is.Null);
            Assert.That(notify.Timeout, Is.Null);
            Assert.That(notify.IsNonRetryable, Is.Null);
        });
    }

    [Test]
    public void Definition_ForWorkflow_CarriesQueueVersionTimeoutAndPriority()
    {
        var order = Definition("wf.order");
        var echo = Definition("wf.echo");

        Assert.Multiple(() =>
        {
            Assert.That(order.Kind, Is.EqualTo(ExecutionKind.Workflow));
            Assert.That(order.Queue, Is.EqualTo("orders"));
            Assert.That(order.Version, Is.EqualTo(3));
            Assert.That(order.Timeout, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(order.Priority, Is.EqualTo(7));
            Assert.That(order.Retries, Is.Null, "workflows are replayed, not retried");
            Assert.That(order.IsNonRetryable, Is.Null);

            Assert.That(echo.Queue, Is.Null);
            Assert.That(echo.Version, Is.EqualTo(1));
            Assert.That(echo.Timeout, Is.Null);
        });
    }

    [Test]
    public async Task Invoke_ForWorkflow_RunsRunAsyncAndSerializesItsResult()
    {
        var result = await InvokeAsync("wf.echo", new ArgumentWriter(Json).Write("hi").ToArray());

        Assert.That(result, Is.EqualTo("\"hi!\""));
    }

    [Test]
    public async Task Invoke_ForActivity_RunsExecuteAsyncLikeAJob()
    {
        var result = await InvokeAsync("wf.charge", new ArgumentWriter(Json).Write(5).Write(new { CardToken = "visa" }).ToArray());

        Assert.That(result, Is.EqualTo("""{"TransactionId":"tx-visa","Amount":5}"""));
    }

    [Test]
    public void Invoke_ForWorkflowInsideAWorkflow_RoutesEveryStepThroughTheContextInOrder()
    {
        var client = new RecordingClient();
        var workflow = new FakeWorkflowContext(WorkflowJson, client);
        workflow.Results["wf.charge"] = """{"transaction_id":"tx-42","amount":500}""";
        var arguments = new ArgumentWriter(WorkflowJson).Write("o-1").Write(500).Write(new { CardToken = "visa" }).ToArray();
        var context = new InvocationContext(Guid.NewGuid(), "wf.order", 1, arguments, _noServices, WorkflowJson, CancellationToken.None);

        Task<byte[]?> invocation;
        using (workflow.Enter())
        {
            invocation = Definition("wf.order").Invoke(context).AsTask();
        }

        Assert.Multiple(() =>
        {
            Assert.That(invocation.IsCompletedSuccessfully, Is.True, "every step returned a recorded outcome, so nothing waits");
            Assert.That(Encoding.UTF8.GetString(invocation.Result!), Is.EqualTo("""{"order_id":"o-1","transaction_id":"tx-42"}"""));
            Assert.That(workflow.Runs.Select(r => r.Definition.Name), Is.EqualTo(new[] { "wf.charge", "wf.notify", "wf.ship" }));
            Assert.That(workflow.Queued.Select(q => q.Definition.Name), Is.EqualTo(new[] { "wf.audit" }));
            Assert.That(Encoding.UTF8.GetString(workflow.Queued[0].Arguments.Single()), Is.EqualTo("""["charged o-1"]"""));
            Assert.That(client.Enqueued, Is.Empty, "an enqueue from workflow code is a recorded command, not a client call");
        });
    }

    [Test]
    public async Task Invoke_ForWorkflow_ContinuesOnTheSchedulerItStartedOn()
    {
        // The engine runs the invoker on the workflow's single-threaded scheduler. When RunAsync finishes from
        // elsewhere (here: the test thread opens the gate), the rest of the invoker must come back to that scheduler.
        var scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        TaskScheduler? serializedOn = null;
        var json = new JsonSerializerOptions(Json) { Converters = { new ObservingStringConverter(() => serializedOn = TaskScheduler.Current) } };
        var gate = new TaskCompletionSource<string>();
        await using var services = new ServiceCollection().AddSingleton(gate).BuildServiceProvider();
        var context = new InvocationContext(Guid.NewGuid(), "wf.gate", 1, "[]"u8.ToArray(), services, json, CancellationToken.None);

        // The outer task ends when Invoke returns, that is once the invoker is parked on the gate.
        var invocation = await Task.Factory.StartNew(
            () => Definition("wf.gate").Invoke(context).AsTask(), CancellationToken.None, TaskCreationOptions.None, scheduler);
        gate.SetResult("open");
        var result = await invocation.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(result!), Is.EqualTo("\"open\""));
            Assert.That(serializedOn, Is.SameAs(scheduler));
        });
    }

    [Test]
    public async Task Run_OutsideAWorkflow_ThrowsTheReadableErrorFromWorkflowStub()
    {
        var activity = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (Task)Call("RunCharge", 5, "visa"));
        var child = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (Task)Call("RunShip", "o-1"));

        Assert.Multiple(() =>
        {
            Assert.That(activity!.Message, Does.StartWith("'ChargeCard.Run(...)' can only be called from workflow code"));
            Assert.That(child!.Message, Does.StartWith("'Ship.Run(...)' can only be called from workflow code"));
        });
    }

    [Test]
    public void Run_InsideAWorkflow_HandsTheDefinitionArgumentsAndOptionsToTheWorkflow()
    {
        var workflow = new FakeWorkflowContext(WorkflowJson, new RecordingClient());
        workflow.Results["wf.charge"] = """{"transaction_id":"tx-7","amount":5}""";
        workflow.Results["wf.echo"] = "\"recorded\"";

        Task charge, notify, echo;
        using (workflow.Enter())
        {
            charge = (Task)Call("RunCharge", 5, "visa");
            notify = (Task)Call("RunNotify", "a@x.io");
            echo = (Task)Call("RunEcho", "hi");
        }

        Assert.Multiple(() =>
        {
            Assert.That(new[] { charge, notify, echo }.Select(t => t.IsCompletedSuccessfully), Is.All.True);
            Assert.That(((Task<string>)charge).Result, Is.EqualTo("tx-7 5"), "the recorded result is read with the workflow's serializer");
            Assert.That(((Task<string>)echo).Result, Is.EqualTo("recorded"));

            var (definition, arguments, options) = workflow.Runs[0];
            Assert.That(definition, Is.SameAs(Definition("wf.charge")));
            Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""[5,{"card_token":"visa"}]"""), "written with the workflow's serializer");
            Assert.That(options, Is.EqualTo(new EnqueueOptions()));

            (definition, arguments, options) = workflow.Runs[1];
            Assert.That(definition, Is.SameAs(Definition("wf.notify")));
            Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""["a@x.io","Thanks"]"""), "defaults are written too");
            Assert.That(options, Is.EqualTo(new EnqueueOptions { Queue = "sms", Timeout = TimeSpan.FromSeconds(9), Retries = 0 }));

            (definition, arguments, options) = workflow.Runs[2];
            Assert.That(definition, Is.SameAs(Definition("wf.echo")));
            Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""["hi"]"""));
            Assert.That(options, Is.EqualTo(new EnqueueOptions { Timeout = TimeSpan.FromMinutes(5) }));
        });
    }

    [Test]
    public void ContinueAsNew_InsideAWorkflow_HandsItsDefinitionAndArgumentsToTheWorkflow()
    {
        var workflow = new FakeWorkflowContext(WorkflowJson, new RecordingClient());

        Exception continued;
        using (workflow.Enter())
        {
            continued = (Exception)Call("ContinueOrder", "o-9", 70, "visa");
        }

        Assert.That(continued, Is.TypeOf<ContinueAsNewException>());
        Assert.That(((ContinueAsNewException)continued).WorkflowName, Is.EqualTo("wf.order"));
        var (definition, arguments) = workflow.Continued.Single();
        Assert.That(definition, Is.SameAs(Definition("wf.order")));
        Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""["o-9",70,{"card_token":"visa"}]"""), "RunAsync's parameters, written with the workflow's serializer");
    }

    [Test]
    public void Queue_InsideAWorkflow_IsRecordedByTheWorkflowInsteadOfSentToTheClient()
    {
        var callerClient = new RecordingClient();
        var workflowClient = new RecordingClient();
        var workflow = new FakeWorkflowContext(WorkflowJson, workflowClient);

        Task<ExecutionHandle<int>> audit;
        Task<IReadOnlyList<ExecutionHandle>> ships;
        using (workflow.Enter())
        {
            audit = (Task<ExecutionHandle<int>>)Call("QueueAudit", callerClient, "refund");
            ships = (Task<IReadOnlyList<ExecutionHandle>>)Call("QueueManyShip", callerClient, new[] { "o-1", "o-2" });
        }

        Assert.Multiple(() =>
        {
            Assert.That(audit.IsCompletedSuccessfully && ships.IsCompletedSuccessfully, Is.True, "no await: the enqueue commits with the workflow's next step");
            Assert.That(callerClient.Enqueued, Is.Empty);
            Assert.That(workflowClient.Enqueued, Is.Empty);

            var (definition, arguments, options, ids) = workflow.Queued[0];
            Assert.That(definition, Is.SameAs(Definition("wf.audit")));
            Assert.That(arguments.Select(a => Encoding.UTF8.GetString(a)), Is.EqualTo(new[] { """["refund"]""" }));
            Assert.That(options!.Client, Is.SameAs(callerClient), "the caller's options reach the engine unchanged");
            Assert.That(audit.Result.Id, Is.EqualTo(ids.Single()));

            (definition, arguments, options, ids) = workflow.Queued[1];
            Assert.That(definition, Is.SameAs(Definition("wf.ship")));
            Assert.That(arguments.Select(a => Encoding.UTF8.GetString(a)), Is.EqualTo(new[] { """["o-1"]""", """["o-2"]""" }));
            Assert.That(options!.Delay, Is.EqualTo(TimeSpan.FromDays(1)));
            Assert.That(ships.Result.Select(h => h.Id), Is.EqualTo(ids));
        });
    }

    [Test]
    public async Task Queue_OutsideAWorkflow_StillGoesToTheClient()
    {
        var client = new RecordingClient();

        var order = await (Task<ExecutionHandle>)Call("QueueOrder", client, "o-9");
        var ships = await (Task<IReadOnlyList<ExecutionHandle>>)Call("QueueManyShip", client, new[] { "o-1", "o-2" });

        Assert.Multiple(() =>
        {
            Assert.That(client.Enqueued.Select(e => e.Definition.Name), Is.EqualTo(new[] { "wf.order", "wf.ship", "wf.ship" }));
            var (definition, arguments, options, id) = client.Enqueued[0];
            Assert.That(definition, Is.SameAs(Definition("wf.order")));
            Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""["o-9",500,{"CardToken":"visa"}]"""), "written with the client's serializer");
            Assert.That(options, Is.EqualTo(new EnqueueOptions { Client = client, Priority = 10, IdempotencyKey = "o-9" }));
            Assert.That(order.Id, Is.EqualTo(id));
            Assert.That(order.GetType().GetGenericArguments().Single().Name, Is.EqualTo("OrderResult"), "a typed handle");
            Assert.That(ships.Select(h => h.Id), Is.EqualTo(client.Enqueued.Skip(1).Select(e => e.Id)));
        });
    }

    private static ExecutionDefinition Definition(string name)
    {
        Assert.That(ExecutionRegistry.TryGet(name, out var definition), Is.True, $"'{name}' is not registered");
        return definition!;
    }

    private async Task<string?> InvokeAsync(string name, byte[] arguments)
    {
        var context = new InvocationContext(Guid.NewGuid(), name, 1, arguments, _noServices, Json, CancellationToken.None);
        var result = await Definition(name).Invoke(context);
        return result is null ? null : Encoding.UTF8.GetString(result);
    }

    /// <summary>Calls a static method of the compiled <c>Callers</c> on this thread; exceptions come out unwrapped.</summary>
    private object Call(string method, params object[] arguments)
        => _workflows.GetType("RunWorkflows.Callers", throwOnError: true)!.GetMethod(method)!
            .Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;

    /// <summary>Serializes strings as usual and reports where it ran.</summary>
    private sealed class ObservingStringConverter(Action onWrite) : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            onWrite();
            writer.WriteStringValue(value);
        }
    }
}
