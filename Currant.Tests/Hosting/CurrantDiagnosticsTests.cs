using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Currant.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Currant.Tests.Hosting;

/// <summary>Tracing, metrics and log scopes, observed the way an application's OpenTelemetry set-up sees them.</summary>
public sealed class CurrantDiagnosticsTests : CurrantFixture
{
    private static readonly ActivitySource App = new("Currant.Tests.App");

    private List<Activity> _spans = null!;
    private TracerProvider _tracing = null!;

    [SetUp]
    public void StartTracing()
    {
        _spans = [];
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(CurrantDiagnostics.ActivitySourceName, App.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_spans)
            .Build();
        CurrantClient.Default = Client;
    }

    [TearDown]
    public void StopTracing() => _tracing.Dispose();

    private Activity[] Spans(string name)
    {
        lock (_spans)
        {
            return _spans.Where(s => s.DisplayName == name).ToArray();
        }
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    [Test]
    public async Task Enqueue_StoresItsOwnSpanAsTheExecutionsTraceContext_UnderTheCallersSpan()
    {
        ExecutionHandle<Greeting> handle;
        Activity request;
        using (request = App.StartActivity("POST /orders")!)
        {
            handle = await Greet.Options(queue: NewQueue()).Queue("traced");
        }

        var enqueue = Spans("enqueue Greet").Single();
        var stored = await ScalarAsync<string>("SELECT trace_context FROM currant.executions WHERE id = @id", ("id", handle.Id));

        Assert.That(stored, Is.EqualTo(enqueue.Id), "the enqueue span's W3C id is what the row keeps");
        Assert.That(enqueue.ParentSpanId, Is.EqualTo(request.SpanId));
        Assert.That(enqueue.TraceId, Is.EqualTo(request.TraceId));
        Assert.That(enqueue.Kind, Is.EqualTo(ActivityKind.Producer));
        Assert.That(Tag(enqueue, "currant.execution.id"), Is.EqualTo(handle.Id.ToString()));
        Assert.That(Tag(enqueue, "currant.execution.name"), Is.EqualTo("Greet"));
        Assert.That(Tag(enqueue, "currant.execution.kind"), Is.EqualTo("job"));
    }

    [Test]
    public async Task Attempt_RunLaterByAnotherWorker_JoinsTheTraceThatEnqueuedIt()
    {
        var queue = NewQueue();
        ExecutionHandle<Greeting> handle;
        Activity request;
        using (request = App.StartActivity("POST /orders")!)
        {
            handle = await Greet.Options(queue: queue).Queue("later");
        }

        // The worker starts afterwards, inside a span of its own that must not adopt the attempt.
        CurrantWorker worker;
        using (App.StartActivity("worker start-up"))
        {
            worker = await StartWorkerAsync(queue);
        }

        await using (worker)
        {
            await handle.GetResultAsync(Wait);
        }

        var enqueue = Spans("enqueue Greet").Single();
        var run = Spans("run Greet").Single();
        Assert.That(run.TraceId, Is.EqualTo(request.TraceId), "one trace from the request to the attempt");
        Assert.That(run.ParentSpanId, Is.EqualTo(enqueue.SpanId), "the stored context is the attempt's parent");
        Assert.That(run.HasRemoteParent, Is.True);
        Assert.That(run.Kind, Is.EqualTo(ActivityKind.Consumer));
        Assert.That(Tag(run, "currant.execution.id"), Is.EqualTo(handle.Id.ToString()));
        Assert.That(Tag(run, "currant.execution.attempt"), Is.EqualTo("1"));
        Assert.That(Tag(run, "currant.queue"), Is.EqualTo(queue));
        Assert.That(Tag(run, "currant.execution.outcome"), Is.EqualTo("completed"));
        Assert.That(run.Status, Is.EqualTo(ActivityStatusCode.Unset));
    }

    [Test]
    public async Task SpanChain_FromARequestThroughAJobThatEnqueuesAnother_IsOneTrace()
    {
        var queue = NewQueue();
        var services = new ServiceCollection().AddSingleton<ICurrantClient>(Client).BuildServiceProvider();
        await using var worker = await StartWorkerAsync(queue, services: services);
        Activity request;
        Guid innerId;
        using (request = App.StartActivity("POST /orders")!)
        {
            innerId = await (await EnqueueGreeting.Options(queue: queue).Queue(queue, "inner")).GetResultAsync(Wait);
        }

        await Client.WaitForCompletionAsync(innerId, Wait);

        var outerEnqueue = Spans("enqueue EnqueueGreeting").Single();
        var outerRun = Spans("run EnqueueGreeting").Single();
        var innerEnqueue = Spans("enqueue Greet").Single();
        var innerRun = Spans("run Greet").Single();
        Assert.That(new[] { outerEnqueue, outerRun, innerEnqueue, innerRun }.Select(s => s.TraceId), Is.All.EqualTo(request.TraceId));
        Assert.That(outerEnqueue.ParentSpanId, Is.EqualTo(request.SpanId));
        Assert.That(outerRun.ParentSpanId, Is.EqualTo(outerEnqueue.SpanId));
        Assert.That(innerEnqueue.ParentSpanId, Is.EqualTo(outerRun.SpanId), "an enqueue inside an attempt is a child of the attempt");
        Assert.That(innerRun.ParentSpanId, Is.EqualTo(innerEnqueue.SpanId));
        Assert.That(Tag(innerRun, "currant.execution.id"), Is.EqualTo(innerId.ToString()));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task SpanChain_FromARequestThroughAWorkflowToItsActivity_IsOneTrace_WithTheActivityUnderAWorkflowRun(bool activitiesInActivation)
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { ActivitiesInActivation = activitiesInActivation });
        Activity request;
        ExecutionHandle<Workflows.ChainResult> handle;
        using (request = App.StartActivity("POST /orders")!)
        {
            handle = await Workflows.Chain.Options(queue: queue, client: Client).Queue(NewKey(), 1);
        }

        await handle.GetResultAsync(Wait);

        var enqueue = Spans("enqueue Chain").Single();
        var workflowRuns = Spans("run Chain");
        var activityRun = Spans("run Echo").Single();
        // One span per activation: inside the activation the activity runs under the only one; as its own row it
        // runs under the one that scheduled it, and another one completes.
        Assert.That(workflowRuns, Has.Length.GreaterThanOrEqualTo(activitiesInActivation ? 1 : 2));
        Assert.That(workflowRuns.Append(enqueue).Append(activityRun).Select(s => s.TraceId), Is.All.EqualTo(request.TraceId));
        Assert.That(enqueue.ParentSpanId, Is.EqualTo(request.SpanId));
        Assert.That(workflowRuns.Select(s => s.ParentSpanId), Is.All.EqualTo(enqueue.SpanId), "every activation joins the workflow's enqueue");
        Assert.That(workflowRuns.Select(s => Tag(s, "currant.execution.kind")), Is.All.EqualTo("workflow"));
        Assert.That(workflowRuns.Select(s => Tag(s, "currant.execution.id")), Is.All.EqualTo(handle.Id.ToString()));
        Assert.That(workflowRuns.Select(s => s.SpanId), Has.Member(activityRun.ParentSpanId), "the activity is a child of the activation that scheduled it");
        Assert.That(workflowRuns.Select(s => Tag(s, "currant.execution.outcome")),
            Is.SupersetOf(activitiesInActivation ? new[] { "completed" } : new[] { "suspended", "completed" }));
        Assert.That(Tag(activityRun, "currant.execution.kind"), Is.EqualTo("activity"));
    }

