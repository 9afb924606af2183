using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2010: a class carrying more than one of [Job]/[Activity]/[Workflow] (no code fix).</summary>
public sealed class ConflictingKindsRuleTests
{
    [Test]
    public Task TwoKindsOnOneClass_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job, Activity(Name = "charge-activity")]
        public partial class {|#0:Charge|}
        {
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2010").WithLocation(0).WithArguments("Charge", "Job", "Activity"));

    [Test]
    public Task OneKindPerClass_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Charge { public Task ExecuteAsync() => Task.CompletedTask; }

        [Activity]
        public partial class ChargeStep { public Task ExecuteAsync() => Task.CompletedTask; }
        """);

    [Test]
    public Task TwoKindsOnOneClass_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }
        public sealed class ActivityAttribute : Attribute { }

        [Job, Activity] public partial class Charge { }
        """);
}
