using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3007: Workflow.* and the generated Run/Queue stubs inside a Workflow.Step body (no code fix).</summary>
public sealed class WorkflowApiInStepRuleTests
{
    // Hand-written stand-ins for the generator's stubs.
    private const string Stubs = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<int> Run(int amount) => Task.FromResult(amount);
            public static Configured Options(int priority = 0) => new Configured();

            public readonly struct Configured
            {
                [GeneratedStub(GeneratedStubKind.Run)]
                public Task<int> Run(int amount) => Task.FromResult(amount);
            }
        }

        [Job]
        public partial class SendEmail
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
            [GeneratedStub(GeneratedStubKind.Queue)]
            public static Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
            [GeneratedStub(GeneratedStubKind.Queue)]
            public static Task<IReadOnlyList<ExecutionHandle>> QueueMany(IEnumerable<string> items) => Task.FromResult<IReadOnlyList<ExecutionHandle>>(null);
            public static Configured Options(string idempotencyKey = null) => new Configured();

            public readonly struct Configured
            {
                [GeneratedStub(GeneratedStubKind.Queue)]
                public Task<ExecutionHandle> Queue(string to) => Task.FromResult<ExecutionHandle>(null);
            }
        }

        """;

    [Test]
    public Task WorkflowApi_InLambdaAndAnonymousMethodStepBodies_IsReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;
        using Microsoft.Extensions.Logging;

        [Workflow]
        public partial class Order
        {
            public async Task<string> RunAsync()
            {
                var stamp = await Workflow.Step("stamp", ct => Task.FromResult({|CUR3007:Workflow.UtcNow|}));
                var id = await Workflow.Step("id", async ct =>
                {
                    await {|CUR3007:Workflow.Sleep(TimeSpan.FromSeconds(1))|};
                    {|CUR3007:Workflow.Logger|}.LogInformation("in {Id}", {|CUR3007:Workflow.Id|});
                    var version = {|CUR3007:Workflow.GetVersion("change", 1, 2)|};
                    var replaying = {|CUR3007:Workflow.IsReplaying|};
                    var next = {|CUR3007:Workflow.Random|}.Next();
                    return {|CUR3007:Workflow.NewGuid()|};
                });
                await Workflow.Step("signal", async delegate (CancellationToken ct)
                {
                    await {|CUR3007:Workflow.WaitForSignal<bool>("approved")|};
                });
                await Workflow.Step("ids", ct =>
                {
                    Func<Guid> ids = {|CUR3007:Workflow.NewGuid|};
                    return Task.CompletedTask;
                });
                return stamp + " " + id;
            }
        }
        """);

    [Test]
    public Task WorkflowApiInStep_MessageNamesTheStepAndTheMember() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            private const string Charge = "charge";

            public async Task<string> RunAsync(string name)
            {
                var a = await Workflow.Step(Charge, ct => Task.FromResult({|#0:Workflow.UtcNow|}));
                var b = await Workflow.Step(name, ct => Task.FromResult({|#1:Workflow.Id|}));
                return a.ToString("o") + b;
            }
        }
        """,
        Verify.Diagnostic("CUR3007").WithLocation(0).WithMessage(
            "'Workflow.UtcNow' in step 'charge': a step body runs once as ordinary code, outside the workflow, where Workflow.* and the Run/Queue stubs do not work; call it from the workflow code before or after the step"),
        Verify.Diagnostic("CUR3007").WithLocation(1).WithArguments("Workflow.Id", "a 'Workflow.Step' body"));

    [Test]
    public Task RunAndQueueStubs_InStepBody_AreReported() => Verify.VerifyAsync(Stubs + """
        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync()
            {
                return await Workflow.Step("charge", async ct =>
                {
                    var charged = await {|#0:Charge.Run(1)|} + await {|#1:Charge.Options(priority: 1).Run(2)|};
                    await {|#2:SendEmail.Queue("a@x.io")|};
                    await {|#3:SendEmail.Options(idempotencyKey: "k").Queue("b@x.io")|};
                    await {|#4:SendEmail.QueueMany(new[] { "c@x.io" })|};
                    return charged;
                });
            }
        }
        """,
        Verify.Diagnostic("CUR3007").WithLocation(0).WithArguments("Charge.Run()", "step 'charge'"),
        Verify.Diagnostic("CUR3007").WithLocation(1).WithArguments("Charge.Configured.Run()", "step 'charge'"),
        Verify.Diagnostic("CUR3007").WithLocation(2).WithArguments("SendEmail.Queue()", "step 'charge'"),
        Verify.Diagnostic("CUR3007").WithLocation(3).WithArguments("SendEmail.Configured.Queue()", "step 'charge'"),
        Verify.Diagnostic("CUR3007").WithLocation(4).WithArguments("SendEmail.QueueMany()", "step 'charge'"));

    [Test]
    public Task NestedStep_IsReported_AndItsBodyIsAStepBodyToo() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync()
            {
                await Workflow.Step("outer", async ct =>
                {
                    await {|#0:Workflow.Step("inner", _ => Task.FromResult({|#1:Workflow.UtcNow|}))|};
                });
            }
        }
        """,
        Verify.Diagnostic("CUR3007").WithLocation(0).WithArguments("Workflow.Step()", "step 'outer'"),
        Verify.Diagnostic("CUR3007").WithLocation(1).WithArguments("Workflow.UtcNow", "step 'inner'"));

    [Test]
    public Task MethodGroupsLocalFunctionsAndHelpers_ReachedFromStepBody_AreReportedWithTheChain() => Verify.VerifyAsync(
        [
            Stubs + """
            [Workflow]
            public partial class Order
            {
                public async Task<DateTime> RunAsync()
                {
                    var id = await Workflow.Step("id", NewId);
                    await Workflow.Step("log", Log);
                    var total = await Workflow.Step("total", ct => Task.FromResult(Billing.Total(2)));
                    return Receipts.Stamp();

                    Task Log(CancellationToken ct)
                    {
                        _ = {|#0:Workflow.IsReplaying|};
                        return Task.CompletedTask;
                    }
                }

                private static Task<Guid> NewId(CancellationToken ct) => Task.FromResult({|#1:Workflow.NewGuid()|});
            }
            """,
            """
            using System;
            using Currant;

            public static class Billing
            {
                public static int Total(int amount) => Fees.Add(amount);
            }

            public static class Fees
            {
                public static int Add(int amount) => amount + {|#2:Charge.Run(1)|}.Result;
            }

            public static class Receipts
            {
                // Only workflow code calls it: fine.
                public static DateTime Stamp() => Workflow.UtcNow;
            }
            """,
        ],
        Verify.Diagnostic("CUR3007").WithLocation(0).WithArguments("Workflow.IsReplaying", "'Log()', called from step 'log'"),
        Verify.Diagnostic("CUR3007").WithLocation(1).WithArguments("Workflow.NewGuid()", "'Order.NewId()', called from step 'id'"),
        Verify.Diagnostic("CUR3007").WithLocation(2).WithArguments("Charge.Run()", "'Fees.Add()', called from 'Billing.Total()', called from step 'total'"));

    [Test]
    public Task HelperCalledFromWorkflowCodeAndFromAStep_IsReportedForTheStepOnly() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var now = Clock.Now();
                return await Workflow.Step("stamp", ct => Task.FromResult(Clock.Now()));
            }
        }

        public static class Clock
        {
            public static DateTime Now() => {|#0:Workflow.UtcNow|};
        }
        """,
        Verify.Diagnostic("CUR3007").WithLocation(0).WithArguments("Workflow.UtcNow", "'Clock.Now()', called from step 'stamp'"));

    [Test]
    public Task WorkflowApiAroundSteps_AndOrdinaryCodeInSteps_AreSilent() => Verify.VerifyAsync(Stubs + """
        [Workflow]
        public partial class Order
        {
            public async Task<string> RunAsync()
            {
                var at = Workflow.UtcNow;
                var charged = await Charge.Run(1);
                await SendEmail.Queue("a@x.io");
                var text = await Workflow.Step("step-" + Workflow.NewGuid(), async ct =>
                {
                    await Task.Delay(10, ct).ConfigureAwait(false);
                    var local = DateTime.Now.ToString() + Guid.NewGuid() + Random.Shared.Next() + Environment.MachineName;
                    var length = await Task.Run(() => local.Length);
                    return nameof(Workflow.UtcNow) + local + length + at + charged;
                });
                await Workflow.Sleep(TimeSpan.FromSeconds(1));
                return text;
            }
        }
        """);

    [Test]
    public Task StepInCodeNoWorkflowReaches_ItsBodyIsStillReported() => Verify.VerifyAsync(Stubs + """
        [Job]
        public partial class Nightly
        {
            public async Task ExecuteAsync()
            {
                await SendEmail.Queue("ops@x.io");
                await {|#0:Workflow.Step("report", ct => Task.FromResult({|#1:Workflow.UtcNow|}))|};
            }
        }
        """,
        Verify.Diagnostic("CUR3006").WithLocation(0).WithArguments("Workflow.Step()", "'Nightly.ExecuteAsync()'"),
        Verify.Diagnostic("CUR3007").WithLocation(1).WithArguments("Workflow.UtcNow", "step 'report'"));

    [Test]
    public Task WorkflowApiInStep_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        public static class Workflow
        {
            public static DateTime UtcNow => DateTime.UtcNow;
            public static Task<T> Step<T>(string name, Func<CancellationToken, Task<T>> step) => step(default);
        }

        [Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Workflow.Step("now", ct => Task.FromResult(Workflow.UtcNow));
        }
        """);

    [Test]
    public Task CodeFix_WorkflowUtcNowIsNotOfferedInAHelperAStepAlsoCalls() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var started = Clock.Now();
                return await Workflow.Step("stamp", ct => Task.FromResult(Clock.Now()));
            }
        }

        public static class Clock
        {
            public static DateTime Now() => {|CUR1001:DateTime.UtcNow|};
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var started = Clock.Now();
                return await Workflow.Step("stamp", ct => Task.FromResult(Clock.Now()));
            }
        }

        public static class Clock
        {
            public static DateTime Now() => {|CUR1001:DateTime.UtcNow|};
        }
        """);
}
