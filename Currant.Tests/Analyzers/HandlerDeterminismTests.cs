using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>Signal, query and update handlers are workflow code: the determinism rules reach them and what they call.</summary>
public sealed class HandlerDeterminismTests
{
    [Test]
    public Task NondeterminismInHandlers_IsReportedLikeInRunAsync() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            private DateTime _at;

            public Task RunAsync() => Task.CompletedTask;

            [Signal] public void Approve(string who) => _at = {|CUR1001:DateTime.UtcNow|};
            [Update] public async Task<int> Add(int n) { await {|CUR1003:Task.Delay(10)|}; return n; }
            [Query] public Guid Id() => Stamp();

            private static Guid Stamp() => {|CUR1002:Guid.NewGuid()|};
        }
        """);

    [Test]
    public Task WorkflowApisInHandlers_AreWorkflowCode() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            private DateTime _at;

            public Task RunAsync() => Task.CompletedTask;

            [Signal] public void Approve(string who) => _at = Workflow.UtcNow;
            [Update] public async Task<bool> Wait(int seconds) => await Workflow.WaitUntil(() => _at > DateTime.MinValue, TimeSpan.FromSeconds(seconds));
        }
        """);
}
