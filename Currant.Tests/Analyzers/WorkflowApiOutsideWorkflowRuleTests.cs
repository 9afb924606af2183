using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3006: Workflow.* outside workflow code (no code fix).</summary>
public sealed class WorkflowApiOutsideWorkflowRuleTests
{
    [Test]
    public Task WorkflowApi_OutsideWorkflowCode_IsReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Report
        {
            public async Task ExecuteAsync()
            {
                var now = {|#0:Workflow.UtcNow|};
                await {|#1:Workflow.Sleep(TimeSpan.FromSeconds(1))|};
                Func<Guid> ids = {|#2:Workflow.NewGuid|};
            }
        }

        public static class Helpers
        {
            public static bool Replaying() => {|#3:Workflow.IsReplaying|};
        }
        """,
        Verify.Diagnostic("CUR3006").WithLocation(0).WithArguments("Workflow.UtcNow", "'Report.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3006").WithLocation(1).WithArguments("Workflow.Sleep()", "'Report.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3006").WithLocation(2).WithArguments("Workflow.NewGuid()", "'Report.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3006").WithLocation(3).WithArguments("Workflow.IsReplaying", "'Helpers.Replaying()'"));

    [Test]
    public Task WorkflowApi_InWorkflowCode_IsSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<Guid> RunAsync()
            {
                await Workflow.Sleep(TimeSpan.FromMinutes(1));
                var id = Workflow.Id;
                var stamp = await Workflow.Step("stamp", ct => Task.FromResult(id.ToString()));
                return Ids.Next();
            }
        }

        public static class Ids
        {
            public static Guid Next() => Workflow.NewGuid();
        }
        """);

    [Test]
    public Task WorkflowApi_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public static class Workflow
        {
            public static DateTime UtcNow => DateTime.UtcNow;
        }

        public static class Report
        {
            public static DateTime Now() => Workflow.UtcNow;
        }
        """);

    [Test]
    public Task WorkflowApi_InTheAssemblyThatDefinesIt_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        namespace Currant
        {
            public sealed class JobAttribute : Attribute { }
            public sealed class ActivityAttribute : Attribute { }
            public sealed class WorkflowAttribute : Attribute { }

            public static class Workflow
            {
                public static DateTime UtcNow => Current;
                private static DateTime Current => DateTime.UtcNow;
            }
        }
        """);
}
