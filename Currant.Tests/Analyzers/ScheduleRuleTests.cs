using Cronos;
using Currant.Analyzers.Model;
using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.ScheduleAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2050-CUR2052: [Schedule] with an invalid cron expression or time zone, or on the wrong class (no code fix).</summary>
public sealed class ScheduleRuleTests
{
    [Test]
    public Task InvalidCron_IsReportedOnTheExpression() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job, Schedule({|#0:"0 25 * * *"|})]
        public partial class Nightly { public Task ExecuteAsync() => Task.CompletedTask; }

        [Workflow, Schedule({|#1:"* * * *"|})]
        public partial class Hourly { public Task RunAsync() => Task.CompletedTask; }

        [Job, Schedule({|#2:"@fortnightly"|})]
        public partial class Macro { public Task ExecuteAsync() => Task.CompletedTask; }
        """,
        Verify.Diagnostic("CUR2050").WithLocation(0).WithArguments("0 25 * * *", "hour '25': 25 is outside 0-23"),
        Verify.Diagnostic("CUR2050").WithLocation(1).WithArguments("* * * *", "it has 4 fields; use 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)"),
        Verify.Diagnostic("CUR2050").WithLocation(2).WithArguments("@fortnightly",
            "'@fortnightly' is not a known macro (use @every_second, @every_minute, @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually)"));

    [Test]
    public Task UnknownTimeZone_IsReportedOnTheSetting() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job, Schedule("0 3 * * *", TimeZone = {|#0:"Europe/Atlantis"|})]
        public partial class Nightly { public Task ExecuteAsync() => Task.CompletedTask; }
        """,
        Verify.Diagnostic("CUR2051").WithLocation(0).WithArguments("Europe/Atlantis"));

    [Test]
    public Task ScheduleOnAClassWithParametersOrOnAnActivity_IsReported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job, {|#0:Schedule("0 3 * * *")|}]
        public partial class Digest { public Task ExecuteAsync(string email, CancellationToken ct) => Task.CompletedTask; }

        [Activity, {|#1:Schedule("0 3 * * *")|}]
        public partial class Step { public Task ExecuteAsync() => Task.CompletedTask; }

        [{|#2:Schedule("0 3 * * *")|}]
        public partial class Plain { }
        """,
        Verify.Diagnostic("CUR2052").WithLocation(0).WithArguments("Digest",
            "ExecuteAsync takes 'email', but a schedule runs it without arguments; call the generated 'Digest.Schedule(name, cron, email, ...)' instead"),
        Verify.Diagnostic("CUR2052").WithLocation(1).WithArguments("Step", "an activity runs only as a step of a workflow; schedule the workflow (or make it a [Job])"),
        Verify.Diagnostic("CUR2052").WithLocation(2).WithArguments("Plain", "it needs [Job] or [Workflow] beside it"));

    [Test]
    public Task ValidSchedules_AreSilent() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job(Queue = "reports"), Schedule("0 3 * * *", TimeZone = "Europe/Berlin", Overlap = ScheduleOverlap.BufferOne, CatchUp = ScheduleCatchUp.All, CatchUpWindow = 3600)]
        public partial class Nightly { public Task ExecuteAsync(CancellationToken ct) => Task.CompletedTask; }

        [Workflow, Schedule("*/10 * * * * *")]
        public partial class Often { public Task RunAsync() => Task.CompletedTask; }

        [Job, Schedule("@daily", TimeZone = "UTC")]
        public partial class Daily { public Task ExecuteAsync() => Task.CompletedTask; }

        [Job, Schedule("0 9 ? JAN-DEC MON-FRI")]
        public partial class Weekdays { public Task ExecuteAsync() => Task.CompletedTask; }
        """);

    [Test]
    public Task ScheduleLookalike_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class ScheduleAttribute(string cron) : Attribute { public string Cron { get; } = cron; }

        [Schedule("not a cron")] public partial class Nightly { }
        """);

    /// <summary>The analyzer's own syntax check must agree with Cronos, which the worker uses.</summary>
    [TestCase("* * * * *")]
    [TestCase("*/15 * * * * *")]
    [TestCase("0 0 3 * * *")]
    [TestCase("0 3 * * MON-FRI")]
    [TestCase("0 3 * * 7")]
    [TestCase("0 3 L * *")]
    [TestCase("0 3 L-2 * *")]
    [TestCase("0 3 LW * *")]
    [TestCase("0 3 15W * *")]
    [TestCase("0 3 ? * 5L")]
    [TestCase("0 3 ? * FRI#2")]
    [TestCase("0 0-6/2,22 * JAN,jul *")]
    [TestCase("@hourly")]
    [TestCase("@EVERY_SECOND")]
    [TestCase("0 25 * * *")]
    [TestCase("60 * * * *")]
    [TestCase("* * * *")]
    [TestCase("* * * * * * *")]
    [TestCase("0 3 32 * *")]
    [TestCase("0 3 * 13 *")]
    [TestCase("0 3 * * 8")]
    [TestCase("0 3 * * FUN")]
    [TestCase("*/0 * * * *")]
    [TestCase("0 3 ? * FRI#6")]
    [TestCase("0 3 L-31 * *")]
    [TestCase("0 3,,4 * * *")]
    [TestCase("@fortnightly")]
    [TestCase("a b c d e")]
    [TestCase("")]
    public void CronSyntax_AgreesWithCronos(string expression)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        bool cronosAccepts;
        try
        {
            CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            cronosAccepts = true;
        }
        catch (CronFormatException)
        {
            cronosAccepts = false;
        }

        Assert.That(CronSyntax.Problem(expression) is null, Is.EqualTo(cronosAccepts), CronSyntax.Problem(expression) ?? "(accepted)");
    }
}
