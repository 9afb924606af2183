using System.Collections.Concurrent;
using Currant.Persistence;
using Npgsql;

namespace Currant.Tests;

/// <summary>LISTENs on currant_due as a worker does and keeps what arrives, to check who announces a due time.</summary>
public sealed class DueListener : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly ConcurrentQueue<(string Queue, TimeSpan DueIn)> _received = new();

    private DueListener(NpgsqlConnection connection)
    {
        _connection = connection;
        _connection.Notification += (_, e) =>
        {
            if (e.Channel == SharedNames.DueChannel)
            {
                Assert.That(SharedNames.TryParseDue(e.Payload, out var queue, out var dueIn), Is.True, $"a currant_due payload SharedNames reads: '{e.Payload}'");
                _received.Enqueue((queue, dueIn));
            }
        };
    }

    public static async Task<DueListener> StartAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN {SharedNames.DueChannel}", connection);
        await listen.ExecuteNonQueryAsync();
        return new DueListener(connection);
    }

    /// <summary>The due times announced for <paramref name="queue"/> so far, waiting up to 30 s for the first <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<TimeSpan>> WaitForAsync(string queue, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (For(queue).Count < count && DateTime.UtcNow < deadline)
        {
            await _connection.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        return For(queue);
    }

    private List<TimeSpan> For(string queue) => _received.Where(r => r.Queue == queue).Select(r => r.DueIn).ToList();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