    [Test]
    public async Task WorkflowRuns_AreAllOfItsFirstAttempt_NumberedByActivation()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Workflows.Chain.Options(queue: queue, client: Client).Queue(NewKey(), 2);
        await handle.GetResultAsync(Wait);
        var activations = (await handle.GetStatusAsync()).Activations;

        var runs = Spans("run Chain").Where(s => Tag(s, "currant.execution.id") == handle.Id.ToString()).ToArray();

        Assert.That(runs.Select(s => Tag(s, "currant.execution.attempt")), Is.All.EqualTo("1"), "activations are not attempts");
        Assert.That(runs.Select(s => Tag(s, "currant.execution.activation")),
            Is.EquivalentTo(Enumerable.Range(1, activations).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(Spans("run Echo").Select(s => Tag(s, "currant.execution.activation")), Is.All.Null, "only workflows have activations");
    }

    [Test]
    public async Task Attempt_WithNoStoredContext_StartsATraceOfItsOwn()
    {
        var queue = NewQueue();
        _tracing.Dispose();
        var handle = await Greet.Options(queue: queue).Queue("untraced");
        StartTracing();
        Assert.That(await ScalarAsync<object>("SELECT trace_context FROM currant.executions WHERE id = @id", ("id", handle.Id)), Is.EqualTo(DBNull.Value));

        CurrantWorker worker;
        using (App.StartActivity("worker start-up"))
        {
            worker = await StartWorkerAsync(queue);
        }

        await using (worker)
        {
            await handle.GetResultAsync(Wait);
        }

        var run = Spans("run Greet").Single();
        Assert.That(run.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a root span, not a child of whatever the worker's start-up carried");
    }

    [Test]
    public async Task FailedAttempt_IsAnErrorSpanWithItsException_AndTheRetryIsItsSiblingInTheSameTrace()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Flaky.Options(queue: queue).Queue(NewKey(), 1);
        await handle.GetResultAsync(Wait);

        var enqueue = Spans("enqueue Flaky").Single();
        var runs = Spans("run Flaky").OrderBy(s => Tag(s, "currant.execution.attempt")).ToArray();
        Assert.That(runs, Has.Length.EqualTo(2));
        Assert.That(runs.Select(r => r.ParentSpanId), Is.All.EqualTo(enqueue.SpanId));
        Assert.That(runs[0].Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(Tag(runs[0], "currant.execution.outcome"), Is.EqualTo("retried"));
        var exception = runs[0].Events.Single(e => e.Name == "exception");
        Assert.That(exception.Tags.Single(t => t.Key == "exception.type").Value, Is.EqualTo("System.InvalidOperationException"));
        Assert.That(Tag(runs[1], "currant.execution.attempt"), Is.EqualTo("2"));
        Assert.That(Tag(runs[1], "currant.execution.outcome"), Is.EqualTo("completed"));
    }

    [Test]
    public async Task Metrics_CountEachOutcome_AndMeasureDurationQueueWaitInFlightAndClaims()
    {
        var queue = NewQueue();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CurrantDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();

        var greet = await Greet.Options(queue: queue).Queue("metrics");
        var flaky = await Flaky.Options(queue: queue).Queue(NewKey(), 1);
        var rejected = await RejectsBadInput.Options(queue: queue).Queue(NewKey());
        await using (await StartWorkerAsync(queue))
        {
            foreach (var id in new[] { greet.Id, flaky.Id, rejected.Id })
            {
                await Client.WaitForCompletionAsync(id, Wait);
            }
        }

        var ours = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("currant.queue"), queue)).ToList();
        double Sum(string name) => ours.Where(m => m.Instrument == name).Sum(m => m.Value);
        Assert.Multiple(() =>
        {
            Assert.That(Sum("currant.executions.enqueued"), Is.EqualTo(3));
            Assert.That(Sum("currant.executions.started"), Is.EqualTo(4), "Greet once, Flaky twice, RejectsBadInput once");
            Assert.That(Sum("currant.executions.completed"), Is.EqualTo(2));
            Assert.That(Sum("currant.executions.retried"), Is.EqualTo(1));
            Assert.That(Sum("currant.executions.failed"), Is.EqualTo(1));
            Assert.That(Sum("currant.executions.in_flight"), Is.Zero, "every +1 was matched by a -1");
            Assert.That(ours.Count(m => m.Instrument == "currant.execution.duration"), Is.EqualTo(4));
            Assert.That(ours.Where(m => m.Instrument == "currant.execution.duration").Select(m => m.Tags["currant.execution.outcome"]),
                Is.EquivalentTo(new[] { "completed", "retried", "completed", "failed" }));
            Assert.That(ours.Where(m => m.Instrument == "currant.queue.wait_time").Select(m => m.Value), Has.Exactly(4).GreaterThanOrEqualTo(0));
            Assert.That(ours.Single(m => m.Instrument == "currant.executions.started" && Equals(m.Tags["currant.execution.name"], "Greet")).Tags["currant.execution.kind"], Is.EqualTo("job"));
            Assert.That(measurements.Where(m => m.Instrument == "currant.claim.batch_size").Select(m => m.Value), Has.Some.GreaterThan(0));
        });
    }

