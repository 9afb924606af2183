namespace Currant.Tests.Generators;

/// <summary>
/// The generated code for each shape of <c>[Job]</c>, <c>[Activity]</c> and <c>[Workflow]</c> class, checked against
/// <c>Golden/&lt;case&gt;.g.cs</c> and compiled (no errors, no warnings) together with the user's code.
/// </summary>
public sealed class ExecutionGeneratorGoldenTests
{
    [Test]
    public void Generate_WithoutArguments_WritesAnEmptyArgumentArray() => AssertGolden("NoArguments", "Demo.Ping", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class Ping
        {
            public Task<string> ExecuteAsync() => Task.FromResult("pong");
        }
        """);

    [Test]
    public void Generate_WithManyArguments_ReadsEachInOrder() => AssertGolden("ManyArguments", "Demo.Reconcile", """
        using Currant;

        namespace Demo;

        [Job(Queue = "ledger")]
        public partial class Reconcile
        {
            public Task<int> ExecuteAsync(int count, long total, double ratio, bool dryRun, Guid batchId, DateTimeOffset at,
                decimal amount, string label, char initial, CancellationToken ct) => Task.FromResult(count);
        }
        """);

    [Test]
    public void Generate_WithDefaultValues_MirrorsThemInQueue() => AssertGolden("DefaultValues", "Demo.Notify", """
        using Currant;

        namespace Demo;

        public enum Channel { Email, Sms, Push = 7 }

        [Flags]
        public enum Audience { None = 0, Staff = 1, Customers = 2 }

        [Job]
        public partial class Notify
        {
            public Task ExecuteAsync(
                string message = "Hello, \"world\"\n",
                int count = 3,
                long big = -9000000000L,
                uint small = 7,
                ulong huge = 18446744073709551615,
                byte level = 255,
                short delta = -3,
                double ratio = 0.1,
                float scale = 1.25f,
                double missing = double.NaN,
                decimal price = 9.99m,
                bool loud = true,
                char mark = '\'',
                Channel channel = Channel.Push,
                Channel custom = (Channel)42,
                Audience audience = Audience.Staff | Audience.Customers,
                Channel? fallback = null,
                int? limit = 5,
                DayOfWeek day = DayOfWeek.Friday,
                TimeSpan delay = default,
                string? note = null,
                CancellationToken ct = default) => Task.CompletedTask;
        }
        """);

    [Test]
    public void Generate_WithNullableParameters_KeepsTheirAnnotations() => AssertGolden("Nullable", "Demo.Tag", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class Tag
        {
            public Task<string?> ExecuteAsync(string? name, int? age, List<string?>? tags, Dictionary<string, int?> scores, CancellationToken ct)
                => Task.FromResult(name);
        }
        """);

