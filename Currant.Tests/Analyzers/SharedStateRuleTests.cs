using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1008: mutable static state of the user's own types in workflow code (no code fix).</summary>
public sealed class SharedStateRuleTests
{
    [Test]
    public Task MutableStatics_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public static class Counters
        {
            public static int Processed;
            public static string Region { get; set; } = "eu";
        }

        [Workflow]
        public partial class Order
        {
            private static int _runs;

            public Task<string> RunAsync()
            {
                {|#0:_runs|}++;
                {|#1:Counters.Processed|} = {|#2:Counters.Processed|} + 1;
                return Task.FromResult({|#3:Counters.Region|});
            }
        }
        """,
        Verify.Diagnostic("CUR1008").WithLocation(0).WithArguments("Order._runs", "'Order.RunAsync'", "writing"),
        Verify.Diagnostic("CUR1008").WithLocation(1).WithArguments("Counters.Processed", "'Order.RunAsync'", "writing"),
        Verify.Diagnostic("CUR1008").WithLocation(2).WithArguments("Counters.Processed", "'Order.RunAsync'", "reading"),
        Verify.Diagnostic("CUR1008").WithLocation(3).WithArguments("Counters.Region", "'Order.RunAsync'", "reading"));

    [Test]
    public Task ImmutableAndInstanceState_InWorkflow_IsSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Limits
        {
            public const int Max = 3;
            public static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);
            public static string Name => "limits";
        }

        [Workflow]
        public partial class Order
        {
            private int _attempts;

            public Task<int> RunAsync()
            {
                _attempts++;
                return Task.FromResult(_attempts + Limits.Max + Limits.Wait.Minutes + Limits.Name.Length + string.Empty.Length);
            }
        }
        """);

    [Test]
    public Task MutableStatics_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Count
        {
            private static int _count;
            public Task<int> ExecuteAsync() => Task.FromResult(++_count);
        }
        """);

    [Test]
    public Task MutableStatics_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            private static int _runs;
            public Task<int> RunAsync() => Task.FromResult(++_runs);
        }
        """);
}