    [Test]
    public async Task Logs_WrittenDuringAnAttempt_CarryTheExecutionsIdNameKindAttemptAndQueue()
    {
        var queue = NewQueue();
        var capture = new CapturingLoggerProvider();
        var builder = TestHosts.Builder(TestHosts.Settings(ConnectionString, queue));
        builder.Logging.AddProvider(capture).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddCurrant().AddWorker();
        using var host = builder.Build();
        await host.StartAsync();

        var handle = await LogLine.Options(queue: queue).Queue("hello");
        await handle.WaitAsync(Wait);
        await host.StopAsync();

        var line = capture.Lines.Single(l => l.Message == "job says hello");
        Assert.That(line.Category, Is.EqualTo(typeof(LogLine).FullName));
        Assert.That(line.Scope["ExecutionId"], Is.EqualTo(handle.Id));
        Assert.That(line.Scope["ExecutionName"], Is.EqualTo("LogLine"));
        Assert.That(line.Scope["ExecutionKind"], Is.EqualTo("job"));
        Assert.That(line.Scope["Attempt"], Is.EqualTo(1));
        Assert.That(line.Scope["Queue"], Is.EqualTo(queue));
        var started = capture.Lines.Single(l => l.EventId.Id == 20 && Equals(l.State.GetValueOrDefault("ExecutionId"), handle.Id));
        Assert.That(started.State["Name"], Is.EqualTo("LogLine"));
        Assert.That(started.State["Kind"], Is.EqualTo(ExecutionKind.Job));
        Assert.That(started.State["Queue"], Is.EqualTo(queue));
        Assert.That(started.State["Attempt"], Is.EqualTo(1));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            dictionary[key] = value;
        }

        return dictionary;
    }
}
