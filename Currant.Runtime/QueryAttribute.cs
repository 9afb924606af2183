namespace Currant;

/// <summary>
/// Marks a method of a <c>[Workflow]</c> class as a query: it reads the workflow's state and returns it to the
/// caller (<c>h.Queries.X()</c>). A query is never recorded; it must not change state, await, or call
/// <c>Workflow.*</c> durable APIs, and it returns a value, not a task.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class QueryAttribute : Attribute
{
    /// <summary>The query's name; defaults to the method name.</summary>
    public string? Name { get; set; }
}
