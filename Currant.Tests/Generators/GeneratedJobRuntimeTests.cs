using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Tests.Generators;

/// <summary>
/// Compiles jobs with the generator into an in-memory assembly, loads it and runs its module initializer, then drives
/// the generated code the way a worker and a caller would: invokers through <see cref="ExecutionRegistry"/>, stubs
/// through a recording <see cref="ICurrantClient"/>.
/// </summary>
public sealed class GeneratedJobRuntimeTests
{
    private const string Source = """
        using Currant;
        using Currant.Tests.Generators;

        namespace RunJobs;

        public sealed record Order(string Id, decimal Amount, IReadOnlyList<string> Lines);
        public sealed record Receipt(string OrderId, int LineCount, decimal Amount);

        [Job(Name = "run.add")]
        public partial class Add
        {
            public Task<int> ExecuteAsync(int a, int b) => Task.FromResult(a + b);
        }

        [Job(Name = "run.receipt", Queue = "orders", Retries = 2, Timeout = 30, Priority = 4, NonRetryable = [typeof(ArgumentException)])]
        public partial class MakeReceipt
        {
            public ValueTask<Receipt> ExecuteAsync(Order order, CancellationToken ct) => new(new Receipt(order.Id, order.Lines.Count, order.Amount));
        }

        [Job(Name = "run.greet")]
        public partial class Greet(IGreeter greeter)
        {
            public async Task<string> ExecuteAsync(string name, string punctuation = "!") => await greeter.GreetAsync(name) + punctuation;
        }

        [Job(Name = "run.nothing")]
        public partial class Nothing
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Job(Name = "run.token")]
        public partial class ObserveToken
        {
            public Task<bool> ExecuteAsync(CancellationToken ct) => Task.FromResult(ct.IsCancellationRequested);
        }

        [Job(Name = "run.disposable")]
        public sealed partial class Disposing : IDisposable
        {
            public static int Disposed;

            public Task ExecuteAsync() => Task.CompletedTask;

            public void Dispose() => Interlocked.Increment(ref Disposed);
        }

        // What the tests call: user code using the generated stubs.
        public static class Callers
        {
            public static async Task<object> QueueAdd(int a, int b) => await Add.Queue(a, b);

            public static async Task<object> QueueGreet(ICurrantClient client, string name)
                => await Greet.Options(client: client, priority: 7, queue: "vip", idempotencyKey: "greet-1").Queue(name);

            public static async Task<object> QueueManyAdds(ICurrantClient client) => await Add.Options(client: client).QueueMany([(1, 2), (3, 4)]);

            public static async Task<object> QueueManyNothing(ICurrantClient client, int count) => await Nothing.Options(client: client).QueueMany(count);
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Default);
    private readonly ServiceProvider _noServices = new ServiceCollection().BuildServiceProvider();
    private Assembly _jobs = null!;

    [OneTimeSetUp]
    public void CompileLoadAndInitialize()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Currant.Tests.RunJobs", Source));
        run.AssertCompilesCleanly();

        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.That(emitted.Success, Is.True, string.Join("\n", emitted.Diagnostics));

        _jobs = Assembly.Load(image.ToArray());
        RuntimeHelpers.RunModuleConstructor(_jobs.ManifestModule.ModuleHandle);
    }

    [OneTimeTearDown]
    public async Task DisposeServices() => await _noServices.DisposeAsync();

    [Test]
    public void Registry_AfterModuleInitializer_KnowsEveryJobSortedByName()
    {
        string[] names = ["run.add", "run.disposable", "run.greet", "run.nothing", "run.receipt", "run.token"];
        var all = (IReadOnlyList<ExecutionDefinition>)_jobs.GetType("Currant.Generated.CurrantRegistry", throwOnError: true)!
            .GetProperty("All", BindingFlags.Static | BindingFlags.NonPublic)!
            .GetValue(null)!;

        Assert.Multiple(() =>
        {
            Assert.That(all.Select(d => d.Name), Is.EqualTo(names));
            foreach (var name in names)
            {
                Assert.That(ExecutionRegistry.TryGet(name, out var registered), Is.True, name);
                Assert.That(registered, Is.SameAs(all.Single(d => d.Name == name)), name);
            }
        });
    }

    [Test]
    public void Definition_FromAttributeSettings_CarriesThemToTheRuntime()
    {
        var receipt = Definition("run.receipt");
        var add = Definition("run.add");

        Assert.Multiple(() =>
        {
            Assert.That(receipt.Kind, Is.EqualTo(ExecutionKind.Job));
            Assert.That(receipt.Queue, Is.EqualTo("orders"));
            Assert.That(receipt.Retries, Is.EqualTo(2));
            Assert.That(receipt.Timeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(receipt.Priority, Is.EqualTo(4));
            Assert.That(receipt.IsNonRetryable!(new ArgumentNullException("x")), Is.True, "subclasses count");
            Assert.That(receipt.IsNonRetryable!(new InvalidOperationException()), Is.False);

            Assert.That(add.Queue, Is.Null);
            Assert.That(add.Retries, Is.Null);
            Assert.That(add.Timeout, Is.Null);
            Assert.That(add.IsNonRetryable, Is.Null);
        });
    }

    [Test]
    public async Task Invoke_WithArgumentsFromArgumentWriter_ReturnsTheResultAsJson()
    {
        var result = await InvokeAsync("run.add", new ArgumentWriter(Json).Write(2).Write(3).ToArray());

        Assert.That(result, Is.EqualTo("5"));
    }

    [Test]
    public async Task Invoke_WithRecordArgument_ReturnsTheResultRecordAsJson()
    {
        var order = new { Id = "o-1", Amount = 12.5m, Lines = new[] { "tea", "cake" } };

        var result = await InvokeAsync("run.receipt", new ArgumentWriter(Json).Write(order).ToArray());

        Assert.That(result, Is.EqualTo("""{"OrderId":"o-1","LineCount":2,"Amount":12.5}"""));
    }

    [Test]
    public async Task Invoke_WithConstructorDependency_ResolvesItFromTheServiceProvider()
    {
        await using var services = new ServiceCollection().AddSingleton<IGreeter, HelloGreeter>().BuildServiceProvider();

        var result = await InvokeAsync("run.greet", new ArgumentWriter(Json).Write("Ada").Write("?").ToArray(), services);

        Assert.That(result, Is.EqualTo("\"Hello, Ada?\""));
    }

    [Test]
    public async Task Invoke_WithMissingDependency_ThrowsAnErrorNamingTheJobAndTheService()
    {
        var arguments = new ArgumentWriter(Json).Write("Ada").Write("!").ToArray();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("run.greet", arguments, _noServices));

        Assert.That(error!.Message, Does.StartWith("'run.greet' needs a 'Currant.Tests.Generators.IGreeter' in its constructor"));
    }

    [Test]
    public async Task Invoke_WithWrongArgumentType_ThrowsArgumentDeserializationException()
    {
        var arguments = new ArgumentWriter(Json).Write("two").Write(3).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentDeserializationException>(() => InvokeAsync("run.add", arguments));

        Assert.That(error!.Message, Does.StartWith("Argument 'a' (#0) of 'run.add' cannot be read as Int32"));
    }

    [Test]
    public async Task Invoke_WithWrongArgumentCount_ThrowsArgumentDeserializationException()
    {
        var arguments = new ArgumentWriter(Json).Write(2).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentDeserializationException>(() => InvokeAsync("run.add", arguments));

        Assert.That(error!.Message, Is.EqualTo("The arguments of 'run.add' must be a JSON array of 2 values, but were an array of 1 value."));
    }

    [Test]
    public async Task Invoke_WithArgumentsThatAreNotAnArray_ThrowsArgumentDeserializationExceptionSayingSo()
    {
        var error = await Assert.ThrowsAsync<ArgumentDeserializationException>(() => InvokeAsync("run.add", """{"a":1}"""u8.ToArray()));

        Assert.That(error!.Message, Is.EqualTo("The arguments of 'run.add' must be a JSON array of 2 values, but were a JSON object."));
    }

    [Test]
    public async Task Invoke_ForTaskWithoutResult_ReturnsNull()
    {
        var result = await InvokeAsync("run.nothing", new ArgumentWriter(Json).ToArray());

        Assert.That(result, Is.Null);
    }

    [Test]
    public async Task Invoke_WithTrailingCancellationToken_PassesTheContextToken()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await InvokeAsync("run.token", new ArgumentWriter(Json).ToArray(), cancellationToken: cancelled.Token);

        Assert.That(result, Is.EqualTo("true"));
    }

    [Test]
    public async Task Invoke_ForDisposableJob_DisposesTheInstanceAfterTheCall()
    {
        var counter = _jobs.GetType("RunJobs.Disposing", throwOnError: true)!.GetField("Disposed")!;
        var before = (int)counter.GetValue(null)!;

        await InvokeAsync("run.disposable", new ArgumentWriter(Json).ToArray());

        Assert.That((int)counter.GetValue(null)!, Is.EqualTo(before + 1));
    }

    [Test]
    public async Task Queue_WithoutClient_ThrowsTheReadableErrorFromResolve()
    {
        Assume.That(CurrantClient.Default, Is.Null, "another test left a default client behind");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync("QueueAdd", 1, 2));

        Assert.That(error!.Message, Does.StartWith("No Currant client: call 'await CurrantClient.ConnectAsync(url)'"));
    }

    [Test]
    public async Task Queue_WithOptions_WritesEveryArgumentIncludingDefaultsAndTheSettings()
    {
        var client = new RecordingClient();

        var handle = await CallAsync("QueueGreet", client, "Ada");

        var (definition, arguments, options, id) = client.Enqueued.Single();
        Assert.Multiple(() =>
        {
            Assert.That(definition, Is.SameAs(Definition("run.greet")));
            Assert.That(Encoding.UTF8.GetString(arguments), Is.EqualTo("""["Ada","!"]"""));
            Assert.That(options, Is.EqualTo(new EnqueueOptions { Queue = "vip", Priority = 7, IdempotencyKey = "greet-1", Client = client }));
            Assert.That(handle, Is.TypeOf<ExecutionHandle<string>>());
            Assert.That(((ExecutionHandle)handle).Id, Is.EqualTo(id));
        });
    }

    [Test]
    public async Task QueueMany_WithTuples_EnqueuesOneArgumentArrayPerItemInOrder()
    {
        var client = new RecordingClient();

        var handles = (IReadOnlyList<ExecutionHandle<int>>)await CallAsync("QueueManyAdds", client);

        Assert.Multiple(() =>
        {
            Assert.That(client.Enqueued.Select(e => Encoding.UTF8.GetString(e.Arguments)), Is.EqualTo(new[] { "[1,2]", "[3,4]" }));
            Assert.That(handles.Select(h => h.Id), Is.EqualTo(client.Enqueued.Select(e => e.Id)));
        });
    }

    [Test]
    public async Task QueueMany_WithoutParameters_EnqueuesCountEmptyArgumentArrays()
    {
        var client = new RecordingClient();

        var handles = (IReadOnlyList<ExecutionHandle>)await CallAsync("QueueManyNothing", client, 3);

        Assert.Multiple(() =>
        {
            Assert.That(client.Enqueued.Select(e => Encoding.UTF8.GetString(e.Arguments)), Is.EqualTo(new[] { "[]", "[]", "[]" }));
            Assert.That(handles, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Queue_ThenInvoke_RunsWithTheQueuedArguments()
    {
        var client = new RecordingClient();
        await CallAsync("QueueGreet", client, "Grace");
        await using var services = new ServiceCollection().AddSingleton<IGreeter, HelloGreeter>().BuildServiceProvider();

        var result = await InvokeAsync("run.greet", client.Enqueued.Single().Arguments, services);

        Assert.That(result, Is.EqualTo("\"Hello, Grace!\""));
    }

    private static ExecutionDefinition Definition(string name)
    {
        Assert.That(ExecutionRegistry.TryGet(name, out var definition), Is.True, $"'{name}' is not registered");
        return definition!;
    }

    private async Task<string?> InvokeAsync(string name, byte[] arguments, IServiceProvider? services = null, CancellationToken cancellationToken = default)
    {
        var context = new InvocationContext(Guid.NewGuid(), name, 1, arguments, services ?? _noServices, Json, cancellationToken);
        var result = await Definition(name).Invoke(context);
        return result is null ? null : Encoding.UTF8.GetString(result);
    }

    private Task<object> CallAsync(string method, params object[] arguments)
        => (Task<object>)_jobs.GetType("RunJobs.Callers", throwOnError: true)!.GetMethod(method)!.Invoke(null, arguments)!;

    private sealed class HelloGreeter : IGreeter
    {
        public Task<string> GreetAsync(string name) => Task.FromResult("Hello, " + name);
    }
}
