using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3001: an activity's (or child workflow's) Run outside workflow code (no code fix).</summary>
public sealed class RunOutsideWorkflowRuleTests
{
    private const string Definitions = """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<int> Run(int amount) => Task.FromResult(amount);
            public static ChargeStub Options(int priority = 0) => new ChargeStub();
        }

        public sealed class ChargeStub
        {
            [GeneratedStub(GeneratedStubKind.Run)]
            public Task<int> Run(int amount) => Task.FromResult(amount);
        }

        [Workflow]
        public partial class Refund
        {
            public Task<int> RunAsync(int amount) => Task.FromResult(amount);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<int> Run(int amount) => Task.FromResult(amount);
        }

        """;

    [Test]
    public Task Run_OutsideWorkflowCode_IsReported() => Verify.VerifyAsync(Definitions + """
        [Job]
        public partial class Nightly
        {
            public async Task ExecuteAsync()
            {
                await {|#0:Charge.Run(5)|};
                await {|#1:Refund.Run(5)|};
                await {|#2:Charge.Options(priority: 1).Run(5)|};
            }
        }
        """,
        Verify.Diagnostic("CUR3001").WithLocation(0).WithArguments("Charge.Run()", "'Nightly.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3001").WithLocation(1).WithArguments("Refund.Run()", "'Nightly.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3001").WithLocation(2).WithArguments("ChargeStub.Run()", "'Nightly.ExecuteAsync()'"));

    [Test]
    public Task Run_InWorkflowCode_IsSilent() => Verify.VerifyAsync(Definitions + """
        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync()
            {
                var charged = await Charge.Run(10) + await Charge.Options().Run(3);
                Func<int, Task<int>> charge = Charge.Run;
                return charged + await Helpers.RefundAll() + await charge(1);
            }
        }

        public static class Helpers
        {
            public static Task<int> RefundAll() => Refund.Run(10);
        }
        """);

    [Test]
    public Task MethodNamedRun_WithoutTheGeneratedStubMarker_IsNotAStub() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Tally
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
            public static Task<int> Run(int amount) => Task.FromResult(amount);
        }

        public static class Caller
        {
            public static Task<int> Call() => Tally.Run(1);
        }
        """);

    [Test]
    public Task Run_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class ActivityAttribute : Attribute { }

        [Activity]
        public partial class Charge
        {
            public static Task<int> Run(int amount) => Task.FromResult(amount);
        }

        public static class Caller
        {
            public static Task<int> Call() => Charge.Run(1);
        }
        """);
}
