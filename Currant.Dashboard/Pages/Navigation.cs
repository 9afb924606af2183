namespace Currant.Dashboard.Pages;

/// <summary>
/// The dashboard's sections, in menu order: (path under the dashboard's root, title). A new page (schedules, queues)
/// adds its entry here and maps its route in <see cref="DashboardEndpoints"/>.
/// </summary>
internal static class Navigation
{
    public static readonly (string Path, string Title)[] Sections =
    [
        ("", "Overview"),
        ("/executions", "Executions"),
        ("/schedules", "Schedules"),
        ("/queues", "Queues"),
        ("/actions", "Actions"),
    ];
}
