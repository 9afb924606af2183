namespace Currant.Generators.Model;

/// <summary>Which attribute found the class; decides the stubs (Queue for jobs and workflows, Run for activities and workflows).</summary>
internal enum ExecutionModelKind
{
    Job,
    Activity,
    Workflow,
}
