using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.DeclarationAnalyzer, Currant.Analyzers.CodeFixes.MakePartialCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2002: types containing a Currant class must be partial.</summary>
public sealed class ContainingTypeNotPartialRuleTests
{
    [Test]
    public Task NonPartialContainers_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public static class {|#1:Billing|}
        {
            public partial class Inner
            {
                [Job]
                public partial class {|#0:SendInvoice|}
                {
                    public Task ExecuteAsync(int id) => Task.CompletedTask;
                }
            }
        }
        """,
        // The container is the additional location the code fix makes partial.
        Verify.Diagnostic("CUR2002").WithLocation(0).WithLocation(1).WithArguments("Job", "Billing.Inner.SendInvoice", "Billing"));

    [Test]
    public Task PartialContainers_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public static partial class Billing
        {
            [Job]
            public partial class SendInvoice
            {
                public Task ExecuteAsync(int id) => Task.CompletedTask;
            }
        }
        """);

    [Test]
    public Task NonPartialContainers_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        public static class Billing
        {
            [Job]
            public partial class SendInvoice { }
        }
        """);

    [Test]
    public Task CodeFix_MakesEveryContainerPartial() => VerifyFix.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        public static class Billing
        {
            [Job]
            public partial class {|CUR2002:SendInvoice|}
            {
                public Task ExecuteAsync(int id) => Task.CompletedTask;
            }
        }

        internal class Shipping
        {
            [Activity]
            public partial class {|CUR2002:Label|}
            {
                public Task<string> ExecuteAsync(int id) => Task.FromResult("label");
            }
        }
        """, """
        using System.Threading.Tasks;
        using Currant;

        public static partial class Billing
        {
            [Job]
            public partial class SendInvoice
            {
                public Task ExecuteAsync(int id) => Task.CompletedTask;
            }
        }

        internal partial class Shipping
        {
            [Activity]
            public partial class Label
            {
                public Task<string> ExecuteAsync(int id) => Task.FromResult("label");
            }
        }
        """);
}
