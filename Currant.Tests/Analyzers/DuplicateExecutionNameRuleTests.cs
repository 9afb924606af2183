using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2008: two Currant classes with one execution name (no code fix: only the user can pick a name).</summary>
public sealed class DuplicateExecutionNameRuleTests
{
    [Test]
    public Task DuplicateNames_AreReportedOnEveryClass() => Verify.VerifyAsync(
        [
            """
            using System.Threading.Tasks;
            using Currant;

            namespace Billing
            {
                [{|#0:Job|}]
                public partial class SendEmail { public Task ExecuteAsync() => Task.CompletedTask; }
            }

            namespace Marketing
            {
                [{|#1:Job|}]
                public partial class SendEmail { public Task ExecuteAsync() => Task.CompletedTask; }
            }
            """,
            """
            using System.Threading.Tasks;
            using Currant;

            [{|#2:Workflow(Name = "refund")|}]
            public partial class Refund { public Task RunAsync() => Task.CompletedTask; }

            [{|#3:Job(Name = "refund")|}]
            public partial class RefundJob { public Task ExecuteAsync() => Task.CompletedTask; }
            """,
        ],
        Verify.Diagnostic("CUR2008").WithLocation(0).WithArguments("SendEmail", "SendEmail", "SendEmail"),
        Verify.Diagnostic("CUR2008").WithLocation(1).WithArguments("SendEmail", "SendEmail", "SendEmail"),
        Verify.Diagnostic("CUR2008").WithLocation(2).WithArguments("refund", "Refund", "RefundJob"),
        Verify.Diagnostic("CUR2008").WithLocation(3).WithArguments("refund", "RefundJob", "Refund"));

    [Test]
    public Task DistinctNames_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        namespace Billing
        {
            [Job(Name = "billing.send-email")]
            public partial class SendEmail { public Task ExecuteAsync() => Task.CompletedTask; }
        }

        namespace Marketing
        {
            [Job]
            public partial class SendEmail { public Task ExecuteAsync() => Task.CompletedTask; }

            public partial class Refund { }
        }
        """);

    [Test]
    public Task DuplicateNames_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { public string Name { get; set; } }

        [Job(Name = "x")] public partial class A { }
        [Job(Name = "x")] public partial class B { }
        """);
}
