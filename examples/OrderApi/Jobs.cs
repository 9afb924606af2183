using Currant;
using Npgsql;

namespace OrderApi;

public sealed record Charge(string TransactionId);

public sealed record OrderResult(Guid OrderId, string TransactionId);

public interface IPaymentGateway
{
    Task<Charge> ChargeAsync(Guid orderId, decimal amount, string cardToken, CancellationToken ct);
}

/// <summary>A stand-in for a real payment provider. Registered as scoped: each execution gets its own.</summary>
public sealed class FakePaymentGateway(ILogger<FakePaymentGateway> logger) : IPaymentGateway
{
    public Task<Charge> ChargeAsync(Guid orderId, decimal amount, string cardToken, CancellationToken ct)
    {
        logger.LogInformation("Charged {Amount} to {CardToken} for order {OrderId}", amount, cardToken, orderId);
        return Task.FromResult(new Charge($"ch_{orderId.ToString("N")[..12]}"));
    }
}

/// <summary>
/// Processes a placed order: charge, mark it paid and queue the receipt, the last two in one transaction.
/// (Once workflows land this becomes a [Workflow] whose steps are activities; the API does not change.)
/// </summary>
[Job(Queue = "orders", Retries = 3)]
public partial class ProcessOrder(NpgsqlDataSource db, IPaymentGateway payments, ILogger<ProcessOrder> logger)
{
    public async Task<OrderResult> ExecuteAsync(Guid orderId, decimal amount, string email, string cardToken, CancellationToken ct)
    {
        var charge = await payments.ChargeAsync(orderId, amount, cardToken, ct);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var update = new NpgsqlCommand(Orders.MarkPaid, connection, tx) { Parameters = { new() { Value = orderId }, new() { Value = charge.TransactionId } } })
        {
            await update.ExecuteNonQueryAsync(ct);
        }

        await SendReceipt.Options(transaction: tx).Queue(email, orderId, amount);
        await tx.CommitAsync(ct);
        logger.LogInformation("Order {OrderId} paid ({TransactionId})", orderId, charge.TransactionId);
        return new OrderResult(orderId, charge.TransactionId);
    }
}

[Job(Queue = "emails", Retries = 5)]
public partial class SendReceipt(ILogger<SendReceipt> logger)
{
    public Task ExecuteAsync(string email, Guid orderId, decimal amount, CancellationToken ct)
    {
        logger.LogInformation("Receipt for order {OrderId} ({Amount}) sent to {Email}", orderId, amount, email);
        return Task.CompletedTask;
    }
}
