namespace Currant.Tests.Generators;

/// <summary>
/// The generated handle of a workflow with [Signal], [Query] and [Update] methods (DESIGN.md §2.1): golden file,
/// compiled, and what a shape the generator cannot serve leaves out.
/// </summary>
public sealed class WorkflowHandleGoldenTests
{
    private const string Approval = """
        using Currant;

        namespace Demo;

        [Workflow(Queue = "approvals")]
        public partial class Approval
        {
            private readonly List<string> _approvers = [];
            private string _status = "waiting";

            public async Task<string> RunAsync(string documentId, int needed)
            {
                var enough = await Workflow.WaitUntil(() => _approvers.Count >= needed, TimeSpan.FromDays(7));
                _status = enough ? "approved" : "expired";
                return _status;
            }

            [Signal] public void Approve(string who) => _approvers.Add(who);
            [Signal(Name = "reset")] public Task Reset() { _approvers.Clear(); return Task.CompletedTask; }
            [Signal] public void Delegate(string from, string to, int weight) { }
            [Query] public string Status() => _status;
            [Query] public bool Has(string who) => _approvers.Contains(who);
            [Update] public int AddApprover(string who) { _approvers.Add(who); return _approvers.Count; }
            [Update] public async Task Touch() => await Task.CompletedTask;

            [UpdateValidator(nameof(AddApprover))]
            public void ValidateAddApprover(string who)
            {
                if (_approvers.Contains(who)) throw new ArgumentException("twice");
            }
        }
        """;

    [Test]
    public void Generate_ForAWorkflowWithHandlers_WritesTheHandlerTableAndATypedHandle()
    {
        var run = GeneratorHarness.Run(Approval);
        run.AssertCompilesCleanly();
        GoldenFile.AssertMatches("WorkflowHandle", run.Source("Demo.Approval.g.cs"));
    }

    [Test]
    public void Generate_ForHandlersOfWrongShape_LeavesThemOutAndStillCompiles()
    {
        var run = GeneratorHarness.Run("""
            using Currant;

            namespace Demo;

            [Workflow]
            public partial class Odd
            {
                public Task RunAsync() => Task.CompletedTask;

                [Signal] public int ReturnsValue() => 1;
                [Query] public Task<int> AwaitsSomething() => Task.FromResult(1);
                [Query] public string Fine() => "ok";
                [UpdateValidator("Missing")] public void ValidatesNothing() { }
            }
            """);

        run.AssertCompilesCleanly();
        var source = run.Source("Demo.Odd.g.cs");
        Assert.That(source, Does.Contain("Name = \"Fine\""));
        Assert.That(source, Does.Not.Contain("ReturnsValue"));
        Assert.That(source, Does.Not.Contain("AwaitsSomething"));
        Assert.That(source, Does.Not.Contain("ValidatesNothing"));
    }
}
