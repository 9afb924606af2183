using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>
/// Code that runs because workflow code creates or touches a type: instance initializers of the types it creates and
/// static initializers (and static constructors) of the types it uses are workflow code, reported by the usual rules
/// (here CUR1001/CUR1002) with the chain saying how they came to run, and without a code fix.
/// </summary>
public sealed class InitializerRuleTests
{
    [Test]
    public Task Initializers_OfTypesWorkflowCodeCreatesOrUses_AreReportedWithTheChain() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public sealed class OrderLine
        {
            public Guid Id { get; } = {|#0:Guid.NewGuid()|};
            public int Quantity { get; set; }
        }

        public record Receipt(string OrderId)
        {
            public DateTime IssuedAt { get; init; } = {|#1:DateTime.UtcNow|};
        }

        public static class Clock
        {
            public static readonly DateTime Boot = {|#2:DateTime.UtcNow|};
        }

        public static class Ids
        {
            private static readonly Random Seed;
            static Ids() => Seed = {|#3:new Random()|};
            public static int Next(int max) => max - 1;
        }

        [Workflow]
        public partial class Order
        {
            private static readonly long Started = {|#4:Environment.TickCount64|};

            public Task<string> RunAsync(string orderId)
            {
                var line = new OrderLine { Quantity = 2 };
                var receipt = new Receipt(orderId);
                var age = Workflow.UtcNow - Clock.Boot;
                return Task.FromResult(orderId + line.Quantity + receipt.OrderId + age + Ids.Next(3));
            }
        }
        """,
        Verify.Diagnostic("CUR1002").WithLocation(0).WithArguments("Guid.NewGuid()", "the initializer of 'OrderLine.Id', run by creating 'OrderLine' in 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1001").WithLocation(1).WithArguments("DateTime.UtcNow", "the initializer of 'Receipt.IssuedAt', run by creating 'Receipt' in 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1001").WithLocation(2).WithArguments("DateTime.UtcNow", "the static initializer of 'Clock.Boot', run on first use of 'Clock' in 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1002").WithLocation(3).WithArguments("new Random()", "the static constructor of 'Ids', run on first use of 'Ids' in 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1001").WithLocation(4).WithArguments("Environment.TickCount64", "the static initializer of 'Order.Started'"));

    [Test]
    public Task StaticInitializers_CreatingClients_AreSilent() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;

        public static class Api
        {
            private static readonly HttpClient Http = new HttpClient();
            public static string Url(string id) => "https://api.example.com/orders/" + id;
        }

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync(string id) => Task.FromResult(Api.Url(id));
        }
        """);

    [Test]
    public Task Initializers_OfTypesOnlyOtherCodeUses_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public sealed class AuditEntry
        {
            public Guid Id { get; } = Guid.NewGuid();
            public static readonly DateTime Boot = DateTime.UtcNow;
        }

        [Job]
        public partial class Audit
        {
            public Task<Guid> ExecuteAsync() => Task.FromResult(new AuditEntry().Id);
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int amount) => Task.FromResult(amount);
        }
        """);

    [Test]
    public Task Initializers_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        public sealed class OrderLine
        {
            public Guid Id { get; } = Guid.NewGuid();
        }

        [Workflow]
        public partial class Order
        {
            public Task<Guid> RunAsync() => Task.FromResult(new OrderLine().Id);
        }
        """);

    [Test]
    public Task CodeFix_IsNotOfferedInInitializersOfOtherTypes() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public sealed class OrderLine
        {
            public Guid Id { get; } = {|CUR1002:Guid.NewGuid()|};
        }

        [Workflow]
        public partial class Order
        {
            private readonly Guid _key = {|CUR1002:Guid.NewGuid()|};

            public Task<Guid> RunAsync() => Task.FromResult(new OrderLine().Id);
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        public sealed class OrderLine
        {
            public Guid Id { get; } = {|CUR1002:Guid.NewGuid()|};
        }

        [Workflow]
        public partial class Order
        {
            private readonly Guid _key = Workflow.NewGuid();

            public Task<Guid> RunAsync() => Task.FromResult(new OrderLine().Id);
        }
        """);
}
