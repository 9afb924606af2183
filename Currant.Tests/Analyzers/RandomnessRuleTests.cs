using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1002: random values and new GUIDs in workflow code.</summary>
public sealed class RandomnessRuleTests
{
    [Test]
    public Task RandomSources_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Security.Cryptography;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(string key)
            {
                var id = {|CUR1002:Guid.NewGuid()|};
                var a = {|CUR1002:new Random()|}.Next();
                var b = {|CUR1002:Random.Shared|}.Next();
                var c = {|CUR1002:RandomNumberGenerator.GetInt32(10)|};
                var d = {|CUR1002:key.GetHashCode()|};
                var e = {|CUR1002:HashCode.Combine(a, b)|};
                return Task.FromResult(a + b + c + d + e);
            }
        }
        """);

    [Test]
    public Task SeededRandomAndWorkflowApis_InWorkflow_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync()
            {
                var id = Workflow.NewGuid();
                var parsed = Guid.Parse("5f1c8a4e-0000-4000-8000-000000000000");
                return Task.FromResult(new Random(42).Next() + Workflow.Random.Next());
            }
        }
        """);

    [Test]
    public Task RandomSources_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class NewOrderId
        {
            public Task<Guid> ExecuteAsync() => Task.FromResult(Guid.NewGuid());
        }

        public static class Ids
        {
            public static int Roll() => Random.Shared.Next();
        }
        """);

    [Test]
    public Task RandomSources_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task<Guid> RunAsync() => Task.FromResult(Guid.NewGuid());
        }
        """);

    [Test]
    public Task CodeFix_ReplacesEveryNewGuidWithWorkflowNewGuid() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<Guid> RunAsync()
            {
                var first = {|CUR1002:Guid.NewGuid()|};
                return Task.FromResult({|CUR1002:Guid.NewGuid()|});
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<Guid> RunAsync()
            {
                var first = Workflow.NewGuid();
                return Task.FromResult(Workflow.NewGuid());
            }
        }
        """);

    [Test]
    public Task CodeFix_ReplacesEveryUnseededRandomWithWorkflowRandom() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync()
            {
                var random = {|CUR1002:new Random()|};
                return Task.FromResult(random.Next() + {|CUR1002:Random.Shared|}.Next());
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync()
            {
                var random = Workflow.Random;
                return Task.FromResult(random.Next() + Workflow.Random.Next());
            }
        }
        """);
}
