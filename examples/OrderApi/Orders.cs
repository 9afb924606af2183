using System.Text.Json;
using Npgsql;

namespace OrderApi;

public sealed record PlaceOrder(string Email, decimal Amount, string CardToken);

public sealed record OrderAccepted(Guid OrderId, Guid ExecutionId);

public sealed record OrderView(Guid Id, string Email, decimal Amount, string Status, string? TransactionId, ExecutionView Execution);

public sealed record ExecutionView(Guid Id, string Name, string State, int Attempt, JsonElement? Result, string? Error);

/// <summary>The application's own table, in the same database as Currant's schema: that is what lets one transaction hold both.</summary>
public static class Orders
{
    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS orders (
            id uuid PRIMARY KEY,
            email text NOT NULL,
            amount numeric(12, 2) NOT NULL,
            status text NOT NULL DEFAULT 'placed',
            transaction_id text,
            execution_id uuid,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public const string Insert = "INSERT INTO orders (id, email, amount) VALUES ($1, $2, $3)";

    public const string SetExecution = "UPDATE orders SET execution_id = $2 WHERE id = $1";

    public const string MarkPaid = "UPDATE orders SET status = 'paid', transaction_id = $2 WHERE id = $1";

    public const string Select = "SELECT id, email, amount, status, transaction_id, execution_id FROM orders WHERE id = $1";

    public static async Task EnsureTableAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(CreateTable);
        await command.ExecuteNonQueryAsync();
    }
}
