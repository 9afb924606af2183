using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Currant.Hosting;

/// <summary>
/// What must happen before the host serves anything or starts a worker: the client exists (so the static stubs
/// find <see cref="CurrantClient.Default"/>), every application assembly's definitions are registered, the database
/// answers, and the schema is current (migrated first when <see cref="CurrantOptions.MigrateOnStartup"/> is set).
/// Shared by the hosted service and by the commands run through the host.
/// </summary>
internal sealed class CurrantStartup(CurrantClient client, CurrantDatabase database, IOptions<CurrantOptions> options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _done;

    public CurrantClient Client => client;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_done)
            {
                return;
            }

            var logger = client.Logger;
            CurrantClient.Default = client;
            ApplicationAssemblies.RegisterAll(logger);
            var names = ExecutionRegistry.All.Select(d => d.Name).Order(StringComparer.Ordinal).ToArray();
            HostingLog.DefinitionsRegistered(logger, names.Length, string.Join(", ", names));
            HostingLog.UsingDatabase(logger, database.Description, database.Source);
            await database.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            if (options.Value.MigrateOnStartup)
            {
                var applied = await client.MigrateAsync(cancellationToken).ConfigureAwait(false);
                if (applied.Count > 0)
                {
                    HostingLog.Migrated(logger, applied.Count, string.Join(", ", applied));
                }
            }

            await client.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
