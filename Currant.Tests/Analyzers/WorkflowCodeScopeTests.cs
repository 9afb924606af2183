using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>What counts as workflow code: the call graph from RunAsync, and what it leaves out.</summary>
public sealed class WorkflowCodeScopeTests
{
    [Test]
    public Task HelperInAnotherFile_CalledFromWorkflow_IsReportedWithTheCallChain() => Verify.VerifyAsync(
        [
            """
            using System;
            using System.Threading.Tasks;
            using Currant;

            [Workflow]
            public partial class ProcessOrder
            {
                public Task<string> RunAsync() => Task.FromResult(Labels.For("order"));
            }
            """,
            """
            using System;

            public static class Labels
            {
                public static string For(string name) => name + Clock.Stamp();
            }

            public static class Clock
            {
                public static DateTime Stamp() => {|#0:DateTime.Now|};
            }
            """,
        ],
        Verify.Diagnostic("CUR1001").WithLocation(0).WithMessage(
            "'DateTime.Now' in 'Clock.Stamp()', called from 'Labels.For()', called from 'ProcessOrder.RunAsync': the wall clock is not replayed; use 'Workflow.UtcNow'"));

    [Test]
    public Task RecursiveHelpers_AreReportedOnceWithTheShortestChain() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Countdown
        {
            public Task<int> RunAsync(int n) => Task.FromResult(Even(n) ? 1 : 0);

            private static bool Even(int n) => n == 0 || Odd(n - 1);

            private static bool Odd(int n) => n != 0 && ({|#0:Guid.NewGuid()|} != Guid.Empty || Even(n - 1));
        }
        """,
        Verify.Diagnostic("CUR1002").WithLocation(0).WithArguments("Guid.NewGuid()", "'Countdown.Odd()', called from 'Countdown.Even()', called from 'Countdown.RunAsync'"));

    [Test]
    public Task HelperReachedFromTwoWorkflows_IsReportedOnce() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Ids
        {
            public static Guid Next() => {|CUR1002:Guid.NewGuid()|};
        }

        [Workflow]
        public partial class First
        {
            public Task<Guid> RunAsync() => Task.FromResult(Ids.Next());
        }

        [Workflow]
        public partial class Second
        {
            public Task<Guid> RunAsync() => Task.FromResult(Ids.Next());
        }
        """);

    [Test]
    public Task LambdasLocalFunctionsAccessorsAndConstructors_ReachedFromWorkflow_AreWorkflowCode() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using Currant;

        public sealed class Money
        {
            public Money(int cents) => Stamp = {|#0:DateTime.UtcNow|};
            public DateTime Stamp { get; }
            public static Money operator +(Money a, Money b) => new Money({|#1:Environment.ProcessorCount|});
            public int Rounded => {|#2:Random.Shared|}.Next();
        }

        [Workflow]
        public partial class Order
        {
            private readonly Guid _id = {|#3:Guid.NewGuid()|};

            public Task<int> RunAsync(int[] items)
            {
                var total = items.Select(i => i + {|#4:Environment.TickCount|}).Sum();
                var money = new Money(1) + new Money(2);
                return Task.FromResult(Local() + money.Rounded);

                int Local() => {|#5:Environment.ProcessorCount|};
            }

            private int Unused() => Environment.ProcessorCount;
        }
        """,
        Verify.Diagnostic("CUR1001").WithLocation(0).WithArguments("DateTime.UtcNow", "'new Money()', called from 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1007").WithLocation(1).WithArguments("Environment.ProcessorCount", "'Money.operator +', called from 'Order.RunAsync'", "the machine's environment"),
        Verify.Diagnostic("CUR1002").WithLocation(2).WithArguments("Random.Shared", "'Money.Rounded', called from 'Order.RunAsync'"),
        Verify.Diagnostic("CUR1002").WithLocation(3).WithArguments("Guid.NewGuid()", "the initializer of 'Order._id'"),
        Verify.Diagnostic("CUR1001").WithLocation(4).WithArguments("Environment.TickCount", "'Order.RunAsync'"),
        Verify.Diagnostic("CUR1007").WithLocation(5).WithArguments("Environment.ProcessorCount", "'Local()', called from 'Order.RunAsync'", "the machine's environment"));

    [Test]
    public Task StepDelegatesJobsAndActivities_AreNotWorkflowCode() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Stamp
        {
            public Task<DateTime> ExecuteAsync() => Task.FromResult(DateTime.UtcNow);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<DateTime> Run() => Task.FromResult(default(DateTime));
            public static DateTime Helper() => DateTime.Now;
        }

        [Job]
        public partial class Cleanup
        {
            public Task ExecuteAsync() => Task.Delay(10);
        }

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var a = await Workflow.Step("now", ct => Task.FromResult(DateTime.UtcNow));
                var b = await Workflow.Step("roll", Roll);
                var c = await Stamp.Run();
                var d = Stamp.Helper();
                return a.AddTicks(b) + (c - d);

                static Task<int> Roll(CancellationToken ct) => Task.FromResult(Random.Shared.Next());
            }
        }
        """);

    [Test]
    public Task NameOfAndTypeOf_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Diagnostics;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync() => Task.FromResult(nameof(DateTime.Now) + typeof(Stopwatch).Name);
        }
        """);

    [Test]
    public Task GenericAndExtensionHelpers_AreFollowed() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        public static class Extensions
        {
            public static T Stamped<T>(this T value) where T : class
            {
                _ = {|#0:DateTimeOffset.Now|};
                return value;
            }
        }

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync(string id) => Task.FromResult(id.Stamped());
        }
        """,
        Verify.Diagnostic("CUR1001").WithLocation(0).WithArguments("DateTimeOffset.Now", "'Extensions.Stamped()', called from 'Order.RunAsync'"));

    [Test]
    public Task Workflow_WithoutRunAsync_HasNoWorkflowCode() => Verify.VerifyAsync("""
        using System;
        using Currant;

        [Workflow]
        public partial class Broken
        {
            public DateTime Execute() => DateTime.Now;
        }
        """);
}
