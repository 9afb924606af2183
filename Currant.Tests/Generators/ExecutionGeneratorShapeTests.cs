using Microsoft.CodeAnalysis;

namespace Currant.Tests.Generators;

/// <summary>
/// Which <c>[Job]</c>, <c>[Activity]</c> and <c>[Workflow]</c> classes the generator accepts. Invalid shapes produce no code and no generator diagnostic
/// (the analyzers report them); valid ones compile warning-free and are callable the way DESIGN.md shows.
/// </summary>
public sealed class ExecutionGeneratorShapeTests
{
    private const string Task = "public Task ExecuteAsync() => Task.CompletedTask;";

    [TestCase("[Job] public class A { " + Task + " }", TestName = "Generate_WhenClassIsNotPartial_EmitsNothing")]
    [TestCase("[Job] public partial class A<T> { " + Task + " }", TestName = "Generate_WhenClassIsGeneric_EmitsNothing")]
    [TestCase("public class Outer { [Job] public partial class A { " + Task + " } }", TestName = "Generate_WhenContainerIsNotPartial_EmitsNothing")]
    [TestCase("public partial class Outer<T> { [Job] public partial class A { " + Task + " } }", TestName = "Generate_WhenContainerIsGeneric_EmitsNothing")]
    [TestCase("[Job] public static partial class A { public static Task ExecuteAsync() => Task.CompletedTask; }", TestName = "Generate_WhenClassIsStatic_EmitsNothing")]
    [TestCase("[Job] public abstract partial class A { " + Task + " }", TestName = "Generate_WhenClassIsAbstract_EmitsNothing")]
    [TestCase("[Job] file partial class A { " + Task + " }", TestName = "Generate_WhenClassIsFileLocal_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task RunAsync() => Task.CompletedTask; }", TestName = "Generate_WithoutExecuteAsync_EmitsNothing")]
    [TestCase("[Job] public partial class A { " + Task + " public Task ExecuteAsync(int x) => Task.CompletedTask; }", TestName = "Generate_WhenExecuteAsyncIsOverloaded_EmitsNothing")]
    [TestCase("[Job] public partial class A { private Task ExecuteAsync() => Task.CompletedTask; }", TestName = "Generate_WhenExecuteAsyncIsNotPublic_EmitsNothing")]
    [TestCase("[Job] public partial class A { public static Task ExecuteAsync() => Task.CompletedTask; }", TestName = "Generate_WhenExecuteAsyncIsStatic_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync<T>(T value) => Task.CompletedTask; }", TestName = "Generate_WhenExecuteAsyncIsGeneric_EmitsNothing")]
    [TestCase("[Job] public partial class A { public void ExecuteAsync() { } }", TestName = "Generate_WhenExecuteAsyncReturnsVoid_EmitsNothing")]
    [TestCase("[Job] public partial class A { public int ExecuteAsync() => 1; }", TestName = "Generate_WhenExecuteAsyncReturnsNoTask_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync(ref int x) => Task.CompletedTask; }", TestName = "Generate_WithRefParameter_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync(out int x) { x = 1; return Task.CompletedTask; } }", TestName = "Generate_WithOutParameter_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync(in int x) => Task.CompletedTask; }", TestName = "Generate_WithInParameter_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync(Span<int> x) => Task.CompletedTask; }", TestName = "Generate_WithRefStructParameter_EmitsNothing")]
    [TestCase("[Job] public partial class A { public Task ExecuteAsync(CancellationToken ct, int x) => Task.CompletedTask; }", TestName = "Generate_WhenCancellationTokenIsNotLast_EmitsNothing")]
    [TestCase("[Job] public partial class A { private A() { } " + Task + " }", TestName = "Generate_WithoutPublicConstructor_EmitsNothing")]
    [TestCase("[Job] public partial class A { public A(int a) { } public A(string b) { } " + Task + " }", TestName = "Generate_WithTwoWidestConstructors_EmitsNothing")]
    [TestCase("[Job] public partial class A { public required string Region { get; init; } " + Task + " }", TestName = "Generate_WithRequiredMembers_EmitsNothing")]
    [TestCase("[Job(Name = \"\")] public partial class A { " + Task + " }", TestName = "Generate_WithEmptyName_EmitsNothing")]
    [TestCase("[Activity] public partial class A { public Task RunAsync() => Task.CompletedTask; }", TestName = "Generate_ForActivityWithoutExecuteAsync_EmitsNothing")]
    [TestCase("[Activity] public class A { " + Task + " }", TestName = "Generate_WhenActivityIsNotPartial_EmitsNothing")]
    [TestCase("[Activity] public partial class A { public int ExecuteAsync() => 1; }", TestName = "Generate_WhenActivityReturnsNoTask_EmitsNothing")]
    [TestCase("[Workflow] public partial class A { " + Task + " }", TestName = "Generate_ForWorkflowWithoutRunAsync_EmitsNothing")]
    [TestCase("[Workflow] public partial class A<T> { public Task RunAsync() => Task.CompletedTask; }", TestName = "Generate_WhenWorkflowIsGeneric_EmitsNothing")]
    [TestCase("[Workflow] public partial class A { public void RunAsync() { } }", TestName = "Generate_WhenRunAsyncReturnsVoid_EmitsNothing")]
    [TestCase("[Workflow] public partial class A { public Task RunAsync(CancellationToken ct, int x) => Task.CompletedTask; }", TestName = "Generate_WhenRunAsyncTokenIsNotLast_EmitsNothing")]
    [TestCase("[Job, Obsolete(\"gone\", error: true)] public partial class A { " + Task + " }", TestName = "Generate_WhenClassIsObsoleteAsError_EmitsNothing")]
    [TestCase("[Job] public partial class A { [Obsolete(\"gone\", true)] " + Task + " }", TestName = "Generate_WhenExecuteAsyncIsObsoleteAsError_EmitsNothing")]
    public void Generate_ForInvalidShape_EmitsNothing(string declaration)
    {
        var run = GeneratorHarness.Run("using Currant;\n\nnamespace Demo;\n\n" + declaration);

        Assert.Multiple(() =>
        {
            Assert.That(run.HintNames, Is.Empty);
            Assert.That(run.Result.Diagnostics, Is.Empty);
        });
    }

