namespace Currant;

/// <summary>
/// Marks a parameter of a job's or activity's <c>ExecuteAsync</c> or a workflow's <c>RunAsync</c> as sensitive: the
/// argument is stored as given (the code receives it unchanged), but the dashboard and the command line
/// (<c>currant status</c>, <c>list --json</c>, <c>history</c>) show it as <c>"***"</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class SensitiveAttribute : Attribute
{
}
