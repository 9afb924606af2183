using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.DeclarationAnalyzer, Currant.Analyzers.CodeFixes.MakePartialCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2001: Currant classes must be partial.</summary>
public sealed class ClassNotPartialRuleTests
{
    [Test]
    public Task NonPartialClasses_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public class {|#0:SendEmail|}
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
        }

        [Workflow]
        public sealed class {|#1:Order|}
        {
            public Task RunAsync() => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2001").WithLocation(0).WithArguments("Job", "SendEmail"),
        Verify.Diagnostic("CUR2001").WithLocation(1).WithArguments("Workflow", "Order"));

    [Test]
    public Task PartialClassesAndPlainClasses_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public sealed partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
        }

        public class Helper
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task NonPartialClasses_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public class SendEmail
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task CodeFix_MakesEveryClassPartial() => VerifyFix.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public sealed class {|CUR2001:SendEmail|}
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
        }

        [Activity]
        class {|CUR2001:Charge|}
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
        }
        """, """
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public sealed partial class SendEmail
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
        }

        [Activity]
        partial class Charge
        {
            public Task<int> ExecuteAsync(int amount) => Task.FromResult(amount);
        }
        """);
}
