using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1011: a Workflow.Step lambda assigning a local, parameter or field outside it (no code fix).</summary>
public sealed class StepWritesRuleTests
{
    [Test]
    public Task WritesOutsideTheStepBody_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            private string _status = "new";

            public async Task<int> RunAsync(int attempts)
            {
                var charged = 0;
                string? receipt = null;
                await Workflow.Step("charge", async ct =>
                {
                    await Task.Yield();
                    {|#0:charged|} = 10;
                    {|#1:attempts|}++;
                    {|#2:_status|} = "charged";
                    int.TryParse("5", out {|#3:charged|});
                    ({|#4:receipt|}, var ignored) = ("r-1", 1);
                });
                return charged + attempts + _status.Length + (receipt?.Length ?? 0);
            }
        }
        """,
        Verify.Diagnostic("CUR1011").WithLocation(0).WithArguments("charged", "step 'charge'"),
        Verify.Diagnostic("CUR1011").WithLocation(1).WithArguments("attempts", "step 'charge'"),
        Verify.Diagnostic("CUR1011").WithLocation(2).WithArguments("Order._status", "step 'charge'"),
        Verify.Diagnostic("CUR1011").WithLocation(3).WithArguments("charged", "step 'charge'"),
        Verify.Diagnostic("CUR1011").WithLocation(4).WithArguments("receipt", "step 'charge'"));

    [Test]
    public Task StepBodiesReturningTheirResult_AreSilent() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        public sealed class Holder { public int Value { get; set; } }

        [Workflow]
        public partial class Order
        {
            private int _total;

            public async Task<int> RunAsync(int amount)
            {
                var lines = new List<int> { amount };
                var charged = await Workflow.Step("charge", async ct =>
                {
                    var sum = 0;
                    foreach (var line in lines)
                    {
                        sum += line;
                    }

                    await Task.Yield();
                    System.Func<int> twice = () => { var local = sum; local *= 2; return local; };
                    var made = new { Sum = sum, Twice = twice() };
                    var holder = new Holder { Value = made.Twice };
                    return holder.Value;
                });
                _total = charged;
                return _total;
            }
        }
        """);

    [Test]
    public Task WritesOutsideLambdas_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Tally
        {
            public async Task<int> ExecuteAsync()
            {
                var count = 0;
                Func<Task> bump = async () => { await Task.Yield(); count++; };
                await bump();
                return count;
            }
        }
        """);

    [Test]
    public Task WritesOutsideTheStepBody_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        public static class Workflow
        {
            public static Task Step(string name, Func<CancellationToken, Task> body) => body(default);
        }

        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync()
            {
                var charged = 0;
                await Workflow.Step("charge", ct => { charged = 1; return Task.CompletedTask; });
                return charged;
            }
        }
        """);
}
