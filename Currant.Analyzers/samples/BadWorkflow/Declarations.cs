using Currant;

namespace BadWorkflow;

[Job] // expect CUR2008
public class Archive // expect CUR2001
{
    public Task ExecuteAsync(ref int count) => Task.CompletedTask; // expect CUR2007
}

[Workflow(Name = "process-order")]
public partial class ProcessOrderV2 // expect CUR2004
{
}

[Activity(Name = "Archive")] // expect CUR2008
public partial class ArchiveStep
{
    public Task ExecuteAsync() => Task.CompletedTask;
}