    [Test]
    public void Generate_WithDuplicateNames_SkipsEveryDuplicateButKeepsTheOthers()
    {
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace A { [Job(Name = "same")] public partial class One { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace B { [Job(Name = "same")] public partial class Two { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace C { [Job] public partial class Same { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace D { [Job] public partial class Same { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace E { [Job] public partial class Unique { public Task ExecuteAsync() => Task.CompletedTask; } }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Is.EqualTo(new[] { "E.Unique.g.cs", "Currant.Generated.CurrantRegistry.g.cs" }));
    }

    [Test]
    public void Generate_WithDuplicateNamesAcrossKinds_SkipsEveryDuplicateButKeepsTheOthers()
    {
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace A { [Job(Name = "same")] public partial class One { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace B { [Activity(Name = "same")] public partial class Two { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace C { [Workflow(Name = "same")] public partial class Three { public Task RunAsync() => Task.CompletedTask; } }
            namespace D { [Activity] public partial class Pair { public Task ExecuteAsync() => Task.CompletedTask; } }
            namespace E { [Workflow] public partial class Pair { public Task RunAsync() => Task.CompletedTask; } }
            namespace F
            {
                [Job, Workflow]
                public partial class Both
                {
                    public Task ExecuteAsync() => Task.CompletedTask;
                    public Task RunAsync() => Task.CompletedTask;
                }
            }
            namespace G { [Workflow] public partial class Unique { public Task RunAsync() => Task.CompletedTask; } }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Is.EqualTo(new[] { "G.Unique.g.cs", "Currant.Generated.CurrantRegistry.g.cs" }));
    }

    [Test]
    public void Generate_WithoutJobs_EmitsNoRegistry()
    {
        var run = GeneratorHarness.Run("namespace Demo; public partial class NotAJob { public Task ExecuteAsync() => Task.CompletedTask; }");

        Assert.That(run.HintNames, Is.Empty);
    }

    [Test]
    public void Generate_ForShapesOutsideTheGoldenFiles_CompilesCleanly()
    {
        var run = GeneratorHarness.Run("""
            using Currant;

            [Job]
            public partial class InGlobalNamespace { public ValueTask ExecuteAsync(int n) => ValueTask.CompletedTask; }

            namespace Demo
            {
                public interface IAuditLog { void Write(string what); }

                [Job]
                public partial record AuditAsRecord(IAuditLog Log)
                {
                    public Task ExecuteAsync(string what) { Log.Write(what); return Task.CompletedTask; }
                }

                [Job]
                public partial class @event { public Task<int> ExecuteAsync(string name, params int[] values) => Task.FromResult(values.Length); }

                [Job]
                public sealed partial class Scratch : IDisposable
                {
                    public Task ExecuteAsync(string @namespace, CancellationToken ct) => Task.CompletedTask;
                    public void Dispose() { }
                }

                public partial struct Container
                {
                    public partial interface IJobs
                    {
                        [Job]
                        public partial class Inner { public Task ExecuteAsync() => Task.CompletedTask; }
                    }
                }
            }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Has.Count.EqualTo(6));
    }

    [Test]
    public void Generate_InNullableDisabledCode_CompilesCleanly()
    {
        // Oblivious 'string note = null' becomes 'string? note = null' in the nullable-enabled generated file.
        var run = GeneratorHarness.Run("""
            #nullable disable
            using Currant;

            namespace Legacy;

            [Job]
            public partial class Import
            {
                public Task<string> ExecuteAsync(string path, List<string> tags = null, string note = null) => Task.FromResult(path);
            }

            public static class Caller
            {
                public static Task Use() => Import.Queue(null, null);
            }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.Source("Legacy.Import.g.cs"),
            Does.Contain("Queue(string? path, global::System.Collections.Generic.List<string>? tags = null, string? note = null)"));
    }

    [Test]
    public void Generate_ForObsoleteJobs_KeepsThemRegisteredWithoutWarnings()
    {
        // A job marked [Obsolete] while its stored executions drain must still run, and must not break a warning-free build.
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace Old
            {
                [Job, Obsolete]
                public partial class Plain { public Task ExecuteAsync() => Task.CompletedTask; }

                [Job, Obsolete("Use V2", DiagnosticId = "OLD001")]
                public partial class Custom { public Task ExecuteAsync() => Task.CompletedTask; }

                [Obsolete("Whole area retired")]
                public partial class Area
                {
                    [Job]
                    public partial class Inner { public Task ExecuteAsync() => Task.CompletedTask; }
                }

                [Job]
                public partial class OldMethod
                {
                    [Obsolete("Use something else")]
                    public Task<int> ExecuteAsync(int n) => Task.FromResult(n);
                }
            }
            """);

        run.AssertCompilesCleanly();
        Assert.Multiple(() =>
        {
            Assert.That(run.HintNames, Has.Count.EqualTo(5));
            Assert.That(run.Source("Currant.Generated.CurrantRegistry.g.cs"), Does.Contain("#pragma warning disable OLD001 // Obsolete"));
        });
    }

    [Test]
    public void Generate_WithDocumentationFileEnabled_DocumentsEveryPublicMember()
    {
        var parseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var compilation = GeneratorHarness.CreateCompilation("Documented", parseOptions, """
            using Currant;

            namespace Demo;

            /// <summary>Sends mail.</summary>
            [Job]
            public partial class SendEmail
            {
                /// <summary>Runs.</summary>
                public Task<int> ExecuteAsync(string to, int tries) => Task.FromResult(tries);
            }

            /// <summary>Charges.</summary>
            [Activity]
            public partial class Charge
            {
                /// <summary>Runs.</summary>
                public Task ExecuteAsync(int amount) => Task.CompletedTask;
            }

            /// <summary>Orders.</summary>
            [Workflow]
            public partial class Order
            {
                /// <summary>Runs.</summary>
                public Task<string> RunAsync(string id) => Task.FromResult(id);
            }
            """);

        var run = GeneratorHarness.Run(compilation, parseOptions);

        var inGeneratedCode = run.Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && run.Result.GeneratedTrees.Contains(tree))
            .Select(d => d.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(run.HintNames, Has.Count.EqualTo(4));
            Assert.That(inGeneratedCode, Is.Empty);
        });
    }

    [Test]
    public void Generate_Stubs_AreCallableTheWayTheDesignShows()
    {
        // Compiles only if Queue/Options/QueueMany have the documented shapes; nothing runs here.
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace Demo;

            public sealed record EmailReceipt(string MessageId);

            [Job(Queue = "emails", Retries = 3)]
            public partial class SendEmail
            {
                public Task<EmailReceipt> ExecuteAsync(string to, string subject, string body = "Hi", CancellationToken ct = default)
                    => Task.FromResult(new EmailReceipt(to));
            }

            [Job]
            public partial class Tick { public Task ExecuteAsync() => Task.CompletedTask; }

            public static class Caller
            {
                public static async Task<EmailReceipt> Use(Npgsql.NpgsqlTransaction tx, ICurrantClient client)
                {
                    ExecutionHandle<EmailReceipt> job = await SendEmail.Queue("user@example.com", "Welcome");
                    await SendEmail.Options(priority: 10, idempotencyKey: "k", delay: TimeSpan.FromMinutes(1)).Queue("a", "b", "c");
                    await SendEmail.Options(transaction: tx, client: client).Queue(to: "a", subject: "b");
                    IReadOnlyList<ExecutionHandle<EmailReceipt>> many = await SendEmail.QueueMany([("a", "b", "c"), (to: "d", subject: "e", body: "f")]);
                    IReadOnlyList<ExecutionHandle> ticks = await Tick.Options(queue: "fast").QueueMany(3);
                    ExecutionHandle tick = await Tick.Queue();
                    SendEmail.Configured configured = SendEmail.Options(retries: 0, timeout: TimeSpan.FromSeconds(5), runAt: DateTimeOffset.UtcNow);
                    await configured.Queue("x", "y");
                    return await job.GetResultAsync();
                }
            }
            """);

        run.AssertCompilesCleanly();
    }

    [Test]
    public void Generate_ActivityAndWorkflowStubs_AreCallableTheWayTheDesignShows()
    {
        // DESIGN.md section 2, nearly verbatim; compiles only if Run/Queue/Options have the documented shapes.
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace Demo;

            public sealed record Charge(string TransactionId);
            public sealed record OrderResult(string OrderId, string TransactionId);
            public interface IPayments { Task<Charge> ChargeAsync(int amount, string cardToken, CancellationToken ct); }

            [Activity(Retries = 3, Timeout = 60)]
            public partial class ChargeCard(IPayments payments)
            {
                public Task<Charge> ExecuteAsync(int amount, string cardToken, CancellationToken ct) => payments.ChargeAsync(amount, cardToken, ct);
            }

            [Activity]
            public partial class SendSms { public Task ExecuteAsync(string to, string text, CancellationToken ct) => Task.CompletedTask; }

            [Activity]
            public partial class SendReceipt { public Task<bool> ExecuteAsync(string email, int amount) => Task.FromResult(true); }

            [Job(Queue = "audit")]
            public partial class Audit { public Task ExecuteAsync(string what) => Task.CompletedTask; }

            [Workflow(Queue = "orders", Version = 1, Timeout = 3600)]
            public partial class ProcessOrder
            {
                public async Task<OrderResult> RunAsync(string orderId, int amount, string email, string cardToken)
                {
                    var charge = await ChargeCard.Run(amount, cardToken);
                    if (Workflow.GetVersion("send-sms", 1, 2) >= 2)
                        await SendSms.Run(email, "Order confirmed");
                    await SendReceipt.Options(retries: 5).Run(email, amount);
                    await Task.WhenAll(SendSms.Run(email, "a"), SendSms.Options(queue: "sms").Run(email, "b"));
                    await Audit.Queue("charged " + orderId);
                    await Audit.QueueMany(["a", "b"]);
                    await Refund.Run(orderId);
                    return new OrderResult(orderId, charge.TransactionId);
                }
            }

            [Workflow]
            public partial class Refund { public ValueTask RunAsync(string orderId, CancellationToken ct = default) => ValueTask.CompletedTask; }

            public static class Caller
            {
                public static async Task<OrderResult> Use()
                {
                    var wf = await ProcessOrder.Options(priority: 10, idempotencyKey: "order-123").Queue("order-123", 5000, "c@x.io", "tok_visa");
                    ExecutionHandle refund = await Refund.Queue("order-122");
                    IReadOnlyList<ExecutionHandle<OrderResult>> many = await ProcessOrder.QueueMany([("o1", 1, "a@x.io", "t"), ("o2", 2, "b@x.io", "t")]);
                    return await wf.GetResultAsync();
                }
            }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Has.Count.EqualTo(7));
    }
}
