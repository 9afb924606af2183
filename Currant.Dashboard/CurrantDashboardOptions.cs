namespace Currant.Dashboard;

/// <summary>Settings of <c>app.MapCurrantDashboard(prefix, o => …)</c>.</summary>
public sealed class CurrantDashboardOptions
{
    /// <summary>
    /// The authorization policy a user must satisfy to take actions (cancel, retry, resume, signal, bulk). Null (the
    /// default): the dashboard is read-only and every action answers 403. Viewing is governed by the app, with
    /// <c>RequireAuthorization</c> on the returned endpoint group.
    /// </summary>
    public string? ActionsPolicy { get; set; }

    /// <summary>
    /// The client whose database the dashboard shows. Null: the <see cref="CurrantClient"/> registered by
    /// <c>services.AddCurrant(…)</c>, else one connected to <see cref="ConnectionString"/>.
    /// </summary>
    public CurrantClient? Client { get; set; }

    /// <summary>The database to show when the app registers no <see cref="CurrantClient"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Rows per page of the executions list (1..500, default 50).</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>Counts stop here and show "10,000+": a page never counts millions of rows (default 10,000).</summary>
    public int CountCap { get; set; } = 10_000;

    /// <summary>Most executions one bulk action touches (default 1,000); repeat it for more.</summary>
    public int BulkLimit { get; set; } = 1_000;

    /// <summary>
    /// Actions without a policy: only for the standalone <c>currant dashboard --allow-actions</c>, which has no
    /// authentication of its own and listens on loopback by default.
    /// </summary>
    internal bool AllowActionsWithoutPolicy { get; set; }
}
