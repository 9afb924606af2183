using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.UseWorkflowApiCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1001: the wall clock in workflow code.</summary>
public sealed class WallClockRuleTests
{
    [Test]
    public Task ClockReads_InWorkflow_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Diagnostics;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<long> RunAsync()
            {
                var a = {|CUR1001:DateTime.Now|};
                var b = {|CUR1001:DateTime.UtcNow|};
                var c = {|CUR1001:DateTime.Today|};
                var d = {|CUR1001:DateTimeOffset.Now|};
                var e = {|CUR1001:DateTimeOffset.UtcNow|};
                var f = {|CUR1001:TimeProvider.System|}.GetUtcNow();
                var g = {|CUR1001:Environment.TickCount64|};
                var h = {|CUR1001:Stopwatch.StartNew()|}.Elapsed;
                return Task.FromResult(g);
            }
        }
        """);

    [Test]
    public Task ClockReads_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Stamp
        {
            public Task<DateTime> ExecuteAsync() => Task.FromResult(DateTime.UtcNow);
        }

        public static class Clock
        {
            public static DateTime Now() => DateTime.Now;
        }
        """);

    [Test]
    public Task ClockReads_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Task.FromResult(DateTime.UtcNow);
        }
        """);

    [Test]
    public Task CodeFix_ReplacesEveryUtcNowWithWorkflowUtcNow() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<TimeSpan> RunAsync()
            {
                var started = {|CUR1001:DateTime.UtcNow|};
                var offset = {|CUR1001:DateTimeOffset.UtcNow|};
                return Task.FromResult({|CUR1001:DateTime.UtcNow|} - started);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<TimeSpan> RunAsync()
            {
                var started = Workflow.UtcNow;
                var offset = new DateTimeOffset(Workflow.UtcNow, TimeSpan.Zero);
                return Task.FromResult(Workflow.UtcNow - started);
            }
        }
        """);

    [Test]
    public Task CodeFix_InHelperWithoutUsingCurrant_AddsTheUsing() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;

        [Currant.Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Task.FromResult(Clock.Stamp());
        }

        public static class Clock
        {
            public static DateTime Stamp() => {|CUR1001:DateTime.UtcNow|};
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Currant.Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Task.FromResult(Clock.Stamp());
        }

        public static class Clock
        {
            public static DateTime Stamp() => Workflow.UtcNow;
        }
        """);

    [Test]
    public Task ClockReads_InStepBodies_AreNotReported_SoNoFixIsOffered() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var a = await Workflow.Step("now", ct => Task.FromResult(DateTime.Now));
                var b = await Workflow.Step("utc", async delegate (CancellationToken ct)
                {
                    await Task.Yield();
                    return DateTime.UtcNow;
                });
                var c = await Workflow.Step("stamp", Stamp);
                return a + (b - c);

                static Task<DateTime> Stamp(CancellationToken ct) => Task.FromResult(Clock.UtcNow());
            }
        }

        public static class Clock
        {
            public static DateTime UtcNow() => DateTimeOffset.UtcNow.UtcDateTime;
        }
        """, """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<DateTime> RunAsync()
            {
                var a = await Workflow.Step("now", ct => Task.FromResult(DateTime.Now));
                var b = await Workflow.Step("utc", async delegate (CancellationToken ct)
                {
                    await Task.Yield();
                    return DateTime.UtcNow;
                });
                var c = await Workflow.Step("stamp", Stamp);
                return a + (b - c);

                static Task<DateTime> Stamp(CancellationToken ct) => Task.FromResult(Clock.UtcNow());
            }
        }

        public static class Clock
        {
            public static DateTime UtcNow() => DateTimeOffset.UtcNow.UtcDateTime;
        }
        """);

    [Test]
    public Task LocalTime_HasNoCodeFix() => VerifyFix.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Task.FromResult({|CUR1001:DateTime.Now|});
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<DateTime> RunAsync() => Task.FromResult({|CUR1001:DateTime.Now|});
        }
        """);
}
