using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.ConcurrencyLimitAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2060 and CUR2061: [Job(ConcurrencyKey, MaxConcurrency)] names a parameter and comes as a pair.</summary>
public sealed class ConcurrencyLimitRuleTests
{
    [Test]
    public Task KeyThatNamesNoParameter_IsReported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job({|#0:ConcurrencyKey = "user"|}, MaxConcurrency = 1)]
        public partial class SyncMailbox
        {
            public Task ExecuteAsync(string userId, int folder, CancellationToken ct) => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2060").WithLocation(0).WithArguments("SyncMailbox", "user", "ExecuteAsync", "userId, folder"));

    [Test]
    public Task KeyNamingTheCancellationToken_IsReported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job({|#0:ConcurrencyKey = "ct"|}, MaxConcurrency = 1)]
        public partial class SyncMailbox
        {
            public Task ExecuteAsync(CancellationToken ct) => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2060").WithLocation(0).WithArguments("SyncMailbox", "ct", "ExecuteAsync", "none"));

    [Test]
    public Task HalfAPairOrALimitBelowOne_IsReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job({|#0:MaxConcurrency = 2|})]
        public partial class A { public Task ExecuteAsync(string userId) => Task.CompletedTask; }

        [Job({|#1:ConcurrencyKey = "userId"|})]
        public partial class B { public Task ExecuteAsync(string userId) => Task.CompletedTask; }

        [Job({|#2:ConcurrencyKey = "userId"|}, MaxConcurrency = 0)]
        public partial class C { public Task ExecuteAsync(string userId) => Task.CompletedTask; }
        """,
        Verify.Diagnostic("CUR2061").WithLocation(0).WithArguments("A", "MaxConcurrency = 2 needs ConcurrencyKey naming the ExecuteAsync parameter to limit by"),
        Verify.Diagnostic("CUR2061").WithLocation(1).WithArguments("B", "ConcurrencyKey = \"userId\" needs MaxConcurrency, how many executions per value may run at once (at least 1)"),
        Verify.Diagnostic("CUR2061").WithLocation(2).WithArguments("C", "MaxConcurrency = 0 must be at least 1 (pause the queue to stop it)"));

    [Test]
    public Task AValidPair_AndJobsWithoutOne_AreSilent() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Job(Queue = "mail", ConcurrencyKey = "userId", MaxConcurrency = 2)]
        public partial class SyncMailbox
        {
            public Task ExecuteAsync(string userId, CancellationToken ct) => Task.CompletedTask;
        }

        [Job]
        public partial class Plain { public Task ExecuteAsync(int n) => Task.CompletedTask; }
        """);

    [Test]
    public Task LookAlikeAttribute_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class JobAttribute : Attribute
        {
            public string? ConcurrencyKey { get; set; }
            public int MaxConcurrency { get; set; }
        }

        [Job(ConcurrencyKey = "nothing", MaxConcurrency = 0)]
        public class SyncMailbox { public Task ExecuteAsync() => Task.CompletedTask; }
        """);
}
