using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2005: more than one ExecuteAsync/RunAsync (no code fix).</summary>
public sealed class AmbiguousEntryMethodRuleTests
{
    [Test]
    public Task Overloads_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class {|#0:SendEmail|}
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
            public Task ExecuteAsync(string to, string subject) => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2005").WithLocation(0).WithArguments("Job", "SendEmail", 2, "ExecuteAsync"));

    [Test]
    public Task OneEntryMethodWithOptionalParameters_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class SendEmail
        {
            public Task ExecuteAsync(string to, string subject = "Hello") => Task.CompletedTask;
            public Task SendAsync(string to) => Task.CompletedTask;
        }
        """);

    [Test]
    public Task Overloads_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class SendEmail
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
            public Task ExecuteAsync(int id) => Task.CompletedTask;
        }
        """);
}
