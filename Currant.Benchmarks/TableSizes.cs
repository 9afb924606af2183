namespace Currant.Benchmarks;

/// <summary>Row count and on-disk sizes of Currant's tables and their indexes (pg_relation_size / pg_indexes_size).</summary>
internal sealed record TableSizes(long Executions, long ExecutionsTableBytes, long ExecutionsIndexBytes, long HistoryBytes, long SignalsBytes)
{
    private const string Query = """
        SELECT (SELECT count(*) FROM currant.executions),
               pg_table_size('currant.executions'), pg_indexes_size('currant.executions'),
               pg_total_relation_size('currant.history'), pg_total_relation_size('currant.signals')
        """;

    public static async Task<TableSizes> ReadAsync(CurrantClient client, CancellationToken ct)
    {
        await using var command = client.DataSource.CreateCommand(Query);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new TableSizes(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
