using Currant.CommandLine;
using Currant.Development;

namespace Currant.Cli;

/// <summary><c>currant dev</c>: a throwaway, migrated local Postgres that lives until Ctrl-C.</summary>
internal static class DevServer
{
    public static CliCommand Create() => new("dev", "Start a throwaway local PostgreSQL (migrated), print its URL, stop it on Ctrl-C.")
    {
        Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, output => RunAsync(output, ct)),
    };

    private static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await using var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = true }, cancellationToken).ConfigureAwait(false);
        await using (var client = await CurrantClient.ConnectAsync(server.ConnectionString, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await client.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"PostgreSQL is running (data in {server.DataDirectory}); stop with Ctrl-C.").ConfigureAwait(false);
        await output.WriteLineAsync($"export {CurrantEnvironment.DatabaseUrl}=\"{server.ConnectionString}\"").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("Stopping PostgreSQL...").ConfigureAwait(false);
        }

        return 0;
    }
}
