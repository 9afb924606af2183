using Currant.Dashboard;
using Currant.Dashboard.Actions;
using Currant.Dashboard.Hosting;
using Currant.Dashboard.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts the Currant dashboard in an ASP.NET Core app.</summary>
public static class CurrantDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/> (default <c>/currant</c>) and returns its endpoint group, so
    /// the app can protect it (<c>.RequireAuthorization("admins")</c>). Read-only unless
    /// <see cref="CurrantDashboardOptions.ActionsPolicy"/> names a policy the user satisfies. Needs the antiforgery
    /// services (<c>services.AddCurrantDashboard()</c> adds them) and a database: <c>services.AddCurrant(…)</c>,
    /// <see cref="CurrantDashboardOptions.ConnectionString"/> or <see cref="CurrantDashboardOptions.Client"/>.
    /// </summary>
    public static RouteGroupBuilder MapCurrantDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/currant", Action<CurrantDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new CurrantDashboardOptions();
        configure?.Invoke(options);
        if (endpoints.ServiceProvider.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                "The Currant dashboard protects its actions with ASP.NET Core antiforgery: call builder.Services.AddCurrantDashboard() (or AddAntiforgery()) before MapCurrantDashboard.");
        }

        var normalized = "/" + prefix.Trim().Trim('/');
        var group = endpoints.MapGroup(normalized);
        var dashboard = new DashboardContext(options, normalized == "/" ? "" : normalized, endpoints.ServiceProvider);
        DashboardEndpoints.Map(group, dashboard);
        ActionEndpoints.Map(group, dashboard);
        return group;
    }
}
