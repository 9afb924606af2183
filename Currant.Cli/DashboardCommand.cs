using System.Net;
using Currant.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Currant.Cli;

/// <summary>
/// <c>currant dashboard --database-url … --port …</c>: the dashboard as its own small web server, read-only unless
/// started with <c>--allow-actions</c>. It has no sign-in of its own, so it listens on loopback unless told otherwise.
/// </summary>
internal static class DashboardCommand
{
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The 'currant' tool is not trimmed; --assembly loads the application to know its [Sensitive] parameters.")]
    public static CliCommand Create()
    {
        var port = new CliOption<int>("--port", "-p") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = () => 5380 };
        var bind = new CliOption<string>("--bind") { Description = "Address to listen on; anything but loopback exposes the dashboard to the network", DefaultValueFactory = () => "127.0.0.1" };
        var allowActions = new CliOption<bool>("--allow-actions") { Description = "Allow cancel, retry, resume, signal and bulk actions (recorded); read-only without it" };
        var assemblies = new CliOption<string[]>("--assembly", "-a") { Description = "Application .dll whose [Sensitive] parameters to redact (repeatable)" };
        var command = new CliCommand("dashboard",
            "Serve the dashboard (overview, executions, workflow timelines, actions) for a database on http://<bind>:<port>/. Read-only unless --allow-actions; stop with Ctrl-C.")
        {
            Options = { port, bind, allowActions, assemblies },
        };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new CommandLineException($"--port {portNumber} is not a port: use 1 to 65535 (or 0 for any free port).");
            }

            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new CommandLineException($"--bind '{parse.GetValue(bind)}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface).");
            }

            foreach (var path in parse.GetValue(assemblies) ?? [])
            {
                CurrantCommandLine.LoadApplicationAssembly(path);
            }

            await using var client = await CurrantCommandLine.ConnectAsync(parse, ct).ConfigureAwait(false);
            await client.EnsureSchemaAsync(ct).ConfigureAwait(false);
            var actions = parse.GetValue(allowActions);
            await using var app = Build(client, address, portNumber, actions);
            await app.StartAsync(ct).ConfigureAwait(false);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            await output.WriteLineAsync($"Currant dashboard on {url.TrimEnd('/')}/ ({(actions ? "actions allowed, each recorded" : "read-only")}); stop with Ctrl-C.").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static WebApplication Build(CurrantClient client, IPAddress address, int port, bool allowActions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddCurrantDashboard();
        var app = builder.Build();
        app.MapCurrantDashboard("/", o =>
        {
            o.Client = client;
            o.AllowActionsWithoutPolicy = allowActions;
        });
        return app;
    }
}
