using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.RetrySettingsAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2040: invalid retry delays, backoff or heartbeat timeout on [Job]/[Activity] (no code fix: only the user knows the pace).</summary>
public sealed class InvalidRetrySettingRuleTests
{
    [Test]
    public Task InvalidValues_AreReportedOnTheirArgument() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job({|#0:RetryDelay = -1|}, {|#1:RetryBackoff = 0.5|}, {|#2:HeartbeatTimeout = -2|})]
        public partial class Poll { public Task ExecuteAsync() => Task.CompletedTask; }

        [Activity(RetryDelay = 60, {|#3:RetryMaxDelay = 30|})]
        public partial class Step { public Task ExecuteAsync() => Task.CompletedTask; }

        [Activity({|#4:RetryMaxDelay = 0|})]
        public partial class Other { public Task ExecuteAsync() => Task.CompletedTask; }
        """,
        Verify.Diagnostic("CUR2040").WithLocation(0).WithArguments("Job", "RetryDelay", "-1", "Poll",
            "is invalid: the delay before a retry cannot be negative (0 retries at once; leave it out for the worker's default)"),
        Verify.Diagnostic("CUR2040").WithLocation(1).WithArguments("Job", "RetryBackoff", "0.5", "Poll",
            "is invalid: the backoff coefficient must be at least 1 (1 keeps the delay constant)"),
        Verify.Diagnostic("CUR2040").WithLocation(2).WithArguments("Job", "HeartbeatTimeout", "-2", "Poll",
            "is invalid: a heartbeat timeout cannot be negative (0 means none)"),
        Verify.Diagnostic("CUR2040").WithLocation(3).WithArguments("Activity", "RetryMaxDelay", "30", "Step",
            "is less than its RetryDelay (60): the longest delay cannot be shorter than the first"),
        Verify.Diagnostic("CUR2040").WithLocation(4).WithArguments("Activity", "RetryMaxDelay", "0", "Other",
            "is invalid: the longest delay must be positive"));

    [Test]
    public Task ValidValues_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Activity(Retries = 100, RetryDelay = 60, RetryBackoff = 1)]
        public partial class Poll { public Task ExecuteAsync() => Task.CompletedTask; }

        [Job(RetryDelay = 0, RetryBackoff = 2.5, RetryMaxDelay = 300, HeartbeatTimeout = 0)]
        public partial class Backoff { public Task ExecuteAsync() => Task.CompletedTask; }

        [Job(RetryMaxDelay = 0.5, HeartbeatTimeout = 1.5)]
        public partial class Short { public Task ExecuteAsync() => Task.CompletedTask; }
        """);

    [Test]
    public Task LookalikeAttribute_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { public double RetryDelay { get; set; } public double RetryBackoff { get; set; } }

        [Job(RetryDelay = -1, RetryBackoff = 0)] public partial class A { }
        """);
}
