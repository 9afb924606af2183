using Currant.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Dashboard.Hosting;

/// <summary>One mounted dashboard: its options, its prefix, and the client (database) it shows.</summary>
internal sealed class DashboardContext(CurrantDashboardOptions options, string prefix, IServiceProvider services)
{
    private readonly Lazy<CurrantClient> _client = new(() => ResolveClient(options, services));

    public CurrantDashboardOptions Options => options;

    public CurrantClient Client => _client.Value;

    public CurrantStore Store => Client.Store;

    public int PageSize => Math.Clamp(options.PageSize, 1, 500);

    public int CountCap => Math.Max(1, options.CountCap);

    /// <summary>Whether actions can be enabled at all (a policy is named, or the standalone tool allowed them).</summary>
    public bool ActionsConfigured => options.ActionsPolicy is not null || options.AllowActionsWithoutPolicy;

    /// <summary>
    /// The dashboard's root as the browser sees it: the app's path base (UsePathBase) plus the group's prefix. Every
    /// link, form and asset is built from it, so the dashboard works wherever it is mounted.
    /// </summary>
    public string BasePath(HttpContext http) => http.Request.PathBase.Value + prefix;

    /// <summary>True when this user may take actions: the named policy holds for them (or the standalone tool allowed actions).</summary>
    public async Task<bool> CanActAsync(HttpContext http)
    {
        if (options.ActionsPolicy is { } policy)
        {
            var authorization = http.RequestServices.GetService<IAuthorizationService>() ?? throw new InvalidOperationException(
                $"The Currant dashboard's ActionsPolicy '{policy}' needs authorization: call services.AddAuthorization(…) (or services.AddCurrantDashboard()).");
            // The request is the resource, so a policy can look at it (a loopback-only policy, a header set by a proxy).
            return (await authorization.AuthorizeAsync(http.User, http, policy).ConfigureAwait(false)).Succeeded;
        }

        return options.AllowActionsWithoutPolicy;
    }

    /// <summary>Who took an action, for the audit trail.</summary>
    public static string Actor(HttpContext http)
        => http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? name
            : "anonymous" + (http.Connection.RemoteIpAddress is { } ip ? $" ({ip})" : "");

    private static CurrantClient ResolveClient(CurrantDashboardOptions options, IServiceProvider services)
    {
        if (options.Client is { } client)
        {
            return client;
        }

        if (services.GetService<CurrantClient>() is { } registered)
        {
            return registered;
        }

        if (options.ConnectionString is { Length: > 0 } connectionString)
        {
            // Owned by the dashboard for the app's lifetime; the app's shutdown ends the process.
            return options.Client = CurrantClient.Connect(connectionString);
        }

        throw new InvalidOperationException(
            "The Currant dashboard has no database: register one with services.AddCurrant(…), or set o.ConnectionString or o.Client in MapCurrantDashboard.");
    }
}
