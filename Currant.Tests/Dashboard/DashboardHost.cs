using Currant.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Currant.Tests.Dashboard;

/// <summary>
/// A real ASP.NET Core app on Kestrel (127.0.0.1, a free port) with the dashboard mapped, as a user's app would map it:
/// header sign-in (<see cref="HeaderAuthenticationHandler"/>), an "ops" policy (role ops), optional path base.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>The dashboard's root, with the path base and prefix, ending in '/'.</summary>
    public Uri Root { get; }

    /// <summary>The server's origin (scheme, host, port).</summary>
    public Uri Origin => new(Root.GetLeftPart(UriPartial.Authority));

    public static async Task<DashboardHost> StartAsync(
        CurrantClient client, Action<CurrantDashboardOptions>? configure = null, string prefix = "/currant", string? pathBase = null,
        bool requireSignIn = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCurrantDashboard();
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.Name)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.Name, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy("ops", p => p.RequireRole("ops"));
        var app = builder.Build();
        if (pathBase is not null)
        {
            app.UsePathBase(pathBase);
        }

        app.UseAuthentication();
        app.UseAuthorization();
        var group = app.MapCurrantDashboard(prefix, o =>
        {
            o.Client = client;
            configure?.Invoke(o);
        });
        if (requireSignIn)
        {
            group.RequireAuthorization();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri($"{address.TrimEnd('/')}{pathBase}{prefix.TrimEnd('/')}/");
        return new DashboardHost(app, root);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
