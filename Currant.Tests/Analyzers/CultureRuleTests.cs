using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1009: the current culture, read directly or by formatting and parsing without a provider (no code fix).</summary>
public sealed class CultureRuleTests
{
    [Test]
    public Task CultureReads_InWorkflowAndHelpers_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Globalization;
        using System.Threading.Tasks;
        using Currant;

        public static class Money
        {
            public static string Show(decimal amount) => {|#0:amount.ToString("N2")|};
        }

        [Workflow]
        public partial class Invoice
        {
            public Task<string> RunAsync(decimal amount, double rate, string typed)
            {
                var culture = {|CUR1009:CultureInfo.CurrentCulture|}.Name;
                var due = {|CUR1009:Workflow.UtcNow.ToString("yyyy-MM-dd")|};
                var parsed = {|CUR1009:decimal.Parse(typed)|};
                return Task.FromResult(culture + due + Money.Show(amount + parsed) + {|CUR1009:rate.ToString()|});
            }
        }
        """,
        Verify.Diagnostic("CUR1009").WithLocation(0).WithArguments("decimal.ToString()", "'Money.Show()', called from 'Invoice.RunAsync'"));

    [Test]
    public Task InvariantFormatting_InWorkflow_IsSilent() => Verify.VerifyAsync("""
        using System;
        using System.Globalization;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Invoice
        {
            public Task<string> RunAsync(decimal amount, int count, string typed)
            {
                var invariant = CultureInfo.InvariantCulture;
                var due = Workflow.UtcNow.ToString("o") + Workflow.UtcNow.ToString("yyyy-MM-dd", invariant);
                var parsed = decimal.Parse(typed, invariant);
                var german = (amount + parsed).ToString("N2", CultureInfo.GetCultureInfo("de-DE"));
                return Task.FromResult(due + german + count.ToString() + $"{count} items" + amount.ToString(invariant));
            }
        }
        """);

    [Test]
    public Task CultureReads_OutsideWorkflows_AreSilent() => Verify.VerifyAsync("""
        using System.Globalization;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class Render
        {
            public Task<string> ExecuteAsync(decimal amount) => Task.FromResult(amount.ToString() + CultureInfo.CurrentCulture.Name);
        }
        """);

    [Test]
    public Task CultureReads_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Globalization;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Invoice
        {
            public Task<string> RunAsync(decimal amount) => Task.FromResult(amount.ToString() + CultureInfo.CurrentCulture.Name);
        }
        """);
}
