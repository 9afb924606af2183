using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3005: workflows with constructor parameters (no code fix).</summary>
public sealed class WorkflowConstructorRuleTests
{
    [Test]
    public Task ConstructorParameters_OnWorkflow_AreReported() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Primary{|CUR3005:(HttpClient http)|}
        {
            public Task RunAsync() => Task.CompletedTask;
        }

        [Workflow]
        public partial class Explicit
        {
            private readonly HttpClient _http;
            public {|CUR3005:Explicit|}(HttpClient http) => _http = http;
            public Task RunAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task ParameterlessWorkflowsAndJobsWithServices_AreSilent() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Order() { }
            public Task RunAsync() => Task.CompletedTask;
        }

        [Job]
        public partial class Fetch(HttpClient http)
        {
            public Task<string> ExecuteAsync(string url) => http.GetStringAsync(url);
        }
        """);

    [Test]
    public Task ConstructorParameters_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order(string name)
        {
            public Task<string> RunAsync() => Task.FromResult(name);
        }
        """);
}