    [Test]
    public void Generate_WithGenericCollections_QualifiesEveryTypeArgument() => AssertGolden("GenericCollections", "Demo.Aggregate", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class Aggregate
        {
            public Task<Dictionary<string, List<int>>> ExecuteAsync(List<Dictionary<string, int>> rows, IReadOnlyList<(int Id, string Name)> pairs,
                Dictionary<Guid, HashSet<string>> index, int[][] jagged)
                => Task.FromResult(new Dictionary<string, List<int>>());
        }
        """);

    [Test]
    public void Generate_WithRecordArguments_SerializesThemAsDeclared() => AssertGolden("Records", "Demo.Invoice", """
        using Currant;

        namespace Demo;

        public record Address(string Street, string City);
        public sealed record Customer(string Name, Address Address, IReadOnlyList<string> Emails);
        public readonly record struct Money(decimal Amount, string Currency);
        public sealed record InvoiceResult(Guid Id, Money Total);

        [Job]
        public partial class Invoice
        {
            public Task<InvoiceResult> ExecuteAsync(Customer customer, Money total, CancellationToken ct)
                => Task.FromResult(new InvoiceResult(Guid.Empty, total));
        }
        """);

    [Test]
    public void Generate_ForTaskWithoutResult_ReturnsUntypedHandles() => AssertGolden("VoidTask", "Demo.Cleanup", """
        using Currant;

        namespace Demo;

        [Job(Queue = "maintenance")]
        public partial class Cleanup
        {
            public Task ExecuteAsync(string path, CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Test]
    public void Generate_ForValueTaskOfT_ReturnsTypedHandles() => AssertGolden("ValueTaskOfT", "Demo.WordCount", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class WordCount
        {
            public ValueTask<int> ExecuteAsync(string text) => new(text.Split(' ').Length);
        }
        """);

    [Test]
    public void Generate_WithConstructorParameters_ResolvesThemFromServices() => AssertGolden("ConstructorInjection", "Demo.Charge", """
        using Currant;

        namespace Demo;

        public interface IPayments { Task<string> ChargeAsync(int amount, CancellationToken ct); }
        public interface IAudit { void Record(string what); }

        [Job]
        public partial class Charge
        {
            private readonly IPayments _payments;
            private readonly IAudit? _audit;

            public Charge(IPayments payments) : this(payments, null, TimeProvider.System)
            {
            }

            public Charge(IPayments payments, IAudit? audit, TimeProvider clock)
            {
                _payments = payments;
                _audit = audit;
            }

            public Task<string> ExecuteAsync(int amount, CancellationToken ct) => _payments.ChargeAsync(amount, ct);
        }
        """);

    [Test]
    public void Generate_WithPrimaryConstructorAndAttributeSettings_CopiesThemIntoTheDefinition() => AssertGolden("AttributeSettings", "Demo.SendEmail", """
        using Currant;

        namespace Demo;

        public interface IEmailSender { Task<EmailReceipt> SendAsync(string to, string subject, string body, CancellationToken ct); }
        public sealed record EmailReceipt(string MessageId);

        // typeof(string) is not an exception: the generator leaves it out (an analyzer reports it).
        [Job(Queue = "emails", Retries = 3, Timeout = 90, Priority = -2,
             NonRetryable = [typeof(ArgumentException), typeof(InvalidOperationException), typeof(string)])]
        public partial class SendEmail(IEmailSender sender)
        {
            public async Task<EmailReceipt> ExecuteAsync(string to, string subject, string body = "Hi", CancellationToken ct = default)
                => await sender.SendAsync(to, subject, body, ct);
        }
        """);

    [Test]
    public void Generate_WithRetryPolicyAndHeartbeatTimeout_CopiesThemIntoTheDefinition() => AssertGolden("RetryPolicy", "Demo.PollInventory", """
        using Currant;

        namespace Demo;

        // Poll every 60 s (backoff 1), a 1.5 s heartbeat timeout. RetryMaxDelay = -3 is invalid: left out (CUR2040 reports it).
        [Activity(Retries = 100, RetryDelay = 60, RetryBackoff = 1, RetryMaxDelay = -3, HeartbeatTimeout = 1.5)]
        public partial class PollInventory
        {
            public Task<int> ExecuteAsync(string sku, CancellationToken ct) => Task.FromResult(sku.Length);
        }
        """);

    [Test]
    public void Generate_WithExplicitName_PersistsThatName() => AssertGolden("ExplicitName", "Demo.SendInvoice", """
        using Currant;

        namespace Demo;

        [Job(Name = "billing.send-invoice", Queue = "billing", Priority = 5)]
        public partial class SendInvoice
        {
            public Task ExecuteAsync(Guid invoiceId) => Task.CompletedTask;
        }
        """);

    [Test]
    public void Generate_WithSensitiveParameters_RecordsThemInTheDefinition() => AssertGolden("Sensitive", "Demo.StoreCard", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class StoreCard
        {
            public Task ExecuteAsync(string customer, [Sensitive] string cardNumber, [Sensitive] string cvc, int amount) => Task.CompletedTask;
        }
        """);

    [Test]
    public void Generate_InsideNestedPartialTypes_ReproducesTheContainers() => AssertGolden("Nested", "Demo.Billing+Jobs+Refund", """
        using Currant;

        namespace Demo;

        public static partial class Billing
        {
            public partial record Jobs
            {
                [Job]
                internal partial class Refund
                {
                    public Task<bool> ExecuteAsync(string paymentId, int amount) => Task.FromResult(true);
                }
            }
        }
        """);

    [Test]
    public void Generate_ForDisposableJob_DisposesTheInstanceAfterTheCall() => AssertGolden("Disposable", "Demo.Export", """
        using Currant;

        namespace Demo;

        public interface IStorage { Task WriteAsync(string path, CancellationToken ct); }

        [Job]
        public sealed partial class Export(IStorage storage) : IAsyncDisposable
        {
            public Task ExecuteAsync(string path, CancellationToken ct) => storage.WriteAsync(path, ct);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
        """);

    [Test]
    public void Generate_WhenParametersShadowGeneratedNames_RenamesOnlyTheGeneratedLocals() => AssertGolden("NameClashes", "Demo.Clash", """
        using Currant;

        namespace Demo;

        [Job]
        public partial class Clash
        {
            public Task<string> ExecuteAsync(string context, int args, bool instance, string result, string client, string bytes,
                string id, string @class, int Item1, string Rest, string options, CancellationToken ct) => Task.FromResult(context);
        }
        """);

    [Test]
    public void Generate_WithScheduleAttribute_PutsTheScheduleInTheDefinition() => AssertGolden("ScheduledJob", "Demo.NightlyReport", """
        using Currant;

        namespace Demo;

        [Job(Queue = "reports"), Schedule("0 3 * * *", TimeZone = "Europe/Berlin", Overlap = ScheduleOverlap.BufferOne, CatchUp = ScheduleCatchUp.All, CatchUpWindow = 3600)]
        public partial class NightlyReport
        {
            public Task ExecuteAsync(CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Test]
    public void Generate_WhenParametersShadowScheduleParameters_RenamesTheScheduleOnes() => AssertGolden("ScheduleNameClashes", "Demo.Digest", """
        using Currant;

        namespace Demo;

        [Workflow]
        public partial class Digest
        {
            public Task<int> RunAsync(string name, string cron, string client) => Task.FromResult(1);
        }
        """);

    [Test]
    public void Generate_ForActivityWithResult_WritesRunAndActivityOptions() => AssertGolden("ActivityWithResult", "Demo.ChargeCard", """
        using Currant;

        namespace Demo;

        public sealed record Charge(string TransactionId, int Amount);
        public interface IPayments { Task<Charge> ChargeAsync(int amount, string cardToken, CancellationToken ct); }
        public sealed class CardDeclinedException(string message) : Exception(message);

        [Activity(Retries = 3, Timeout = 60, NonRetryable = [typeof(CardDeclinedException)])]
        public partial class ChargeCard(IPayments payments)
        {
            public Task<Charge> ExecuteAsync(int amount, string cardToken, CancellationToken ct) => payments.ChargeAsync(amount, cardToken, ct);
        }

        // Compiles only if Run and Options(...).Run have the documented shapes.
        public static class WorkflowCode
        {
            public static async Task<string> Use()
            {
                Charge first = await ChargeCard.Run(100, "tok_visa");
                ChargeCard.Configured careful = ChargeCard.Options(queue: "payments", timeout: TimeSpan.FromSeconds(5), retries: 0);
                Charge second = await careful.Run(amount: 5, cardToken: "tok_amex");
                return first.TransactionId + second.TransactionId;
            }
        }
        """);

    [Test]
    public void Generate_ForActivityWithoutResult_RunReturnsTask() => AssertGolden("ActivityVoid", "Demo.SendSms", """
        using Currant;

        namespace Demo;

        [Activity(Name = "notify.sms", Queue = "sms")]
        public partial class SendSms
        {
            public ValueTask ExecuteAsync(string phone, string text = "Your order shipped") => ValueTask.CompletedTask;
        }
        """);

    [Test]
    public void Generate_ForWorkflows_WritesQueueRunAndAnInvokerThatStaysOnTheWorkflowScheduler() => AssertGoldens("""
        using Currant;

        namespace Demo;

        public sealed record OrderResult(string OrderId, bool Shipped);

        [Workflow(Queue = "orders", Version = 3, Timeout = 3600, Priority = 5)]
        public partial class ProcessOrder
        {
            public async Task<OrderResult> RunAsync(string orderId, int amount, CancellationToken ct)
            {
                await ShipOrder.Run(orderId);
                await ShipOrder.Options(queue: "shipping", delay: TimeSpan.FromDays(1)).Queue(orderId, express: true);
                return new OrderResult(orderId, amount > 0);
            }
        }

        // Workflows rarely own resources; a disposable one is disposed on the workflow scheduler too.
        [Workflow]
        public sealed partial class ShipOrder : IAsyncDisposable
        {
            public Task RunAsync(string orderId, bool express = false) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
        """, ("WorkflowWithResult", "Demo.ProcessOrder"), ("WorkflowVoid", "Demo.ShipOrder"));

    [Test]
    public void Generate_WithJobsActivitiesAndWorkflows_RegistersThemAllSortedOrdinallyByName()
    {
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace Shipping
            {
                [Job(Name = "zeta")]
                public partial class Last { public Task ExecuteAsync() => Task.CompletedTask; }

                [Activity(Name = "beta")]
                public partial class Middle { public Task ExecuteAsync() => Task.CompletedTask; }
            }

            namespace Accounts
            {
                [Workflow(Name = "Alpha")]
                public partial class First { public Task RunAsync() => Task.CompletedTask; }
            }

            [Job]
            public partial class GlobalJob { public Task ExecuteAsync() => Task.CompletedTask; }
            """);

        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Is.EqualTo(new[]
        {
            "Accounts.First.g.cs", "GlobalJob.g.cs", "Shipping.Middle.g.cs", "Shipping.Last.g.cs", "Currant.Generated.CurrantRegistry.g.cs",
        }));
        GoldenFile.AssertMatches("Registry", run.Source("Currant.Generated.CurrantRegistry.g.cs"));
    }

    private static void AssertGolden(string caseName, string metadataName, string source) => AssertGoldens(source, (caseName, metadataName));

    /// <summary>Generates, compiles, and checks one golden file per execution class (in hint-name order; the registry last).</summary>
    private static void AssertGoldens(string source, params (string CaseName, string MetadataName)[] classes)
    {
        var run = GeneratorHarness.Run(source);
        run.AssertCompilesCleanly();
        Assert.That(run.HintNames, Is.EqualTo(classes.Select(c => c.MetadataName + ".g.cs").Append("Currant.Generated.CurrantRegistry.g.cs")));
        foreach (var (caseName, metadataName) in classes)
        {
            GoldenFile.AssertMatches(caseName, run.Source(metadataName + ".g.cs"));
        }
    }
}
