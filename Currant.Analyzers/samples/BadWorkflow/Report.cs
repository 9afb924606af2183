using Currant;

namespace BadWorkflow;

[Job(Queue = "reports")]
public partial class Report
{
    public Task<DateTime> ExecuteAsync() => Task.FromResult(Workflow.UtcNow); // expect CUR3006
}
