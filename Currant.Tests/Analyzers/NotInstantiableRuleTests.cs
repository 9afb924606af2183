using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2009: static or abstract Currant classes (no code fix).</summary>
public sealed class NotInstantiableRuleTests
{
    [Test]
    public Task StaticAndAbstractClasses_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public abstract partial class {|#0:Export|}
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Workflow]
        public static partial class {|#1:Order|}
        {
        }
        """,
        Verify.Diagnostic("CUR2009").WithLocation(0).WithArguments("Job", "Export", "abstract"),
        Verify.Diagnostic("CUR2009").WithLocation(1).WithArguments("Workflow", "Order", "static"),
        Verify.Diagnostic("CUR2004").WithLocation(1).WithArguments("Workflow", "Order", "RunAsync"));

    [Test]
    public Task ConcreteClassDerivingFromAbstractBase_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public abstract class ExportBase
        {
            protected Task Flush() => Task.CompletedTask;
        }

        [Job]
        public sealed partial class Export : ExportBase
        {
            public Task ExecuteAsync() => Flush();
        }
        """);

    [Test]
    public Task StaticAndAbstractClasses_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        [Job] public abstract partial class Export { }
        """);
}
