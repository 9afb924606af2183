using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3008: a logger held in static state, used from workflow code.</summary>
public sealed class StaticLoggerRuleTests
{
    private const string Loggers = """
        using System.Threading.Tasks;
        using Currant;
        using Microsoft.Extensions.Logging;
        using Microsoft.Extensions.Logging.Abstractions;

        public static class Logs
        {
            public static readonly ILogger Orders = NullLogger.Instance;
            public static ILoggerFactory Factory { get; set; } = NullLoggerFactory.Instance;
        }

        """;

    [Test]
    public Task StaticLoggers_InWorkflowAndHelpers_AreReported() => Verify.VerifyAsync(Loggers + """
        public static class Audit
        {
            public static void Charged(int amount) => {|#0:Logs.Orders|}.LogInformation("Charged {Amount}", amount);
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int amount)
            {
                Audit.Charged(amount);
                var logger = {|#1:Logs.Factory|}.CreateLogger("orders");
                return Task.FromResult(amount);
            }
        }
        """,
        Verify.Diagnostic("CUR3008").WithLocation(0).WithArguments("Logs.Orders", "'Audit.Charged()', called from 'Order.RunAsync'"),
        Verify.Diagnostic("CUR3008").WithLocation(1).WithArguments("Logs.Factory", "'Order.RunAsync'"));

    [Test]
    public Task WorkflowLogger_IsSilent() => Verify.VerifyAsync(Loggers + """
        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int amount)
            {
                Workflow.Logger.LogInformation("Charging {Amount}", amount);
                return Task.FromResult(amount);
            }
        }
        """);

    [Test]
    public Task StaticLoggers_OutsideWorkflows_AreSilent() => Verify.VerifyAsync(Loggers + """
        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount)
            {
                Logs.Orders.LogInformation("Charged {Amount}", amount);
                return Task.FromResult(amount);
            }
        }
        """);

    [Test]
    public Task StaticLoggers_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        public static class Logs
        {
            public static readonly Action<string> Orders = _ => { };
        }

        [Workflow]
        public partial class Order
        {
            public Task RunAsync() { Logs.Orders("x"); return Task.CompletedTask; }
        }
        """);

    [Test]
    public Task CodeFix_UsesWorkflowLogger_WhereOnlyWorkflowCodeLogs() => VerifyFix.VerifyAsync(Loggers + """
        public static class Audit
        {
            public static void Charged(int amount) => {|CUR3008:Logs.Orders|}.LogInformation("Charged {Amount}", amount);
        }

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) { Audit.Charged(amount); return Task.FromResult(amount); }
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int amount)
            {
                Audit.Charged(amount);
                {|CUR3008:Logs.Orders|}.LogInformation("Order {Amount}", amount);
                return Task.FromResult(amount);
            }
        }
        """, Loggers + """
        public static class Audit
        {
            public static void Charged(int amount) => {|CUR3008:Logs.Orders|}.LogInformation("Charged {Amount}", amount);
        }

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) { Audit.Charged(amount); return Task.FromResult(amount); }
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int amount)
            {
                Audit.Charged(amount);
                Workflow.Logger.LogInformation("Order {Amount}", amount);
                return Task.FromResult(amount);
            }
        }
        """);
}
