using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2004: a Currant class without ExecuteAsync/RunAsync (no code fix).</summary>
public sealed class MissingEntryMethodRuleTests
{
    [Test]
    public Task MissingEntryMethods_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class {|#0:SendEmail|}
        {
            public Task RunAsync(string to) => Task.CompletedTask;
        }

        [Workflow]
        public partial class {|#1:Order|}
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2004").WithLocation(0).WithArguments("Job", "SendEmail", "ExecuteAsync"),
        Verify.Diagnostic("CUR2004").WithLocation(1).WithArguments("Workflow", "Order", "RunAsync"));

    [Test]
    public Task InheritedEntryMethod_IsReported_BecauseTheGeneratorOnlyUsesTheClassesOwn() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public abstract class EmailJobBase
        {
            public Task ExecuteAsync(string to) => Task.CompletedTask;
        }

        [Job]
        public partial class {|#0:SendWelcome|} : EmailJobBase { }
        """,
        Verify.Diagnostic("CUR2004").WithLocation(0).WithArguments("Job", "SendWelcome", "ExecuteAsync"));

    [Test]
    public Task DeclaredEntryMethods_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public abstract class EmailJobBase
        {
            protected static string Normalize(string to) => to.Trim();
        }

        [Job]
        public partial class SendWelcome : EmailJobBase
        {
            public Task ExecuteAsync(string to) => Task.FromResult(Normalize(to));
        }

        [Workflow]
        public partial class Order
        {
            public Task RunAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task MissingEntryMethods_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class SendEmail { }
        """);
}
